"""The organiser's pages for days: create, edit (a new date moves its sessions), cancel or restore all their
sessions, reorder, and delete an empty day."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.models import Day
from emicronora.programme import forms, operations, queries
from emicronora.programme.views.organiser.editing import (
    OVERVIEW,
    ExtraContext,
    delete_action,
    edit_page,
    move_action,
    now,
)
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.lookups import get_or_404
from emicronora.web.redirects import see_other

TEMPLATE = "programme/organiser/day_form.html"


def theme_choices(locale: str) -> ExtraContext:
    async def context(db: AsyncSession) -> dict[str, Any]:
        themes = await queries.list_themes(db)
        return {"theme_options": [(theme.id, theme.name(locale)) for theme in themes]}

    return context


async def edit_day(request: Request) -> Response:
    """/organiser/days/new and /organiser/days/{id}/edit."""
    require_organiser(request)
    tz = settings_of(request).tz

    async def save(db: AsyncSession, form: Form, day: Day | None) -> Day | None:
        return await operations.save_day(db, form, day, tz=tz, now=now())

    return await edit_page(
        request,
        model=Day,
        id_param="day_id",
        template=TEMPLATE,
        values_of=forms.day_values,
        save=save,
        anchor="day",
        context=theme_choices(request.state.locale),
    )


async def set_cancelled(request: Request) -> Response:
    """/cancel cancels every session of the day, /restore restores them; each changed one is bumped."""
    require_organiser(request)
    day_id: int = request.path_params["day_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        day = await get_or_404(db, Day, day_id)
        verb = "cancel" if request.url.path.endswith("/cancel") else "restore"
        if verb == "cancel":
            changed = await operations.cancel_day(db, day, now())
        else:
            changed = await operations.restore_day(db, day, now())
        await audit.record_action(
            db, actor_of(request), f"day.{verb}", "day", day_id, {"date": day.date, "sessions": changed}
        )
    return see_other(f"{OVERVIEW}#day-{day_id}")


async def move_day(request: Request) -> Response:
    require_organiser(request)
    return await move_action(request, model=Day, id_param="day_id", move=operations.move_day, anchor="day")


async def delete_day(request: Request) -> Response:
    require_organiser(request)
    return await delete_action(
        request,
        model=Day,
        id_param="day_id",
        template=TEMPLATE,
        values_of=forms.day_values,
        delete=operations.delete_day,
        anchor="days",
        context=theme_choices(request.state.locale),
    )
