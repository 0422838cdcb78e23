"""Attendance per session from the stays in its live room (`room_visits`): unique viewers, and the peak number
of people in the room at once.

A stay with no end (the person is still there, or the worker holding the socket died) ends at the end of the
session, or now if the session is still running (an open stay begun after the end lasts no time: its person
is a viewer, never in the peak). The peak counts people, not sockets: a person with two tabs open is one
person, and so is a person who reconnects (leaves and comes back in the same instant).

It is all one SQL statement. A first window runs over each person's stays in start order and merges the
overlapping or touching ones into presences; each presence gives +1 at its start and -1 at its end; a second
window sums those changes in time order per session (departures first at equal times, so that a stay of no
time never raises the count), and the peak is the largest running sum. Each person's first arrival also
counts them once as a viewer.

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

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, text, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from emicronora.dashboard.period import Period
from emicronora.models import RoomVisit, Session, SessionAttendanceFigures
from emicronora.models.base import UTCDateTime, utcnow

log = logging.getLogger(__name__)

# The sweep sorts every stay twice; PostgreSQL's default 4 MB of sort memory sends a fair's worth to disk.
SORT_MEMORY = "64MB"


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


def stay_end(now: datetime) -> ColumnElement[datetime]:
    at_now = literal(now, UTCDateTime())
    open_end = case((Session.ends_at < at_now, Session.ends_at), else_=at_now)
    open_end = case((open_end < RoomVisit.joined_at, RoomVisit.joined_at), else_=open_end)
    return func.coalesce(RoomVisit.left_at, open_end)


async def presence(db: AsyncSession, period: Period, now: datetime) -> dict[int, tuple[int, int]]:
    """Unique viewers and peak of each session of the period that had a stay, all swept now."""
    return await sweep(db, held_sessions(period), now)


async def sweep(
    db: AsyncSession, sessions: list[ColumnElement[bool]], now: datetime
) -> dict[int, tuple[int, int]]:
    """Unique viewers and peak of each session that had a stay, among those `sessions` (conditions) picks."""
    if db.get_bind().dialect.name == "postgresql":
        # LOCAL: for this transaction only, which ends with the session.
        await db.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))
    stays = (
        select(
            RoomVisit.id.label("id"),
            RoomVisit.session_id.label("session_id"),
            RoomVisit.user_id.label("user_id"),
            RoomVisit.joined_at.label("start"),
            stay_end(now).label("stop"),
        )
        .join(Session, Session.id == RoomVisit.session_id)
        .where(*sessions)
        .subquery()
    )
    # A presence ends where the next stay starts after every stay so far has ended, and the next presence
    # starts there. The three functions share one window definition, hence one sort.
    person = {
        "partition_by": (stays.c.session_id, stays.c.user_id),
        "order_by": (stays.c.start, stays.c.id),
        "rows": (None, 0),
    }
    merged = select(
        stays.c.session_id,
        stays.c.start,
        func.max(stays.c.stop).over(**person).label("ended_by"),
        func.lead(stays.c.start).over(**person).label("next_start"),
        func.lag(stays.c.start).over(**person).label("previous_start"),
    ).cte("merged")
    gap = or_(merged.c.next_start.is_(None), merged.c.next_start > merged.c.ended_by)
    first_arrivals = select(
        merged.c.session_id,
        merged.c.start.label("at"),
        literal(1).label("change"),
        literal(1).label("viewer"),
    ).where(merged.c.previous_start.is_(None))
    departures = select(merged.c.session_id, merged.c.ended_by, literal(-1), literal(0)).where(gap)
    returns = select(merged.c.session_id, merged.c.next_start, literal(1), literal(0)).where(
        merged.c.next_start > merged.c.ended_by
    )
    changes = union_all(first_arrivals, departures, returns).subquery()
    # ROWS, not the default RANGE frame: changes at the same instant are summed one by one, departures first.
    in_room = (
        func.sum(changes.c.change)
        .over(partition_by=changes.c.session_id, order_by=(changes.c.at, changes.c.change), rows=(None, 0))
        .label("in_room")
    )
    running = select(changes.c.session_id, changes.c.viewer, in_room).subquery()
    rows = await db.execute(
        select(running.c.session_id, func.sum(running.c.viewer), func.max(running.c.in_room)).group_by(
            running.c.session_id
        )
    )
    return {session_id: (int(viewers or 0), int(peak or 0)) for session_id, viewers, peak in rows.all()}


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


async def peaks(db: AsyncSession, period: Period, now: datetime) -> dict[int, int]:
    """The peak of each session of the period that had a stay (the exports' attendance file), from the kept
    figures like the dashboard's, so that an export does not sweep every stay again."""
    rows = (await db.execute(select(Session.id, Session.ends_at).where(*held_sessions(period)))).all()
    counted = await kept_presence(db, *by_end(rows, now), now)
    return {session_id: peak for session_id, (viewers, peak) in counted.items() if viewers}


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
