"""Keeps the attendance figures of sessions that have just ended, in a periodic job, so that the first
organiser to open the dashboard after a session does not pay for its sweep (see attendance.py)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.dashboard.attendance import held_sessions, kept_presence
from emicronora.jobs.registry import JobContext, handler, periodic
from emicronora.models import Session
from emicronora.periods import Period

log = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=5)
"""A session's figures are kept within five minutes of its end (or of a change to its stays)."""


async def keep_ended_attendance(sessionmaker: async_sessionmaker[AsyncSession], tz: ZoneInfo) -> None:
    """One pass: keeps the figures of every ended session that has none or stale ones, leaving the running
    ones (never kept) to the dashboard; when everything is kept already it costs one grouped query."""
    now = datetime.now(UTC)
    async with sessionmaker() as db:
        ended = await db.scalars(
            select(Session.id).where(*held_sessions(Period(None, None, tz)), Session.ends_at <= now)
        )
        await kept_presence(db, list(ended), [], now)


@handler("dashboard.keep_attendance")
async def keep_attendance(context: JobContext, _payload: dict[str, Any]) -> None:
    """A periodic job: several workers never run the same period twice (and storing is an upsert anyway)."""
    await keep_ended_attendance(context.sessionmaker, context.settings.tz)


periodic("dashboard.keep_attendance", INTERVAL)
