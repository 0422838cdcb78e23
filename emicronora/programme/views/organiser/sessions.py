"""The organiser's pages for sessions: create, edit, cancel, restore and reorder (never delete: feeds need
them), and the moderators appointed to each session's live room."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.i18n import _, format_day
from emicronora.live import operations as live_operations
from emicronora.live import queries as live_queries
from emicronora.models import Session
from emicronora.programme import domain, forms, operations, queries
from emicronora.programme.views.organiser.editing import OVERVIEW, edit_page, move_action, now
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import get_or_404
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

TEMPLATE = "programme/organiser/session_form.html"


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
            "moderators": await live_queries.list_moderators(db, session_id),
            "moderator_form": Form(),
        }

    return await edit_page(
        request,
        model=Session,
        id_param="session_id",
        template=TEMPLATE,
        values_of=lambda session: forms.session_values(session, settings.tz),
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
                db, actor_of(request), f"session.{verb}", "session", session_id, {"title": session.title}
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
        if (appointed := await live_operations.appoint(db, session.id, form)) is None:
            context = {
                "form": Form(values=forms.session_values(session, settings.tz)),
                "item": session,
                "moderator_form": form,
                "moderators": await live_queries.list_moderators(db, session.id),
                **await session_choices(db, request.state.locale),
            }
            return render(request, TEMPLATE, context, 400)
        details = {"email": appointed.email, "title": session.title}
        await audit.record_action(
            db, actor_of(request), "session.moderator_appoint", "session", session.id, details
        )
    return see_other(_moderators_url(session_id))


async def remove_moderator(request: Request) -> Response:
    require_organiser(request)
    session_id: int = request.path_params["session_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        session = await get_or_404(db, Session, session_id)
        if not await live_operations.remove(db, session.id, request.path_params["user_id"]):
            raise HTTPException(404)
        details = {"user_id": request.path_params["user_id"], "title": session.title}
        await audit.record_action(
            db, actor_of(request), "session.moderator_remove", "session", session.id, details
        )
    return see_other(_moderators_url(session_id))
