"""Keeps the attendance figures of sessions that have just ended, in the background, so that the first
organiser to open the dashboard after a session does not pay for its sweep (see attendance.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.dashboard.attendance import held_sessions, kept_presence
from emicronora.models import Session
from emicronora.periods import Period

log = logging.getLogger(__name__)

FIRST_RUN_S = 30.0
"""After start-up: the worker serves its first requests before it sweeps."""
INTERVAL_S = 300.0
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


class AttendanceKeeper:
    """The background pass of each worker. Several workers may run it: storing is an upsert, both right."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], tz: ZoneInfo) -> None:
        self._sessionmaker = sessionmaker
        self._tz = tz
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="keep-attendance")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        await asyncio.sleep(FIRST_RUN_S)
        while True:
            try:
                await keep_ended_attendance(self._sessionmaker, self._tz)
            except Exception:
                # The dashboard computes what is missing itself: a failed pass only costs it time.
                log.exception("keeping the attendance of ended sessions failed")
            await asyncio.sleep(INTERVAL_S)
