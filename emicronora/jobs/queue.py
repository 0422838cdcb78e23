"""The queue on the database: enqueue in the caller's transaction, and the worker's side (claim under a lease,
heartbeat, finish, retry with back-off, dead letter). The same SQL on SQLite and PostgreSQL but for the
claim's lock: `FOR UPDATE SKIP LOCKED` on PostgreSQL, an immediate (write-locked) transaction on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Job
from emicronora.models.base import utcnow

FIRST_RETRY = timedelta(seconds=10)
LONGEST_WAIT = timedelta(hours=1)


async def enqueue(
    db: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    queue: str = "default",
    run_after: datetime | None = None,
    max_attempts: int = 5,
    user_id: int | None = None,
    active_key: str | None = None,
) -> int | None:
    """Queues a job in the caller's transaction: it commits or rolls back with the change that causes it.
    With `key`, a job of the same key already queued (or run) makes this a no-op that returns None. With
    `active_key`, so does a job of the same active key that is queued or running: one at a time, decided by
    the database's unique index (a concurrent transaction holding the key makes this one wait for its end)."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(Job).values(
        kind=kind,
        queue=queue,
        payload=payload,
        key=key,
        active_key=active_key,
        run_after=run_after or utcnow(),
        max_attempts=max_attempts,
        user_id=user_id,
    )
    if key is not None or active_key is not None:
        # No conflict target: either unique index (the key's, or the partial one of the active keys) applies.
        statement = statement.on_conflict_do_nothing()
    job_id = await db.scalar(statement.returning(Job.id))
    return None if job_id is None else int(job_id)


def backoff(attempt: int, first: timedelta = FIRST_RETRY) -> timedelta:
    """10 s, 20 s, 40 s ... after the 1st, 2nd, 3rd failed attempt, at most an hour."""
    return min(first * 2 ** max(attempt - 1, 0), LONGEST_WAIT)


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession],
    worker: str,
    kinds: Sequence[str],
    queues: Sequence[str] | None,
    lease: timedelta,
    now: datetime | None = None,
) -> Job | None:
    """Takes the oldest due job for `worker`: a queued one whose time has come, or a running one whose lease
    has passed (its worker died). The job is `running`, its attempt counted, leased until now + `lease`."""
    now = now or utcnow()
    due = or_(
        and_(Job.status == "queued", Job.run_after <= now),
        and_(Job.status == "running", Job.lease_until < now),
    )
    candidate = select(Job.id).where(due, Job.kind.in_(kinds))
    if queues:
        candidate = candidate.where(Job.queue.in_(queues))
    candidate = candidate.order_by(Job.run_after, Job.id).limit(1).with_for_update(skip_locked=True)
    async with sessionmaker() as db:
        connection = await db.connection()
        if connection.dialect.name == "sqlite":
            # The write lock from the start: two workers never read the same candidate (busy_timeout waits).
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
        claimed = await db.scalar(
            update(Job)
            .where(Job.id == candidate.scalar_subquery(), due)
            .values(
                status="running",
                attempts=Job.attempts + 1,
                locked_by=worker,
                lease_until=now + lease,
                started_at=now,
                finished_at=None,
            )
            .returning(Job)
            .execution_options(synchronize_session=False)
        )
        await db.commit()
        return claimed


async def heartbeat(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, worker: str, lease: timedelta
) -> tuple[bool, bool]:
    """Extends the lease of a job this worker still holds: (still held, cancel requested)."""
    async with sessionmaker() as db, db.begin():
        row = (
            await db.execute(
                update(Job)
                .where(Job.id == job_id, Job.locked_by == worker, Job.status == "running")
                .values(lease_until=utcnow() + lease)
                .returning(Job.cancel_requested)
                .execution_options(synchronize_session=False)
            )
        ).first()
    return (False, False) if row is None else (True, bool(row[0]))


async def _close(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, worker: str, **values: Any
) -> bool:
    """Writes the outcome of a run, unless the job was taken from this worker meanwhile (its lease passed)."""
    async with sessionmaker() as db, db.begin():
        result = await db.execute(
            update(Job)
            .where(Job.id == job_id, Job.locked_by == worker, Job.status == "running")
            .values(lease_until=None, **values)
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None


async def finish(sessionmaker: async_sessionmaker[AsyncSession], job_id: int, worker: str) -> str:
    """The handler returned: `done`, or `cancelled` when it was asked to stop (it ended early)."""
    ended = case((Job.cancel_requested, "cancelled"), else_="done")
    error = case((Job.cancel_requested, "Cancelled."), else_="")
    async with sessionmaker() as db, db.begin():
        status = await db.scalar(
            update(Job)
            .where(Job.id == job_id, Job.locked_by == worker, Job.status == "running")
            .values(status=ended, error=error, lease_until=None, finished_at=utcnow())
            .returning(Job.status)
            .execution_options(synchronize_session=False)
        )
    return status or "lost"


async def cancelled(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, worker: str, reason: str = "Cancelled."
) -> bool:
    return await _close(sessionmaker, job_id, worker, status="cancelled", error=reason, finished_at=utcnow())


async def release(sessionmaker: async_sessionmaker[AsyncSession], job_id: int, worker: str) -> bool:
    """Gives a job back untried (the worker is stopping): queued again at once, this attempt not counted."""
    return await _close(
        sessionmaker,
        job_id,
        worker,
        status="queued",
        attempts=Job.attempts - 1,
        run_after=utcnow(),
        locked_by="",
    )


async def fail(
    sessionmaker: async_sessionmaker[AsyncSession],
    job: Job,
    worker: str,
    error: str,
    first_retry: timedelta = FIRST_RETRY,
) -> str:
    """A failed attempt: queued again after a back-off, or `failed` for good (the dead letter, with its error)
    once it has had its `max_attempts`. Returns the new status."""
    now = utcnow()
    if job.attempts >= job.max_attempts:
        await _close(sessionmaker, job.id, worker, status="failed", error=error, finished_at=now)
        return "failed"
    await _close(
        sessionmaker,
        job.id,
        worker,
        status="queued",
        error=error,
        locked_by="",
        run_after=now + backoff(job.attempts, first_retry),
    )
    return "queued"
