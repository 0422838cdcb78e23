"""A period of whole days in the event's time zone, as the organiser's date filters give it (the dashboard
and the exports read it from their forms, each with its own limits)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute


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
