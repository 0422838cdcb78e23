"""The worker: retries with back-off until done once, the dead letter, cancellation, progress on the row,
periodic jobs once per period with two workers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.jobs import operations
from emicronora.jobs.queue import enqueue
from emicronora.jobs.registry import PERIODIC, Periodic
from emicronora.jobs.worker import Worker
from emicronora.models import AuditEntry, Job
from emicronora.settings import Settings
from tests.jobs import handlers

Maker = async_sessionmaker[AsyncSession]


@pytest.fixture
def make_worker(settings: Settings, sessionmaker: Maker) -> Callable[[str], Worker]:
    def build(name: str = "w1") -> Worker:
        return Worker(sessionmaker, settings, name=name, queues=[handlers.QUEUE], first_retry=timedelta(0))

    return build


async def queue_job(sessionmaker: Maker, kind: str, payload: dict[str, object], **options: object) -> int:
    async with sessionmaker() as db, db.begin():
        job_id = await enqueue(db, kind, payload, queue=handlers.QUEUE, **options)  # type: ignore[arg-type]
    assert job_id is not None
    return job_id


async def job_of(sessionmaker: Maker, job_id: int) -> Job:
    async with sessionmaker() as db:
        return await db.get_one(Job, job_id)


async def effects(sessionmaker: Maker, name: str) -> int:
    async with sessionmaker() as db:
        count = await db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == name))
    return count or 0


async def test_a_failing_job_is_retried_and_done_once(
    sessionmaker: Maker, make_worker: Callable[..., Worker]
) -> None:
    job_id = await queue_job(sessionmaker, "test.flaky", {"failures": 2})
    worker = make_worker()
    for _ in range(3):
        assert await worker.run_one()
    assert not await worker.run_one()
    job = await job_of(sessionmaker, job_id)
    assert (job.status, job.attempts, job.error) == ("done", 3, "")
    assert await effects(sessionmaker, "test.flaky") == 1


async def test_a_retry_waits_for_its_back_off(sessionmaker: Maker, settings: Settings) -> None:
    job_id = await queue_job(sessionmaker, "test.flaky", {"failures": 1})
    worker = Worker(sessionmaker, settings, queues=[handlers.QUEUE], first_retry=timedelta(hours=1))
    assert await worker.run_one()
    job = await job_of(sessionmaker, job_id)
    assert (job.status, job.error) == ("queued", "RuntimeError: attempt 1 fails")
    assert job.run_after > datetime.now(UTC) + timedelta(minutes=59)
    assert not await worker.run_one()


async def test_after_its_last_attempt_a_job_is_failed_with_its_error(
    sessionmaker: Maker, make_worker: Callable[..., Worker]
) -> None:
    job_id = await queue_job(sessionmaker, "test.flaky", {"failures": 10}, max_attempts=3)
    worker = make_worker()
    while await worker.run_one():
        pass
    job = await job_of(sessionmaker, job_id)
    assert (job.status, job.attempts, job.error) == ("failed", 3, "RuntimeError: attempt 3 fails")
    assert await effects(sessionmaker, "test.flaky") == 0
    # An organiser's retry gives it its attempts again.
    async with sessionmaker() as db, db.begin():
        assert await operations.retry(db, job_id)
    assert (await job_of(sessionmaker, job_id)).status == "queued"


async def test_a_queued_job_cancelled_never_runs(
    sessionmaker: Maker, make_worker: Callable[..., Worker]
) -> None:
    job_id = await queue_job(sessionmaker, "test.flaky", {"failures": 0})
    async with sessionmaker() as db, db.begin():
        assert await operations.cancel(db, job_id) == "cancelled"
    assert not await make_worker().run_one()
    assert (await job_of(sessionmaker, job_id)).status == "cancelled"
    assert await effects(sessionmaker, "test.flaky") == 0


async def test_a_running_job_shows_its_progress_and_stops_when_cancelled(
    sessionmaker: Maker, settings: Settings, make_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    job_id = await queue_job(
        sessionmaker, "test.progress", {"steps": 5, "pause_at": 2, "go": str(tmp_path / "go")}
    )
    running = asyncio.create_task(make_worker().run_one())
    for _ in range(500):
        job = await job_of(sessionmaker, job_id)
        if job.progress_done == 2:
            break
        await asyncio.sleep(0.01)
    # Read through another connection, as another web worker would.
    assert (job.status, job.progress_done, job.progress_total, job.progress_text) == (
        "running",
        2,
        5,
        "step 2",
    )
    async with sessionmaker() as db, db.begin():
        assert await operations.cancel(db, job_id) == "cancelling"
    assert await running
    job = await job_of(sessionmaker, job_id)
    assert job.status == "cancelled"
    assert await effects(sessionmaker, "test.progress") == 0


async def test_a_running_job_is_cancelled_by_its_worker_when_the_handler_does_not_check(
    sessionmaker: Maker, settings: Settings, make_worker: Callable[..., Worker], tmp_path: Path
) -> None:
    """The heartbeat sees the request and cancels the handler's task."""
    fast = Worker(
        sessionmaker,
        Settings(**{**settings.__dict__, "job_lease_seconds": 2}),
        queues=[handlers.QUEUE],
    )
    started = tmp_path / "started"
    job_id = await queue_job(sessionmaker, "test.hang_once", {"started": str(started)})
    running = asyncio.create_task(fast.run_one())
    for _ in range(500):
        if started.exists():
            break
        await asyncio.sleep(0.01)
    async with sessionmaker() as db, db.begin():
        assert await operations.cancel(db, job_id) == "cancelling"
    await asyncio.wait_for(running, 10)
    assert (await job_of(sessionmaker, job_id)).status == "cancelled"


async def test_a_periodic_job_runs_once_per_period_with_two_workers(
    sessionmaker: Maker, make_worker: Callable[..., Worker], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(PERIODIC, "test.tick", Periodic("test.tick", timedelta(hours=1)))
    first, second = make_worker("w1"), make_worker("w2")
    now = datetime(2020, 9, 22, 10, 17, tzinfo=UTC)
    await asyncio.gather(first.queue_periodic(now), second.queue_periodic(now))
    await second.queue_periodic(now + timedelta(minutes=40))
    ran = await asyncio.gather(first.run_one(), second.run_one())
    assert sorted(ran) == [False, True]
    assert await effects(sessionmaker, "test.tick") == 1
    async with sessionmaker() as db:
        assert (await db.scalars(select(Job.key))).all() == ["test.tick@2020-09-22T10:00:00+00:00"]
    # The next period gets its own run.
    await first.queue_periodic(now + timedelta(hours=1))
    assert await first.run_one()
    assert await effects(sessionmaker, "test.tick") == 2


async def test_the_application_s_periodic_jobs_are_queued_once_and_run(
    sessionmaker: Maker, settings: Settings
) -> None:
    """Every periodic kind of the application has its handler and runs without error on an empty database."""
    worker = Worker(sessionmaker, settings, name="w1")
    await asyncio.gather(worker.queue_periodic(), Worker(sessionmaker, settings, name="w2").queue_periodic())
    while await worker.run_one():
        pass
    async with sessionmaker() as db:
        jobs = (await db.scalars(select(Job).order_by(Job.kind))).all()
    assert {job.kind for job in jobs} >= {
        "b2b.expire_requests",
        "dashboard.keep_attendance",
        "exports.remove_expired",
        "jobs.prune",
        "mail.reminders",
        "mail.sweep",
    }
    assert len(jobs) == len({job.kind for job in jobs})
    assert {job.status for job in jobs} == {"done"}
