"""Links that put one event into a calendar app without a file: Google Calendar's event template."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from emicronora.calendar.ical import CalendarItem

GOOGLE_TEMPLATE = "https://calendar.google.com/calendar/render"


def google_calendar_url(item: CalendarItem, timezone: str) -> str:
    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    params = {
        "action": "TEMPLATE",
        "text": item.summary,
        "dates": f"{utc(item.start)}/{utc(item.end)}",
        "details": item.description[:1500],
        "location": item.location,
        "ctz": timezone,
    }
    return GOOGLE_TEMPLATE + "?" + urlencode(params)
