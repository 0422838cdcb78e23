"""The dashboard's date filter: whole days in the event's time zone, read from the query string with the
shared reader (emicronora.periods) and the dashboard's words and limits."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from emicronora import periods
from emicronora.forms import Form
from emicronora.i18n import lazy
from emicronora.periods import Period

RULES = periods.PeriodRules(
    outside_years=lazy("Choose a date between %(first)s and %(last)s."),
    reversed_range=lazy("The end must be on or after the start."),
    # A longer range would only draw an unreadable plot.
    max_days=366,
    too_long=lazy("Choose at most %(days)s days."),
)


def read_period(params: Mapping[str, str], tz: ZoneInfo) -> tuple[Form, Period | None]:
    """The period asked for in `from` and `to` (each optional), or None with one message per wrong field."""
    form = periods.query_form(params)
    period = periods.read_period(form, tz, RULES)
    return form, period if form.ok else None
