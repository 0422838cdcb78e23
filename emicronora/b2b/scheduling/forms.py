"""The organiser's forms of the scheduling pages: a series of meeting slots, and a scheduler run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time

from emicronora.forms import Form
from emicronora.i18n import _

MIN_MINUTES = 5
MAX_MINUTES = 240
MIN_TIME_LIMIT_S = 5
MAX_TIME_LIMIT_S = 120
SCOPES = ("unscheduled", "all")


@dataclass(frozen=True)
class SlotSeries:
    """Back-to-back slots of `minutes` from `start` until `end` (event time) on each of `days`."""

    days: tuple[date, ...]
    start: time
    end: time
    minutes: int


def slot_series(form: Form, known_days: Mapping[int, date]) -> SlotSeries | None:
    """The series the form describes (`known_days`: the fair's days by id); None with the form's errors."""
    day_ids = form.ids("days")
    if not form.errors.get("days") and (not day_ids or any(d not in known_days for d in day_ids)):
        form.error("days", _("Choose at least one day of the fair."))
    start, end = form.time("start"), form.time("end")
    minutes = form.integer("minutes")
    if minutes is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES:
        form.error(
            "minutes", _("Enter a number from %(low)s to %(high)s.", low=MIN_MINUTES, high=MAX_MINUTES)
        )
    if start is not None and end is not None and end <= start:
        form.error("end", _("The end must come after the start."))
    if not form.ok or start is None or end is None or minutes is None:
        return None
    return SlotSeries(tuple(known_days[d] for d in day_ids), start, end, minutes)


@dataclass(frozen=True)
class RunRequest:
    only_unscheduled: bool
    time_limit_s: int


def run_request(form: Form) -> RunRequest | None:
    """A run of the scheduler: on the unscheduled meetings or all of them, for a bounded time."""
    scope = form.choice("scope", SCOPES)
    limit = form.integer("time_limit")
    if limit is not None and not MIN_TIME_LIMIT_S <= limit <= MAX_TIME_LIMIT_S:
        form.error(
            "time_limit",
            _("Enter a number from %(low)s to %(high)s.", low=MIN_TIME_LIMIT_S, high=MAX_TIME_LIMIT_S),
        )
    if not form.ok or limit is None:
        return None
    return RunRequest(only_unscheduled=scope == "unscheduled", time_limit_s=limit)
