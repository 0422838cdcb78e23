"""Reading the outbox and a user's mail settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import OUTBOX_STATUSES, OutboxEmail, User

MAX_PROBLEMS = 200


@dataclass(frozen=True)
class OutboxOverview:
    counts: dict[str, int]
    problems: list[OutboxEmail]


async def overview(db: AsyncSession, limit: int = MAX_PROBLEMS) -> OutboxOverview:
    """Counts by status, and the newest failed or bounced messages with their error."""
    rows = await db.execute(select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status))
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    counts.update({status: count for status, count in rows.all()})
    problems = await db.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.status.in_(("failed", "bounced")))
        .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
        .limit(limit)
    )
    return OutboxOverview(counts=counts, problems=list(problems.all()))


async def account(db: AsyncSession, user_id: int) -> User:
    """The user as stored now (the request's copy may be older than a change just made)."""
    return await db.get_one(User, user_id)
