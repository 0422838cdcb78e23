from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from emicronora.processes import ChildFailed, ChildStopped, run_in_child

# Targets: module-level, so that the child process imports them from this file.


def square_with_progress(n: int, progress: Callable[[Any], None], stop: threading.Event) -> dict[str, int]:
    progress(("half", n))
    return {"square": n * n, "pid": os.getpid()}


def count_until_stopped(start: int, progress: Callable[[Any], None], stop: threading.Event) -> int:
    """Reports a count until asked to stop, then answers with the count reached (its best so far)."""
    count = start
    progress(count)
    while not stop.wait(0.01):
        count += 1
    return count


def ignore_the_stop(_arg: None, progress: Callable[[Any], None], stop: threading.Event) -> int:
    progress(os.getpid())
    while True:
        time.sleep(0.05)


def fail(message: str, progress: Callable[[Any], None], stop: threading.Event) -> None:
    print("stray output must not disturb the frames")
    raise ValueError(message)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0): it is gone once its status says so.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[1][0] != "Z"


async def test_the_child_returns_the_result_and_streams_its_progress() -> None:
    seen: list[object] = []
    result = await run_in_child(square_with_progress, 12, on_progress=seen.append)
    assert result["square"] == 144
    assert result["pid"] != os.getpid()
    assert seen == [("half", 12)]


async def test_a_stop_is_honoured_and_the_best_result_so_far_comes_back() -> None:
    seen: list[int] = []
    stop = asyncio.Event()

    def progress(count: int) -> None:
        seen.append(count)
        stop.set()

    assert await run_in_child(count_until_stopped, 40, on_progress=progress, stop=stop) >= 40
    assert seen[0] == 40


async def test_a_child_that_ignores_the_stop_is_killed_after_the_grace_period() -> None:
    pids: list[int] = []
    stop = asyncio.Event()

    def progress(pid: int) -> None:
        assert _alive(pid)
        pids.append(pid)
        stop.set()

    with pytest.raises(ChildStopped):
        await run_in_child(ignore_the_stop, None, on_progress=progress, stop=stop, grace_s=0.2)
    assert not _alive(pids[0])


async def test_cancelling_the_caller_ends_the_child() -> None:
    pids: list[int] = []
    started = asyncio.Event()

    def progress(pid: int) -> None:
        pids.append(pid)
        started.set()

    solving = asyncio.ensure_future(run_in_child(ignore_the_stop, None, on_progress=progress, grace_s=0.2))
    await started.wait()
    solving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await solving
    assert not _alive(pids[0])


async def test_an_error_in_the_child_reaches_the_parent_with_its_traceback() -> None:
    with pytest.raises(ChildFailed, match="ValueError: no such meeting"):
        await run_in_child(fail, "no such meeting")


async def test_only_module_level_functions_can_run_in_a_child() -> None:
    def local(_arg: None, progress: Callable[[Any], None], stop: threading.Event) -> None:
        return None

    with pytest.raises(ValueError, match="module-level"):
        await run_in_child(local, None)
