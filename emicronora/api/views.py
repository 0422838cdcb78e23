"""The API's handlers: check the query (api.forms), call the programme queries, serialise. A bad parameter
is a 400 whose reason names it, rendered as `{"error": ...}` by emicronora.web.errors."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emicronora.api import forms, openapi, serialise
from emicronora.i18n import _
from emicronora.programme import domain, queries
from emicronora.web.context import sessionmaker_of, settings_of

CACHE_HEADERS = {"Cache-Control": "public, max-age=60"}


def _json(payload: dict[str, object]) -> Response:
    return JSONResponse(payload, headers=CACHE_HEADERS)


def _bad_request(reason: str) -> HTTPException:
    return HTTPException(status_code=400, detail=reason)


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
    try:
        filters = forms.session_filters(request.query_params)
    except forms.BadParameter as error:
        raise _bad_request(error.reason) from None
    async with sessionmaker_of(request)() as db:
        day_id = theme_id = None
        if filters.day is not None:
            day = await queries.get_day_by_date(db, filters.day)
            if day is None:
                raise _bad_request(
                    _("day: the programme has no day on %(date)s.", date=filters.day.isoformat())
                )
            day_id = day.id
        if filters.theme is not None:
            theme = await queries.get_theme_by_slug(db, filters.theme)
            if theme is None:
                raise _bad_request(_("theme: no theme has this slug (see /api/themes)."))
            theme_id = theme.id
        found = await queries.list_sessions(db, day_id=day_id, theme_id=theme_id, kind=filters.kind)
    now = datetime.now(UTC)
    if filters.status is not None:
        found = [session for session in found if domain.session_status(session, now) == filters.status]
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
