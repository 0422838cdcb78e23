"""The calendar builder: a pure function from calendar items to an `icalendar.Calendar`.

Escaping, line folding and VTIMEZONE generation are left to the icalendar library; what no escaping can carry
is taken out first (RFC 5545 TEXT holds no control characters, and a name or a title is one line), so that any
stored text makes a calendar that both icalendar and vobject read back. Unlike pretalx, every
event carries SEQUENCE and LAST-MODIFIED (both stored, not computed here), so that calendar apps notice a
moved or cancelled session; cancelled items stay in the feed with STATUS:CANCELLED so that apps remove them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

PRODID = "-//e-Micronora//e-Micronora calendar feeds//EN"
REFRESH = timedelta(minutes=20)
# Control characters other than TAB and LF: no TEXT value or parameter may hold them (RFC 5545, 3.3.11).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile("\r\n|\r|\n")


@dataclass(frozen=True)
class CalendarItem:
    uid: str
    summary: str
    start: datetime
    end: datetime
    sequence: int
    last_modified: datetime
    cancelled: bool = False
    description: str = ""
    url: str = ""
    location: str = ""
    categories: tuple[str, ...] = ()
    organizer_name: str = ""
    organizer_email: str = ""
    # Extra facts for the CSV export; not written to the calendar.
    extra: dict[str, str] = field(default_factory=dict, compare=False)


def build_calendar(name: str, items: Sequence[CalendarItem], tz: ZoneInfo, dtstamp: datetime) -> Calendar:
    """One VCALENDAR with a VEVENT per item, times as DTSTART;TZID=<zone> and the matching VTIMEZONE."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is no known type to icalendar, which would write the string raw: TEXT escapes it.
    calendar.add("x-wr-calname", vText(one_line(name)))
    calendar.add("x-wr-timezone", tz.key)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    if items:
        years = [item.start.astimezone(tz).year for item in items]
        calendar.add_component(_vtimezone(tz.key, min(years), max(years)))
    for item in items:
        calendar.add_component(_event(item, tz, dtstamp))
    return calendar


@cache
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The zone's rules for the years of the feed (and one on each side), so that the DST change inside
    the fair's dates is described without shipping decades of transitions. Cached: generating it is the
    costly part of a small calendar, and an export builds thousands of them."""
    return Timezone.from_tzid(
        tzid, first_date=date(first_year - 1, 1, 1), last_date=date(last_year + 2, 1, 1)
    )


def _event(item: CalendarItem, tz: ZoneInfo, dtstamp: datetime) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", dtstamp)
    event.add("dtstart", item.start.astimezone(tz))
    event.add("dtend", item.end.astimezone(tz))
    event.add("sequence", item.sequence)
    event.add("last-modified", item.last_modified)
    event.add("summary", one_line(item.summary))
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.description:
        event.add("description", paragraphs(item.description))
    if item.categories:
        event.add("categories", [one_line(category) for category in item.categories])
    if item.url:
        event.add("url", item.url)
    if item.location:
        event.add("location", one_line(item.location))
    if item.organizer_email:
        organizer = vCalAddress(f"mailto:{item.organizer_email}")
        if item.organizer_name:
            organizer.params["cn"] = vText(one_line(item.organizer_name))
        event.add("organizer", organizer)
    return event


def one_line(text: str) -> str:
    """A name, title or place as one line: line breaks become spaces, other control characters go."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text))


def paragraphs(text: str) -> str:
    """A description keeps its lines (each break written as an escaped \\n) and loses control characters."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def serialise(calendar: Calendar) -> bytes:
    return calendar.to_ical()


def content_etag(name: str, items: Sequence[CalendarItem]) -> str:
    """Changes exactly when a calendar app would see a change: not with the DTSTAMP of each export."""
    digest = hashlib.sha256(name.encode())
    for item in items:
        digest.update(
            repr(
                (
                    item.uid,
                    item.sequence,
                    item.last_modified.isoformat(),
                    item.cancelled,
                    item.summary,
                    item.description,
                    item.url,
                    item.location,
                    item.categories,
                )
            ).encode()
        )
    return '"' + digest.hexdigest()[:32] + '"'
