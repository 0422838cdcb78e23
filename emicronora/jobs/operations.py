"""What organisers (the page and the CLI) do to jobs: retry a failed one, cancel a queued or running one."""

from __future__ import annotations

from sqlalchemy import exists, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from emicronora.jobs.registry import load_handlers
from emicronora.models import Job
from emicronora.models.base import utcnow

RETRYABLE = ("failed", "cancelled")
CANCELLABLE = ("queued", "running")


async def retry(db: AsyncSession, job_id: int) -> bool:
    """A failed (or cancelled) job queued again now, its attempts counted afresh; False if it is not one, or
    if another job holding its active key is queued or running (a second B2B solve)."""
    other = aliased(Job)
    holder = exists().where(
        other.active_key == Job.active_key, other.status.in_(CANCELLABLE), other.id != Job.id
    )
    result = await db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(RETRYABLE), or_(Job.active_key.is_(None), ~holder))
        .values(
            status="queued",
            attempts=0,
            run_after=utcnow(),
            cancel_requested=False,
            locked_by="",
            lease_until=None,
            finished_at=None,
        )
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def cancel(db: AsyncSession, job_id: int) -> str | None:
    """A queued job is cancelled at once; a running one is asked to stop (its worker cancels it within a third
    of its lease, and a handler may check `cancel_requested` between steps). The new state, or None when
    the job has already ended."""
    now = utcnow()
    queued = await db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued")
        .values(status="cancelled", error="Cancelled.", finished_at=now)
        .returning(Job.kind, Job.payload)
        .execution_options(synchronize_session=False)
    )
    cancelled = queued.first()
    if cancelled is not None:
        kind = load_handlers().get(cancelled.kind)
        if kind is not None and kind.on_cancel is not None:
            await kind.on_cancel(db, cancelled.payload)
        return "cancelled"
    running = await db.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "running")
        .values(cancel_requested=True)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    return "cancelling" if running.first() is not None else None
