"""What the programme's organiser pages share: the edit page, delete and move, each recorded in the audit log
and answered with a redirect to the object on the console's overview."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.programme import operations
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import get_or_404
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

OVERVIEW = "/organiser/"
MAX_PREFILL = 20

T = TypeVar("T")
Save = Callable[[AsyncSession, Form, Any], Awaitable[Any]]
ExtraContext = Callable[[AsyncSession], Awaitable[dict[str, Any]]]


def kind_of(model: type[Any]) -> str:
    """The audit log's name for a programme object: "day", "theme", "speaker", "session"."""
    return model.__name__.lower()


def now() -> datetime:
    return datetime.now(UTC)


async def no_context(_db: AsyncSession) -> dict[str, Any]:
    return {}


async def edit_page(
    request: Request,
    *,
    model: type[Any],
    id_param: str,
    template: str,
    values_of: Callable[[Any], Mapping[str, str]],
    save: Save,
    anchor: str,
    context: ExtraContext = no_context,
    prefill: tuple[str, ...] = (),
) -> Response:
    """GET shows the form (for a new object, empty but for the `prefill` fields taken from the query string;
    filled from the object otherwise); POST saves it, or re-renders the user's values with one message per
    wrong field and status 400."""
    require_organiser(request)
    identifier: int | None = request.path_params.get(id_param)
    form = await read_form(request) if request.method == "POST" else None
    async with sessionmaker_of(request)() as db, db.begin():
        item = await get_or_404(db, model, identifier) if identifier is not None else None
        if form is None:
            if item is not None:
                form = Form(values=dict(values_of(item)))
            else:
                form = Form(values={k: request.query_params.get(k, "")[:MAX_PREFILL] for k in prefill})
            return render(request, template, {"form": form, "item": item, **await context(db)})
        before = dict(values_of(item)) if item is not None else {}
        saved = await save(db, form, item)
        if saved is None:
            return render(request, template, {"form": form, "item": item, **await context(db)}, 400)
        saved_id = saved.id
        if (changed := audit.changes(before, values_of(saved))) or item is None:
            verb = "create" if item is None else "edit"
            await audit.record_action(
                db, actor_of(request), f"{kind_of(model)}.{verb}", kind_of(model), saved_id, changed
            )
    return see_other(f"{OVERVIEW}#{anchor}-{saved_id}")


async def delete_action(
    request: Request,
    *,
    model: type[Any],
    id_param: str,
    template: str,
    values_of: Callable[[Any], Mapping[str, str]],
    delete: Callable[[AsyncSession, Any, Form], Awaitable[bool]],
    anchor: str,
    context: ExtraContext = no_context,
) -> Response:
    """Deletes, or shows the edit page again (400) with the reason why the object has to stay."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        item = await get_or_404(db, model, request.path_params[id_param])
        form = Form(values=dict(values_of(item)))
        if not await delete(db, item, form):
            return render(request, template, {"form": form, "item": item, **await context(db)}, 400)
        await audit.record_action(
            db, actor_of(request), f"{kind_of(model)}.delete", kind_of(model), item.id, form.values
        )
    return see_other(f"{OVERVIEW}#{anchor}")


async def move_action(
    request: Request,
    *,
    model: type[T],
    id_param: str,
    move: Callable[[AsyncSession, T, operations.Direction], Awaitable[bool]],
    anchor: str,
) -> Response:
    """Moves up or down (field `direction`); at either end of the list nothing changes."""
    require_organiser(request)
    form = await read_form(request)
    direction = form.values.get("direction", "")
    if direction not in operations.DIRECTIONS:
        raise HTTPException(400)
    identifier: int = request.path_params[id_param]
    async with sessionmaker_of(request)() as db, db.begin():
        item = await get_or_404(db, model, identifier)
        if await move(db, item, direction):
            await audit.record_action(
                db,
                actor_of(request),
                f"{kind_of(model)}.move",
                kind_of(model),
                identifier,
                {"direction": direction},
            )
    return see_other(f"{OVERVIEW}#{anchor}-{identifier}")
