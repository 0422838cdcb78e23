"""Programme logic that is not a query: a session's status, grouping by day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from emicronora.i18n import lazy
from emicronora.models import Day, Session

STATUS_LABELS = {
    "upcoming": lazy("Upcoming"),
    "live": lazy("Live now"),
    "ended": lazy("Ended"),
    "cancelled": lazy("Cancelled"),
}
KIND_LABELS = {"webinar": lazy("Webinar"), "pitch": lazy("Pitch session")}


def session_status(session: Session, now: datetime) -> str:
    if session.is_cancelled:
        return "cancelled"
    if now < session.starts_at:
        return "upcoming"
    if now < session.ends_at:
        return "live"
    return "ended"


def group_by_day(sessions: Iterable[Session], days: Iterable[Day]) -> list[tuple[Day, list[Session]]]:
    """Sessions under their day, days in programme order, days without sessions left out."""
    by_day: dict[int, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(session.day_id, []).append(session)
    return [(day, by_day[day.id]) for day in days if day.id in by_day]
