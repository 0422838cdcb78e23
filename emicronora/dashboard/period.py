"""The dashboard's date filter: whole days in the event's time zone, read from the query string."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from zoneinfo import ZoneInfo

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.periods import Period

__all__ = ["Period", "read_period"]

# A longer range would only draw an unreadable plot; the bounds on years keep every instant representable.
MAX_DAYS = 366
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PARAM_LENGTH = 20


def _day(form: Form, name: str) -> date | None:
    if not form.values.get(name, "").strip():
        return None
    day = form.date(name)
    if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
        form.error(name, _("Choose a date between %(first)s and %(last)s.", first=MIN_YEAR, last=MAX_YEAR))
        return None
    return day


def read_period(params: Mapping[str, str], tz: ZoneInfo) -> tuple[Form, Period | None]:
    """The period asked for in `from` and `to` (each optional), or None with one message per wrong field."""
    form = Form(values={name: params.get(name, "")[:MAX_PARAM_LENGTH] for name in ("from", "to")})
    first, last = _day(form, "from"), _day(form, "to")
    if first is not None and last is not None:
        if first > last:
            form.error("to", _("The end must be on or after the start."))
        elif (last - first).days + 1 > MAX_DAYS:
            form.error("to", _("Choose at most %(days)s days.", days=MAX_DAYS))
    if not form.ok:
        return form, None
    return form, Period(first, last, tz)
