"""Reading the job table: the organisers' list and the queue's health."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import Job


def jobs_listed(status: str = "") -> Select[Job]:
    """Newest first, optionally of one status."""
    statement = select(Job).order_by(Job.id.desc())
    return statement.where(Job.status == status) if status else statement


async def status_counts(db: AsyncSession) -> dict[str, int]:
    rows = await db.execute(select(Job.status, func.count()).group_by(Job.status))
    return {status: count for status, count in rows}


@dataclass(frozen=True)
class Health:
    queued: int
    running: int
    due: int
    oldest_due_age_s: float


async def health(db: AsyncSession, now: datetime) -> Health:
    """The depth of the queue and how long the oldest due job has waited (a stuck or missing worker shows)."""
    counts = await status_counts(db)
    waiting = select(func.count(), func.min(Job.run_after)).where(
        Job.status == "queued", Job.run_after <= now
    )
    due, oldest = (await db.execute(waiting)).one()
    oldest_due: datetime | None = oldest  # NULL when nothing is due
    age = 0.0 if oldest_due is None else max(0.0, (now - oldest_due).total_seconds())
    return Health(counts.get("queued", 0), counts.get("running", 0), int(due), age)
