"""The optional from/to date filter of the exports: whole days in the event's time zone."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.periods import Period

__all__ = ["Period", "read_period"]

# Years outside this range are typing mistakes, and `date.max + 1 day` would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


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
