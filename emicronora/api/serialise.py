"""Programme models as plain JSON-ready dicts. Pure functions: no queries, no access checks, no request.

Times are given twice, in UTC and in the event zone, both as ISO 8601 with their offset, so a client can
show the fair's own clock without a time-zone database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

# One definition of the UID for the API and the iCal feeds: a session keeps one identity everywhere.
from emicronora.calendar.items import session_uid
from emicronora.models import Day, Session, Speaker, Theme
from emicronora.programme.domain import session_status
from emicronora.settings import Settings

JSONObject = dict[str, object]


def iso(moment: datetime, settings: Settings | None = None) -> str:
    """`moment` in UTC, or in the event zone when settings are given; whole seconds keep the format fixed."""
    zone = settings.tz if settings is not None else UTC
    return moment.astimezone(zone).isoformat(timespec="seconds")


def theme(item: Theme) -> JSONObject:
    return {"id": item.id, "slug": item.slug, "name_fr": item.name_fr, "name_en": item.name_en}


def day(item: Day, session_count: int) -> JSONObject:
    return {
        "id": item.id,
        "date": item.date.isoformat(),
        "theme": theme(item.theme),
        "session_count": session_count,
    }


def session(item: Session, now: datetime, settings: Settings) -> JSONObject:
    return {
        "id": item.id,
        "uid": session_uid(item.id, settings),
        "kind": item.kind,
        "title": item.title,
        "abstract": item.abstract,
        "day": item.day.date.isoformat(),
        "theme": item.theme.slug,
        "starts_at": iso(item.starts_at),
        "ends_at": iso(item.ends_at),
        "starts_at_local": iso(item.starts_at, settings),
        "ends_at_local": iso(item.ends_at, settings),
        "timezone": settings.event_timezone,
        "status": session_status(item, now),
        "sequence": item.sequence,
        "speakers": [{"id": s.id, "name": s.name, "affiliation": s.affiliation} for s in item.speakers],
        "url": f"{settings.site_origin}/sessions/{item.id}",
    }


def speaker(item: Speaker, session_ids: Iterable[int]) -> JSONObject:
    return {
        "id": item.id,
        "name": item.name,
        "affiliation": item.affiliation,
        "bio": item.bio,
        "session_ids": list(session_ids),
    }
