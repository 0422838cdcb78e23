"""A job worker beside the test's web app, as `emicronora worker` runs beside the server: it runs the jobs
of the kinds a test names (the B2B solve, the publication's mails); and a stand-in engine for the child."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.scheduling import engine
from emicronora.jobs.worker import Worker
from emicronora.settings import Settings

B2B_KINDS = ("b2b.solve", "b2b.schedule_mails")
# A stand-in engine never waits longer than this for its stop (a test that forgot it leaves no process).
SLOW_ENGINE_WAIT_S = 30.0


def worker_for(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, kinds: Iterable[str] = B2B_KINDS
) -> Worker:
    worker = Worker(sessionmaker, settings, concurrency=2, poll_s=0.02, name="test-worker")
    wanted = set(kinds)
    worker.kinds = {name: kind for name, kind in worker.kinds.items() if name in wanted}
    return worker


@asynccontextmanager
async def running_worker(worker: Worker) -> AsyncIterator[Worker]:
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield worker
    finally:
        stop.set()
        await task


async def run_due_jobs(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, kinds: Iterable[str] = B2B_KINDS
) -> int:
    """Runs every due job of `kinds` to its end, one after the other; returns how many ran."""
    worker = worker_for(sessionmaker, settings, kinds)
    count = 0
    while await worker.run_one():
        count += 1
    return count


def slow_solve(
    plan: engine.Plan, on_progress: Callable[[engine.Snapshot], None], stop: threading.Event
) -> engine.Outcome:
    """The real engine, started only once the run is asked to stop: runs in the solver's child process."""
    on_progress(engine.Snapshot("weight", 4, 5, 2, None, 0.2))
    deadline = time.monotonic() + SLOW_ENGINE_WAIT_S
    while not stop.is_set() and time.monotonic() < deadline:
        stop.wait(0.02)
    return engine.solve(plan, on_progress, stop)
