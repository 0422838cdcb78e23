"""A person's presence in a session's live room, from their stays (`room_visits`): the one place where a
person's overlapping stays are merged, for the dashboard's figures and the exports' attendance file alike.

A stay with no end (the person is still there, or the worker holding the socket died) ends at the end of the
session, or now if the session is still running (an open stay begun after the end lasts no time: its person
is a viewer, never in the peak). Presence counts people, not sockets: a person with two tabs open is one
person, and so is a person who reconnects (leaves and comes back in the same instant).

It is all one SQL statement. A first window runs over each person's stays in start order and merges the
overlapping or touching ones into presences; each presence gives +1 at its start and -1 at its end, and each
person's first arrival also counts them once as a viewer. From those changes:
- the peak: a second window sums them in time order per session (departures first at equal times, so that a
  stay of no time never raises the count), and the peak is the largest running sum;
- the minutes of presence: every presence lasts from its start to its end, so their sum is the sum of the
  departures' times less the sum of the arrivals' (each counted from the session's start, to keep the numbers
  small).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Subquery, case, func, literal, or_, select, text, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import Over
from sqlalchemy.sql.functions import FunctionElement

from emicronora.models import RoomVisit, Session
from emicronora.models.base import UTCDateTime

# The sweep sorts every stay twice; PostgreSQL's default 4 MB of sort memory sends a fair's worth to disk.
SORT_MEMORY = "64MB"


@dataclass(frozen=True)
class Presence:
    """A session's figures: unique viewers, the most people in the room at once, minutes of presence."""

    viewers: int
    peak: int
    minutes: float = 0.0


class minutes_between(FunctionElement[float]):
    """Minutes from the first timestamp to the second; SQLite and PostgreSQL spell it differently."""

    type = Float()
    name = "minutes_between"
    inherit_cache = True


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 1440.0)"


@compiles(minutes_between, "postgresql")
def _minutes_postgresql(element: minutes_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 60.0)"


def stay_end(now: datetime) -> ColumnElement[datetime]:
    at_now = literal(now, UTCDateTime())
    open_end = case((Session.ends_at < at_now, Session.ends_at), else_=at_now)
    open_end = case((open_end < RoomVisit.joined_at, RoomVisit.joined_at), else_=open_end)
    return func.coalesce(RoomVisit.left_at, open_end)


def changes(sessions: list[ColumnElement[bool]], now: datetime) -> Subquery:
    """Each presence's arrival (+1) and departure (-1) per session, with `viewer` 1 on each person's first
    arrival: (session_id, at, change, viewer), for the sessions that `sessions` (conditions) picks."""
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
    person, in_order = (stays.c.session_id, stays.c.user_id), (stays.c.start, stays.c.id)

    def per_person(function: FunctionElement[Any]) -> Over[Any]:
        return function.over(partition_by=person, order_by=in_order, rows=(None, 0))

    # A presence ends where the next stay starts after every stay so far has ended, and the next presence
    # starts there. The three functions share one window definition, hence one sort.
    merged = select(
        stays.c.session_id,
        stays.c.start,
        per_person(func.max(stays.c.stop)).label("ended_by"),
        per_person(func.lead(stays.c.start)).label("next_start"),
        per_person(func.lag(stays.c.start)).label("previous_start"),
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
    return union_all(first_arrivals, departures, returns).subquery()


async def _sort_memory(db: AsyncSession) -> None:
    if db.get_bind().dialect.name == "postgresql":
        # LOCAL: for this transaction only, which ends with the session.
        await db.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))


async def sweep(
    db: AsyncSession, sessions: list[ColumnElement[bool]], now: datetime
) -> dict[int, tuple[int, int]]:
    """Unique viewers and peak of each session that had a stay, among those `sessions` (conditions) picks."""
    await _sort_memory(db)
    moves = changes(sessions, now)
    # ROWS, not the default RANGE frame: changes at the same instant are summed one by one, departures first.
    in_room = (
        func.sum(moves.c.change)
        .over(partition_by=moves.c.session_id, order_by=(moves.c.at, moves.c.change), rows=(None, 0))
        .label("in_room")
    )
    running = select(moves.c.session_id, moves.c.viewer, in_room).subquery()
    rows = await db.execute(
        select(running.c.session_id, func.sum(running.c.viewer), func.max(running.c.in_room)).group_by(
            running.c.session_id
        )
    )
    return {session_id: (int(viewers or 0), int(peak or 0)) for session_id, viewers, peak in rows.all()}


async def minutes(db: AsyncSession, sessions: list[ColumnElement[bool]], now: datetime) -> dict[int, float]:
    """Minutes of presence of each session that had a stay (the same presences as `sweep`'s)."""
    await _sort_memory(db)
    moves = changes(sessions, now)
    since_start = minutes_between(Session.starts_at, moves.c.at)
    rows = await db.execute(
        select(moves.c.session_id, func.sum(-moves.c.change * since_start))
        .join(Session, Session.id == moves.c.session_id)
        .group_by(moves.c.session_id)
    )
    return {session_id: float(total or 0) for session_id, total in rows.all()}
