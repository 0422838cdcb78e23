"""Organiser pages for sessions: create, edit, cancel, restore and reorder (never delete: feeds need them),
and the moderators appointed to each session's live room."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emicronora import audit
from emicronora.forms import Form
from emicronora.i18n import _, format_day
from emicronora.live import moderators
from emicronora.models import Session
from emicronora.organiser.common import OVERVIEW, edit_page, get_or_404, move_action, now, see_other
from emicronora.programme import domain, operations, queries
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

TEMPLATE = "organiser/session_form.html"


def session_values(tz: tzinfo) -> Callable[[Session], dict[str, str]]:
    def values_of(session: Session) -> dict[str, str]:
        return {
            "kind": session.kind,
            "title": session.title,
            "abstract": session.abstract,
            "day_id": str(session.day_id),
            "theme_id": str(session.theme_id),
            "starts_at": session.starts_at.astimezone(tz).strftime("%H:%M"),
            "ends_at": session.ends_at.astimezone(tz).strftime("%H:%M"),
            "speaker_ids": ",".join(str(s.id) for s in session.speakers),
            "stream_url": session.stream_url,
            "replay_url": session.replay_url,
        }

    return values_of


async def session_choices(db: AsyncSession, locale: str) -> dict[str, Any]:
    days = await queries.list_days(db)
    themes = await queries.list_themes(db)
    speakers = await queries.list_speakers(db)
    return {
        "kind_options": [(kind, _(label)) for kind, label in domain.KIND_LABELS.items()],
        "day_options": [
            (day.id, f"{format_day(day.date, 'EEE d MMM y')} – {day.theme.name(locale)}") for day in days
        ],
        "theme_options": [(theme.id, theme.name(locale)) for theme in themes],
        "speaker_options": [
            (s.id, f"{s.name} ({s.affiliation})" if s.affiliation else s.name) for s in speakers
        ],
    }


async def edit_session(request: Request) -> Response:
    """/organiser/sessions/new and /organiser/sessions/{id}/edit."""
    require_organiser(request)
    settings = settings_of(request)
    locale: str = request.state.locale

    session_id: int | None = request.path_params.get("session_id")

    async def save(db: AsyncSession, form: Form, session: Session | None) -> Session | None:
        return await operations.save_session(
            db, form, session, tz=settings.tz, now=now(), jitsi_hosts=settings.jitsi_hosts
        )

    async def context(db: AsyncSession) -> dict[str, Any]:
        choices = await session_choices(db, locale)
        if session_id is None:
            return choices
        return {
            **choices,
            "moderators": await moderators.list_moderators(db, session_id),
            "moderator_form": Form(),
        }

    return await edit_page(
        request,
        model=Session,
        id_param="session_id",
        template=TEMPLATE,
        values_of=session_values(settings.tz),
        save=save,
        anchor="session",
        context=context,
        prefill=("day_id", "theme_id"),
    )


async def set_cancelled(request: Request) -> Response:
    """/cancel and /restore: both bump the session's sequence when its status changes."""
    require_organiser(request)
    session_id: int = request.path_params["session_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        session = await get_or_404(db, Session, session_id)
        verb = "cancel" if request.url.path.endswith("/cancel") else "restore"
        change = operations.cancel_session if verb == "cancel" else operations.restore_session
        if change(session, now()):
            await audit.record_action(
                db, request, f"session.{verb}", "session", session_id, {"title": session.title}
            )
    return see_other(f"{OVERVIEW}#session-{session_id}")


async def move_session(request: Request) -> Response:
    require_organiser(request)
    return await move_action(
        request, model=Session, id_param="session_id", move=operations.move_session, anchor="session"
    )


def _moderators_url(session_id: int) -> str:
    return f"/organiser/sessions/{session_id}/edit#moderators"


async def add_moderator(request: Request) -> Response:
    """Appoints a moderator by e-mail; an unknown address shows the edit page again with the reason."""
    require_organiser(request)
    settings = settings_of(request)
    session_id: int = request.path_params["session_id"]
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        session = await get_or_404(db, Session, session_id)
        if (appointed := await moderators.appoint(db, session.id, form)) is None:
            context = {
                "form": Form(values=session_values(settings.tz)(session)),
                "item": session,
                "moderator_form": form,
                "moderators": await moderators.list_moderators(db, session.id),
                **await session_choices(db, request.state.locale),
            }
            return render(request, TEMPLATE, context, 400)
        details = {"email": appointed.email, "title": session.title}
        await audit.record_action(db, request, "session.moderator_appoint", "session", session.id, details)
    return see_other(_moderators_url(session_id))


async def remove_moderator(request: Request) -> Response:
    require_organiser(request)
    session_id: int = request.path_params["session_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        session = await get_or_404(db, Session, session_id)
        if not await moderators.remove(db, session.id, request.path_params["user_id"]):
            raise HTTPException(404)
        details = {"user_id": request.path_params["user_id"], "title": session.title}
        await audit.record_action(db, request, "session.moderator_remove", "session", session.id, details)
    return see_other(_moderators_url(session_id))


routes: list[BaseRoute] = [
    Route("/sessions/new", edit_session, methods=["GET", "POST"]),
    Route("/sessions/{session_id:int}/edit", edit_session, methods=["GET", "POST"]),
    Route("/sessions/{session_id:int}/cancel", set_cancelled, methods=["POST"]),
    Route("/sessions/{session_id:int}/restore", set_cancelled, methods=["POST"]),
    Route("/sessions/{session_id:int}/move", move_session, methods=["POST"]),
    Route("/sessions/{session_id:int}/moderators", add_moderator, methods=["POST"]),
    Route("/sessions/{session_id:int}/moderators/{user_id:int}/remove", remove_moderator, methods=["POST"]),
]
