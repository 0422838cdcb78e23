"""Attendance per session: unique viewers and the peak number of people in the room at once (computed by
presence.py), kept for the sessions that have ended.

The sweep reads every stay, so the dashboard keeps its result for the sessions that have ended: their figures
no longer depend on now (an open stay ends with the session), only on their stays. Each kept row carries a
fingerprint of the stays it was computed from (how many, the last id, how many open); a late stay, or a stay
closed after the end by the live rooms' batched recorder, changes it, and so does a later edit of the session
(its end closes the open stays), and the figures are computed again. Running sessions are always swept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from emicronora.dashboard.presence import Presence, minutes, sweep
from emicronora.models import RoomVisit, Session, SessionAttendanceFigures
from emicronora.models.base import utcnow
from emicronora.periods import Period

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionAttendance:
    session_id: int
    title: str
    starts_at: datetime
    unique_viewers: int
    peak: int


def held_sessions(period: Period) -> list[ColumnElement[bool]]:
    """The sessions a period shows: those not cancelled that start in it."""
    return [Session.is_cancelled.is_(False), *period.where(Session.starts_at)]


async def presence(db: AsyncSession, period: Period, now: datetime) -> dict[int, tuple[int, int]]:
    """Unique viewers and peak of each session of the period that had a stay, all swept now."""
    return await sweep(db, held_sessions(period), now)


@dataclass(frozen=True)
class Fingerprint:
    """What the figures of a session were computed from: its stays, how many are still open."""

    visits: int
    last_visit_id: int
    open_visits: int


async def ended_sessions(
    db: AsyncSession, ended: list[int]
) -> tuple[dict[int, tuple[int, int]], dict[int, Fingerprint]]:
    """For those of the `ended` sessions that had a stay: the kept figures still valid, and the fingerprint
    of the others (missing or stale), in one grouped statement that reads indexes rather than stays."""
    # Both groupings read an index only: session_id (with the row id), left_at (few rows are open).
    visits = (
        select(
            RoomVisit.session_id.label("session_id"),
            func.count().label("visits"),
            func.max(RoomVisit.id).label("last_visit_id"),
        )
        .where(RoomVisit.session_id.in_(ended))
        .group_by(RoomVisit.session_id)
        .subquery()
    )
    still_open = (
        select(RoomVisit.session_id.label("session_id"), func.count().label("open_visits"))
        .where(RoomVisit.left_at.is_(None), RoomVisit.session_id.in_(ended))
        .group_by(RoomVisit.session_id)
        .subquery()
    )
    open_visits = func.coalesce(still_open.c.open_visits, 0)
    kept = SessionAttendanceFigures
    valid = and_(
        kept.visits == visits.c.visits,
        kept.last_visit_id == visits.c.last_visit_id,
        kept.open_visits == open_visits,
        # An edit of the session after the computation may have moved its end, where its open stays end.
        kept.computed_at >= Session.updated_at,
    )
    rows = await db.execute(
        select(
            visits.c.session_id,
            visits.c.visits,
            visits.c.last_visit_id,
            open_visits,
            case((valid, kept.unique_viewers)),
            case((valid, kept.peak)),
        )
        .join(Session, Session.id == visits.c.session_id)
        .outerjoin(still_open, still_open.c.session_id == visits.c.session_id)
        .outerjoin(kept, kept.session_id == visits.c.session_id)
    )
    figures: dict[int, tuple[int, int]] = {}
    stale: dict[int, Fingerprint] = {}
    for session_id, count, last_id, open_count, viewers, peak in rows.all():
        if viewers is None:
            stale[session_id] = Fingerprint(count, last_id, open_count)
        else:
            figures[session_id] = (viewers, peak)
    return figures, stale


async def keep(
    db: AsyncSession,
    computed: dict[int, tuple[int, int]],
    fingerprints: dict[int, Fingerprint],
    read_at: datetime,
) -> None:
    """Stores the figures of ended sessions with the fingerprint, and the time, read before the sweep: a stay
    or an edit of the session the sweep may have missed then makes the row stale, never wrongly fresh.
    Another worker may be storing the same rows: the last one wins, both right. A failure costs only a sweep
    on the next load."""
    rows = [
        {
            "session_id": session_id,
            "visits": fingerprint.visits,
            "last_visit_id": fingerprint.last_visit_id,
            "open_visits": fingerprint.open_visits,
            "unique_viewers": computed[session_id][0],
            "peak": computed[session_id][1],
            "computed_at": read_at,
        }
        # In id order, so that two workers storing the same rows lock them in the same order.
        for session_id, fingerprint in sorted(fingerprints.items())
        if session_id in computed
    ]
    engine = db.bind
    # A session bound to one connection belongs to someone's transaction, which keeping must not commit.
    if not rows or not isinstance(engine, AsyncEngine):
        return
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(SessionAttendanceFigures)
    upsert = insert.on_conflict_do_update(
        index_elements=[SessionAttendanceFigures.session_id],
        set_={name: insert.excluded[name] for name in rows[0] if name != "session_id"},
    )
    try:
        # Its own short transaction: the reads before it may have run in a snapshot SQLite cannot write from.
        async with engine.begin() as conn:
            await conn.execute(upsert, rows)
    except DBAPIError:
        # The session deleted meanwhile, the database busy: the page shows the figures all the same.
        log.warning("attendance figures of sessions %s not kept", sorted(fingerprints), exc_info=True)


def by_end(sessions: Iterable[tuple[int, datetime]], now: datetime) -> tuple[list[int], list[int]]:
    """The ids of these (id, end) sessions: those ended by now, and those still running."""
    ended: list[int] = []
    running: list[int] = []
    for session_id, ends_at in sessions:
        (ended if ends_at <= now else running).append(session_id)
    return ended, running


async def kept_presence(
    db: AsyncSession, ended: list[int], running: list[int], now: datetime
) -> dict[int, tuple[int, int]]:
    """What `presence` gives for these sessions (`ended`: those whose end is not after now), sweeping only the
    running ones and the ended ones whose figures are missing or stale, then keeping those."""
    read_at = utcnow()
    counted, stale = await ended_sessions(db, ended) if ended else ({}, {})
    swept: dict[int, tuple[int, int]] = {}
    if running or stale:
        # By id, not by a condition on sessions: the stays are then read through their session_id index.
        swept = await sweep(db, [RoomVisit.session_id.in_(sorted([*running, *stale]))], now)
        await keep(db, swept, stale, read_at)
    return counted | swept


async def session_figures(
    db: AsyncSession, sessions: Iterable[tuple[int, datetime]], now: datetime
) -> dict[int, Presence]:
    """Viewers, peak and minutes of presence of these (id, end) sessions that had a stay (the exports'
    attendance file): the viewers and peak the dashboard shows (kept for the ended sessions), the minutes from
    the same presences."""
    ended, running = by_end(sessions, now)
    counted = await kept_presence(db, ended, running, now)
    if not counted:
        return {}
    spent = await minutes(db, [RoomVisit.session_id.in_(sorted(counted))], now)
    return {
        session_id: Presence(viewers, peak, spent.get(session_id, 0.0))
        for session_id, (viewers, peak) in counted.items()
    }


async def attendance(db: AsyncSession, period: Period, now: datetime) -> list[SessionAttendance]:
    """Every session held in the period, in programme order, with its unique viewers and peak."""
    rows = await db.execute(
        select(Session.id, Session.title, Session.starts_at, Session.ends_at)
        .where(*held_sessions(period))
        .order_by(Session.starts_at, Session.position, Session.id)
    )
    found = rows.all()
    counted = await kept_presence(db, *by_end(((row.id, row.ends_at) for row in found), now), now)
    return [
        SessionAttendance(session_id, title, starts_at, *counted.get(session_id, (0, 0)))
        for session_id, title, starts_at, _ends in found
    ]
