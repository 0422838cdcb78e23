"""A worker process killed with SIGKILL in the middle of a job: once its lease has passed, another worker
process takes the job up again and its effect is there exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.jobs.queue import enqueue
from emicronora.models import AuditEntry, Job
from emicronora.settings import PROJECT_ROOT, Settings
from tests.jobs import handlers

# `emicronora worker`, with the test's job kinds loaded beside the application's.
WORKER = "import sys, tests.jobs.handlers; from emicronora.cli import main; main(sys.argv[1:])"


def start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "EMICRONORA_DATABASE_URL": settings.database_url,
        "EMICRONORA_SECRET_KEY": settings.secret_key,
        "EMICRONORA_MEDIA_DIR": settings.media_dir,
        "EMICRONORA_JOB_LEASE_SECONDS": "2",
        "EMICRONORA_JOB_POLL_MS": "50",
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-c", WORKER, "worker", "--queues", handlers.QUEUE],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def until(
    condition: Callable[[], Awaitable[bool]], what: str, log: Path, within_s: float = 60.0
) -> None:
    for _ in range(int(within_s / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    output = await asyncio.to_thread(log.read_text)
    raise AssertionError(f"{what} did not happen; worker log:\n{output}")


async def test_a_job_of_a_killed_worker_is_done_once_by_another(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    started, log = tmp_path / "started", tmp_path / "workers.log"
    async with sessionmaker() as db, db.begin():
        job_id = await enqueue(db, "test.hang_once", {"started": str(started)}, queue=handlers.QUEUE)

    async def job() -> Job:
        async with sessionmaker() as db:
            return await db.get_one(Job, job_id)

    first = start_worker(settings, log)
    try:

        async def first_attempt() -> bool:
            return await asyncio.to_thread(started.exists)

        await until(first_attempt, "the first attempt", log)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert (await job()).status == "running"
        second = start_worker(settings, log)
        try:

            async def done() -> bool:
                return (await job()).status == "done"

            await until(done, "the second worker's run", log)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
    finally:
        if first.poll() is None:
            first.kill()
    finished = await job()
    assert finished.attempts == 2
    assert finished.locked_by.endswith(f":{second.pid}")
    async with sessionmaker() as db:
        count = await db.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "test.hang_once")
        )
    assert count == 1
