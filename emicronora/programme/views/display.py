"""The public programme pages: home, the programme with its filters and search, a session, the speakers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.calendar.items import session_item
from emicronora.calendar.links import google_calendar_url
from emicronora.live import embeds
from emicronora.models import Session
from emicronora.pitches.queries import running_order
from emicronora.programme import domain, queries
from emicronora.web.context import current_user, sessionmaker_of, settings_of
from emicronora.web.lookups import found_or_404
from emicronora.web.middleware import CONTENT_SECURITY_POLICY
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 60
# As the other search boxes: a longer text is no title, abstract or name of ours.
MAX_SEARCH_LENGTH = 100


def page_context(now: datetime) -> dict[str, object]:
    return {
        "status_of": lambda session: domain.session_status(session, now),
        "status_labels": domain.STATUS_LABELS,
        "kind_labels": domain.KIND_LABELS,
    }


async def home(request: Request) -> Response:
    now = datetime.now(UTC)
    async with sessionmaker_of(request)() as db:
        days = await queries.list_days(db)
        sessions = await queries.list_sessions(db)
    live = [s for s in sessions if domain.session_status(s, now) == "live"]
    upcoming = [s for s in sessions if domain.session_status(s, now) == "upcoming"][:4]
    return render(
        request,
        "programme/home.html",
        {"days": days, "live": live, "upcoming": upcoming, **page_context(now)},
    )


def _day_param(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


async def programme(request: Request) -> Response:
    """Filtered by ?day=YYYY-MM-DD, ?theme=<slug> and ?kind=, searched with ?q= (title, abstract and
    speakers, ignoring case and accents); an unknown day or theme is a broken link (404)."""
    now = datetime.now(UTC)
    day_param = request.query_params.get("day", "")[:MAX_FILTER_LENGTH]
    theme_param = request.query_params.get("theme", "")[:MAX_FILTER_LENGTH]
    kind_param = request.query_params.get("kind", "")[:MAX_FILTER_LENGTH]
    search = request.query_params.get("q", "")[:MAX_SEARCH_LENGTH].strip()
    kind = kind_param if kind_param in domain.KIND_LABELS else None
    user = current_user(request)
    async with sessionmaker_of(request)() as db:
        days = await queries.list_days(db)
        themes = await queries.list_themes(db)
        selected_day = selected_theme = None
        if day_param:
            on = _day_param(day_param)
            selected_day = found_or_404(await queries.get_day_by_date(db, on) if on else None)
        if theme_param:
            selected_theme = found_or_404(await queries.get_theme_by_slug(db, theme_param))
        sessions = await queries.list_sessions(
            db,
            day_id=selected_day.id if selected_day else None,
            theme_id=selected_theme.id if selected_theme else None,
            kind=kind,
            text=search or None,
        )
        starred = await queries.starred_session_ids(db, user.id) if user else set()
    return render(
        request,
        "programme/programme.html",
        {
            "days": days,
            "themes": themes,
            "selected_day": selected_day,
            "selected_theme": selected_theme,
            "selected_kind": kind,
            "search": search,
            "grouped": domain.group_by_day(sessions, days),
            "starred": starred,
            **page_context(now),
        },
    )


async def session_detail(request: Request) -> Response:
    """The session, and while it is on its live room: the stream when live, a countdown before, the replay
    and the chat's history after."""
    now = datetime.now(UTC)
    user = current_user(request)
    async with sessionmaker_of(request)() as db:
        session = found_or_404(await queries.get_session(db, request.path_params["session_id"]))
        starred = await queries.starred_session_ids(db, user.id) if user else set()
        pitches = await running_order(db, session.id) if session.kind == "pitch" else []
    settings = settings_of(request)
    google_url = google_calendar_url(
        session_item(session, settings, request.state.locale), settings.event_timezone
    )
    status = domain.session_status(session, now)
    embed = None
    if status == "live":
        embed = embeds.embed_or_none(session.stream_url, settings.jitsi_hosts)
    elif status == "ended":
        # A meeting room is no replay: a Jitsi address there stays a plain link (no Jitsi host allowed).
        embed = embeds.embed_or_none(session.replay_url, jitsi_hosts=())
    response = render(
        request,
        "programme/session.html",
        {
            "session": session,
            "starred": starred,
            "google_url": google_url,
            "embed": embed,
            "pitches": pitches,
            **page_context(now),
        },
    )
    if embed is not None:
        # Set here, the policies win over the middleware's defaults (it only fills in missing headers).
        response.headers["Content-Security-Policy"] = embeds.frame_policy(CONTENT_SECURITY_POLICY, embed)
        features = embeds.permissions_policy(embed)
        if features:
            response.headers["Permissions-Policy"] = features
    return response


async def speakers(request: Request) -> Response:
    async with sessionmaker_of(request)() as db:
        all_speakers = await queries.list_speakers(db)
        sessions = await queries.list_sessions(db)
    by_speaker: dict[int, list[Session]] = {}
    for session in sessions:
        for speaker in session.speakers:
            by_speaker.setdefault(speaker.id, []).append(session)
    return render(request, "programme/speakers.html", {"speakers": all_speakers, "sessions_of": by_speaker})
