"""The job table's own upkeep: finished jobs are forgotten after a week (failed ones stay for the
organisers)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from emicronora.jobs.registry import JobContext, handler, periodic
from emicronora.models import Job
from emicronora.models.base import utcnow

KEPT = timedelta(days=7)


@handler("jobs.prune")
async def prune(context: JobContext, _payload: dict[str, Any]) -> None:
    async with context.sessionmaker() as db, db.begin():
        await db.execute(
            delete(Job).where(Job.status.in_(("done", "cancelled")), Job.finished_at < utcnow() - KEPT)
        )


periodic("jobs.prune", timedelta(days=1))
