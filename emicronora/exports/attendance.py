"""The attendance file: every session with its unique viewers, peak and minutes of presence, as the dashboard
computes them (emicronora.dashboard.attendance: a person's overlapping stays merged once, for both)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.dashboard.attendance import session_figures
from emicronora.dashboard.presence import Presence
from emicronora.models import Day, Session, Theme
from emicronora.periods import Period

NOBODY = Presence(0, 0, 0.0)


def attendance_query(now: datetime) -> Select[*tuple[Any, ...]]:
    """Every session (cancelled ones too), by start time; their figures come from `figures`."""
    return (
        select(
            Session.id,
            Day.date,
            Session.starts_at,
            Session.ends_at,
            Session.title,
            Theme.name_fr,
            Theme.name_en,
            Session.kind,
            Session.is_cancelled,
        )
        .join(Day, Day.id == Session.day_id)
        .join(Theme, Theme.id == Session.theme_id)
        .order_by(Session.starts_at, Session.position, Session.id)
    )


async def figures(db: AsyncSession, period: Period, now: datetime) -> Mapping[Any, Any]:
    """The `Presence` of each session of the period that had a stay, by session id."""
    rows = await db.execute(select(Session.id, Session.ends_at).where(*period.where(Session.starts_at)))
    return await session_figures(db, [(session_id, ends_at) for session_id, ends_at in rows.all()], now)
