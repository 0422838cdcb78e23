"""The optional from/to date filter of the exports: whole days in the event's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from emicronora.forms import Form
from emicronora.i18n import _

# Years outside this range are typing mistakes, and `date.max + 1 day` would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """Dates as the organiser typed them; `since` and `until` are the UTC-comparable bounds [since, until)."""

    first: date | None
    last: date | None
    tz: ZoneInfo

    @property
    def since(self) -> datetime | None:
        return datetime.combine(self.first, time(0), tzinfo=self.tz) if self.first else None

    @property
    def until(self) -> datetime | None:
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=self.tz) if self.last else None

    def params(self) -> dict[str, str]:
        return {
            "from": self.first.isoformat() if self.first else "",
            "to": self.last.isoformat() if self.last else "",
        }

    def suffix(self) -> str:
        """For file names: `-2020-09-22-2020-09-23`, or nothing when the whole fair is exported."""
        parts = [d.isoformat() if d else "" for d in (self.first, self.last)]
        return "" if not any(parts) else "-" + "-".join(p or "_" for p in parts)


def _optional_date(form: Form, name: str) -> date | None:
    value = form.values.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        form.error(name, _("Enter a date as YYYY-MM-DD."))
        return None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        form.error(name, _("Enter a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))
        return None
    return parsed


def read_period(form: Form, tz: ZoneInfo) -> Period:
    """Reads `from` and `to` (both optional, both included); errors go next to the field."""
    first = _optional_date(form, "from")
    last = _optional_date(form, "to")
    if first and last and last < first:
        form.error("to", _("The end date comes before the start date."))
    return Period(first, last, tz)
