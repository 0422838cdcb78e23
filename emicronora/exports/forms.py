"""The exports' optional from/to date filter: whole days in the event's time zone, read with the shared
reader (emicronora.periods) and the exports' words."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from emicronora import periods
from emicronora.forms import Form
from emicronora.i18n import lazy
from emicronora.periods import Period

RULES = periods.PeriodRules(
    outside_years=lazy("Enter a date between %(first)s and %(last)s."),
    reversed_range=lazy("The end date comes before the start date."),
)


def read_period(form: Form, tz: ZoneInfo) -> Period:
    """Reads `from` and `to` (both optional, both included); errors go next to the field."""
    return periods.read_period(form, tz, RULES)
