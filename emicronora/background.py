"""Background tasks of one application instance, keyed by the id of the row that tracks them (a solver run,
an export job). The app's lifespan creates one `TaskRunner` per kind and stops it at shutdown; domain code
receives it as an argument and never looks it up on the app."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

OnStop = Callable[[list[int]], Awaitable[None]]


class TaskRunner:
    def __init__(self, name: str, *, cancel_on_stop: bool = True, on_stop: OnStop | None = None) -> None:
        """`cancel_on_stop`: shutdown cancels the tasks (False: it waits for them, after the caller has asked
        them to end in their own way); `on_stop` gets the ids that were still running at shutdown."""
        self.name = name
        self.cancel_on_stop = cancel_on_stop
        self.on_stop = on_stop
        self.tasks: dict[int, asyncio.Task[None]] = {}
        # Held while a caller checks limits and starts a task, so that two requests cannot both pass.
        self.starting = asyncio.Lock()

    def start(self, key: int, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work, name=f"{self.name}-{key}")
        self.tasks[key] = task
        task.add_done_callback(lambda _task: self.tasks.pop(key, None))
        return task

    def running(self, key: int) -> bool:
        return key in self.tasks

    async def wait(self, key: int) -> None:
        """Until the task of `key` has ended (at once if none); a cancelled waiter spares the task."""
        task = self.tasks.get(key)
        if task is not None:
            await asyncio.shield(task)

    async def stop_all(self) -> None:
        keys, tasks = list(self.tasks), list(self.tasks.values())
        if self.cancel_on_stop:
            for task in tasks:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if keys and self.on_stop is not None:
            await self.on_stop(keys)
