"""HTTP for calendars: content type, file name, ETag / Last-Modified and 304 for unchanged feeds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.calendar.ical import CalendarItem, build_calendar, content_etag, serialise
from emicronora.settings import Settings

CALENDAR_TYPE = "text/calendar; charset=utf-8"
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            return last_modified.replace(microsecond=0) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


def calendar_response(
    request: Request,
    settings: Settings,
    name: str,
    items: Sequence[CalendarItem],
    *,
    filename: str,
    download: bool = False,
    private: bool = False,
) -> Response:
    etag = content_etag(name, items)
    last_modified = max((item.last_modified for item in items), default=EPOCH)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified.astimezone(UTC), usegmt=True),
        # Personal feeds are secret: no shared cache may keep them.
        "Cache-Control": "private, max-age=300" if private else "public, max-age=300",
        "Content-Disposition": f'{"attachment" if download else "inline"}; filename="{filename}"',
    }
    if private:
        headers["Referrer-Policy"] = "no-referrer"
    if _not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    body = serialise(build_calendar(name, items, settings.tz, datetime.now(UTC)))
    return Response(body, media_type=CALENDAR_TYPE, headers=headers)
