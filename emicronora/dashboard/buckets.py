"""Counting by hour in SQL on SQLite and PostgreSQL alike, then folding the hours into event-time hours or
days.

The database groups rows by UTC hour (a few thousand buckets at most); the event's zone is applied here, to
the buckets, because SQLite knows no time zones. Whole-hour offsets (Europe/Paris) make the folding exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from emicronora.periods import Period

Step = Literal["hour", "day"]
HOUR = timedelta(hours=1)
BUCKET_FORMAT = "%Y-%m-%d %H"
# Up to four days (a fair) is drawn hour by hour; longer spans day by day.
MAX_HOURLY = timedelta(days=4)


class utc_hour(FunctionElement[str]):
    """The UTC hour of a timestamp as text, 'YYYY-MM-DD HH'."""

    type = String()
    name = "utc_hour"
    inherit_cache = True


@compiles(utc_hour, "sqlite")
def _utc_hour_sqlite(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores datetimes in SQLite as naive UTC text, '2020-09-22 08:15:00.000000': the hour is its
    # first 13 characters (cutting is several times faster than strftime, which parses the text).
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 13)"


@compiles(utc_hour, "postgresql")
def _utc_hour_postgresql(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


def bucket_start(bucket: str) -> datetime:
    return datetime.strptime(bucket, BUCKET_FORMAT).replace(tzinfo=UTC)


def hours_between(start: datetime, end: datetime) -> Iterator[datetime]:
    """Every UTC hour from the one holding `start` to the last one before `end`."""
    at = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while at < end:
        yield at
        at += HOUR


def days_between(first: date, last: date) -> Iterator[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def per_local_day(counts: Iterable[tuple[str, int]], tz: ZoneInfo) -> dict[date, int]:
    days: dict[date, int] = {}
    for bucket, count in counts:
        day = bucket_start(bucket).astimezone(tz).date()
        days[day] = days.get(day, 0) + count
    return days


def choose_step(period: Period, buckets: Iterable[str]) -> Step:
    """Hours for a short period (or, with open ends, when the data span a short time), days otherwise."""
    if period.start is not None and period.end is not None:
        return "hour" if period.end - period.start <= MAX_HOURLY else "day"
    starts = [bucket_start(bucket) for bucket in buckets]
    if not starts:
        return "hour"
    first = period.start or min(starts)
    last = period.end or max(starts) + HOUR
    return "hour" if last - first <= MAX_HOURLY else "day"


def day_range(period: Period, days: Iterable[date]) -> list[date]:
    """The period's days, its open ends closed by the data (no data and no bounds: no days)."""
    known = sorted(days)
    first = period.first or (known[0] if known else None)
    last = period.last or (known[-1] if known else None)
    if first is None or last is None or first > last:
        return []
    return list(days_between(first, last))


def hour_range(period: Period, hours: Iterable[datetime]) -> list[datetime]:
    known = sorted(hours)
    start = period.start or (known[0] if known else None)
    end = period.end or (known[-1] + HOUR if known else None)
    if start is None or end is None or start >= end:
        return []
    return list(hours_between(start, end))
