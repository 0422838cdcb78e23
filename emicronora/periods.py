"""A period of whole days in the event's time zone, as the organiser's date filters give it (the dashboard
and the exports read it from their forms, each with its own limits and words)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from emicronora.forms import Form
from emicronora.i18n import _

# Years outside this range are typing mistakes, and `date.max + 1 day` would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# date.fromisoformat also takes 20200922 and week dates; the filters ask for YYYY-MM-DD.
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_PARAM_LENGTH = 20


@dataclass(frozen=True)
class Period:
    """From the start of `first` to the end of `last` (both included, event time); None leaves a side open."""

    first: date | None
    last: date | None
    tz: ZoneInfo

    @property
    def start(self) -> datetime | None:
        return datetime.combine(self.first, time(), tzinfo=self.tz) if self.first else None

    @property
    def end(self) -> datetime | None:
        return datetime.combine(self.last + timedelta(days=1), time(), tzinfo=self.tz) if self.last else None

    @property
    def is_bounded(self) -> bool:
        return self.first is not None and self.last is not None

    def where(
        self, column: InstrumentedAttribute[datetime] | ColumnElement[datetime]
    ) -> list[ColumnElement[bool]]:
        """The conditions that keep the rows whose `column` falls in the period: [start, end)."""
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column < self.end)
        return conditions

    def params(self) -> dict[str, str]:
        """The query string that asks for this period again."""
        return {
            "from": self.first.isoformat() if self.first else "",
            "to": self.last.isoformat() if self.last else "",
        }

    def suffix(self) -> str:
        """For file names: `-2020-09-22-2020-09-23`, or nothing when the period is the whole fair."""
        parts = [d.isoformat() if d else "" for d in (self.first, self.last)]
        return "" if not any(parts) else "-" + "-".join(p or "_" for p in parts)


@dataclass(frozen=True)
class PeriodRules:
    """How one filter reads a period: its messages (marked with `lazy`, translated when read) and, if any,
    the most days it covers."""

    outside_years: str
    reversed_range: str
    max_days: int | None = None
    too_long: str = ""


def query_form(params: Mapping[str, str]) -> Form:
    """The `from` and `to` of a query string, cut to a little more than a date's length."""
    return Form(values={name: params.get(name, "")[:MAX_PARAM_LENGTH] for name in ("from", "to")})


def _day(form: Form, name: str, rules: PeriodRules) -> date | None:
    value = form.values.get(name, "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value) if DATE_PATTERN.fullmatch(value) else None
    except ValueError:
        day = None
    if day is None:
        form.error(name, _("Enter a date as YYYY-MM-DD."))
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        form.error(name, _(rules.outside_years, first=FIRST_YEAR, last=LAST_YEAR))
        day = None
    return day


def read_period(form: Form, tz: ZoneInfo, rules: PeriodRules) -> Period:
    """The period of the form's `from` and `to` (each optional, both included); a wrong field gets one
    message, and the form is then not `ok`."""
    first, last = _day(form, "from", rules), _day(form, "to", rules)
    if first is not None and last is not None:
        if first > last:
            form.error("to", _(rules.reversed_range))
        elif rules.max_days is not None and (last - first).days + 1 > rules.max_days:
            form.error("to", _(rules.too_long, days=rules.max_days))
    return Period(first, last, tz)
