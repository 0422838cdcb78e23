"""Read-only JSON API of the programme. Handlers parse and check the query, call the programme queries and
serialise; every bad parameter is a 400 whose reason names it (rendered as `{"error": ...}` by
emicronora.web.errors). Unknown query parameters are ignored and an empty value means "no filter", so
that a plain HTML form can drive the API too."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora.api import openapi, serialise
from emicronora.i18n import _
from emicronora.models import SESSION_KINDS
from emicronora.programme import domain, queries
from emicronora.web.context import sessionmaker_of, settings_of

# One limit, declared in the document the clients read.
MAX_PARAMETER_LENGTH = openapi.MAX_PARAMETER_LENGTH
# Ids beyond a PostgreSQL integer make the driver fail; nothing can exist there, so they are simply absent.
SESSION_STATUSES = tuple(domain.STATUS_LABELS)
# date.fromisoformat also takes 20200922 and week dates; the API promises exactly YYYY-MM-DD.
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CACHE_HEADERS = {"Cache-Control": "public, max-age=60"}


def _json(payload: dict[str, object]) -> Response:
    return JSONResponse(payload, headers=CACHE_HEADERS)


def _bad_request(reason: str) -> HTTPException:
    return HTTPException(status_code=400, detail=reason)


def _parameter(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        # Which of two values wins is arbitrary; saying so beats silently picking one.
        raise _bad_request(_("%(name)s is given more than once.", name=name))
    value = values[0] if values else ""
    if len(value) > MAX_PARAMETER_LENGTH:
        raise _bad_request(
            _("%(name)s is longer than %(max)s characters.", name=name, max=MAX_PARAMETER_LENGTH)
        )
    return value or None


def _choice(request: Request, name: str, choices: tuple[str, ...]) -> str | None:
    value = _parameter(request, name)
    if value is not None and value not in choices:
        raise _bad_request(_("%(name)s must be one of: %(choices)s.", name=name, choices=", ".join(choices)))
    return value


def _date(request: Request, name: str) -> date | None:
    value = _parameter(request, name)
    if value is None:
        return None
    try:
        if DATE_PATTERN.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise _bad_request(_("%(name)s must be a date written YYYY-MM-DD, such as 2020-09-22.", name=name))


async def days(request: Request) -> Response:
    async with sessionmaker_of(request)() as db:
        all_days = await queries.list_days(db)
        counts = await queries.session_counts_by_day(db)
    return _json({"days": [serialise.day(day, counts.get(day.id, 0)) for day in all_days]})


async def themes(request: Request) -> Response:
    async with sessionmaker_of(request)() as db:
        all_themes = await queries.list_themes(db)
    return _json({"themes": [serialise.theme(theme) for theme in all_themes]})


async def sessions(request: Request) -> Response:
    # Every parameter is checked before the database is asked anything.
    day_date = _date(request, "day")
    theme_slug = _parameter(request, "theme")
    kind = _choice(request, "kind", SESSION_KINDS)
    status = _choice(request, "status", SESSION_STATUSES)
    async with sessionmaker_of(request)() as db:
        day_id = theme_id = None
        if day_date is not None:
            day = await queries.get_day_by_date(db, day_date)
            if day is None:
                raise _bad_request(_("day: the programme has no day on %(date)s.", date=day_date.isoformat()))
            day_id = day.id
        if theme_slug is not None:
            theme = await queries.get_theme_by_slug(db, theme_slug)
            if theme is None:
                raise _bad_request(_("theme: no theme has this slug (see /api/themes)."))
            theme_id = theme.id
        found = await queries.list_sessions(db, day_id=day_id, theme_id=theme_id, kind=kind)
    now = datetime.now(UTC)
    if status is not None:
        found = [session for session in found if domain.session_status(session, now) == status]
    settings = settings_of(request)
    return _json({"sessions": [serialise.session(session, now, settings) for session in found]})


async def session_detail(request: Request) -> Response:
    session_id: int = request.path_params["session_id"]
    async with sessionmaker_of(request)() as db:
        session = await queries.get_session(db, session_id)
    if session is None:
        raise HTTPException(status_code=404, detail=_("No session has this id."))
    return _json(serialise.session(session, datetime.now(UTC), settings_of(request)))


async def speakers(request: Request) -> Response:
    async with sessionmaker_of(request)() as db:
        all_speakers = await queries.list_speakers(db)
        # One query for all sessions (speakers come with them) rather than one per speaker.
        all_sessions = await queries.list_sessions(db)
    session_ids: dict[int, list[int]] = {}
    for session in all_sessions:
        for speaker in session.speakers:
            session_ids.setdefault(speaker.id, []).append(session.id)
    return _json({"speakers": [serialise.speaker(s, session_ids.get(s.id, [])) for s in all_speakers]})


async def speaker_detail(request: Request) -> Response:
    speaker_id: int = request.path_params["speaker_id"]
    async with sessionmaker_of(request)() as db:
        speaker = await queries.get_speaker(db, speaker_id)
        if speaker is None:
            raise HTTPException(status_code=404, detail=_("No speaker has this id."))
        their_sessions = await queries.sessions_of_speaker(db, speaker_id)
    return _json(serialise.speaker(speaker, [session.id for session in their_sessions]))


async def openapi_document(request: Request) -> Response:
    return _json(openapi.document(settings_of(request)))


routes: list[BaseRoute] = [
    Route("/days", days, methods=["GET"]),
    Route("/themes", themes, methods=["GET"]),
    Route("/sessions", sessions, methods=["GET"]),
    Route("/sessions/{session_id:int}", session_detail, methods=["GET"]),
    Route("/speakers", speakers, methods=["GET"]),
    Route("/speakers/{speaker_id:int}", speaker_detail, methods=["GET"]),
    Route("/openapi.json", openapi_document, methods=["GET"]),
]
