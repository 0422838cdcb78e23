"""Attendance per session from the room visits: unique viewers and minutes of presence in one SQL statement,
and the peak number of people in the room at once as the dashboard computes it
(emicronora.dashboard.attendance). Like the dashboard, it counts people, not sockets, and ends a stay still
open (the person is in the room, or the worker died) with the session, or now while the session runs; a stay
that began after the session ended counts no minute."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Select, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from emicronora.dashboard.attendance import stay_end
from emicronora.models import Day, RoomVisit, Session, Theme


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


def _minutes(now: datetime) -> Any:
    """Minutes of presence per session, a person's overlapping stays (two tabs, a reconnection) merged
    first so that nobody watches twice: a stay opens a new stretch unless an earlier stay of the same person
    is still open when it starts; each stretch lasts from its first start to its last end."""
    stays = (
        select(
            RoomVisit.id.label("id"),
            RoomVisit.session_id.label("session_id"),
            RoomVisit.user_id.label("user_id"),
            RoomVisit.joined_at.label("start"),
            stay_end(now).label("stop"),
        )
        .join(Session, Session.id == RoomVisit.session_id)
        .subquery("stays")
    )
    person = {
        "partition_by": (stays.c.session_id, stays.c.user_id),
        "order_by": (stays.c.start, stays.c.id),
    }
    ended_before = func.max(stays.c.stop).over(**person, rows=(None, -1))
    opens = select(
        stays,
        case((or_(ended_before.is_(None), ended_before < stays.c.start), 1), else_=0).label("opens"),
    ).subquery("opens")
    numbered = select(
        opens.c.session_id,
        opens.c.user_id,
        opens.c.start,
        opens.c.stop,
        func.sum(opens.c.opens)
        .over(
            partition_by=(opens.c.session_id, opens.c.user_id),
            order_by=(opens.c.start, opens.c.id),
            rows=(None, 0),
        )
        .label("stretch"),
    ).subquery("numbered")
    stretches = (
        select(
            numbered.c.session_id,
            func.min(numbered.c.start).label("start"),
            func.max(numbered.c.stop).label("stop"),
        )
        .group_by(numbered.c.session_id, numbered.c.user_id, numbered.c.stretch)
        .subquery("stretches")
    )
    return (
        select(
            stretches.c.session_id,
            func.sum(minutes_between(stretches.c.start, stretches.c.stop)).label("minutes"),
        )
        .group_by(stretches.c.session_id)
        .subquery("minutes")
    )


def _viewers() -> Any:
    return (
        select(RoomVisit.session_id, func.count(RoomVisit.user_id.distinct()).label("viewers"))
        .group_by(RoomVisit.session_id)
        .subquery("viewers")
    )


def attendance_query(now: datetime) -> Select[Any]:
    """Every session (those nobody watched with zeros), by start time; the peaks come from
    `emicronora.dashboard.attendance.peaks`."""
    viewers, minutes = _viewers(), _minutes(now)
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
            func.coalesce(viewers.c.viewers, 0),
            func.coalesce(minutes.c.minutes, 0),
        )
        .join(Day, Day.id == Session.day_id)
        .join(Theme, Theme.id == Session.theme_id)
        .outerjoin(viewers, viewers.c.session_id == Session.id)
        .outerjoin(minutes, minutes.c.session_id == Session.id)
        .order_by(Session.starts_at, Session.position, Session.id)
    )
