"""What the organiser handlers share: look-ups that answer 404, the generic edit page, move and redirects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.programme import operations
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

OVERVIEW = "/organiser/"
MAX_PREFILL = 20

T = TypeVar("T")
Save = Callable[[AsyncSession, Form, Any], Awaitable[Any]]
ExtraContext = Callable[[AsyncSession], Awaitable[dict[str, Any]]]


async def get_or_404(db: AsyncSession, model: type[T], identifier: int) -> T:
    found = await db.get(model, identifier)
    if found is None:
        raise HTTPException(404)
    return found


def _kind(model: type[Any]) -> str:
    """The audit log's name for a programme object: "day", "theme", "speaker", "session"."""
    return model.__name__.lower()


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


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
            await audit.record_action(db, request, f"{_kind(model)}.{verb}", _kind(model), saved_id, changed)
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
        await audit.record_action(db, request, f"{_kind(model)}.delete", _kind(model), item.id, form.values)
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
        if await move(db, item, cast(operations.Direction, direction)):
            await audit.record_action(
                db, request, f"{_kind(model)}.move", _kind(model), identifier, {"direction": direction}
            )
    return see_other(f"{OVERVIEW}#{anchor}-{identifier}")
