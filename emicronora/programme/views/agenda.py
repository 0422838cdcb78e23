"""A visitor's own programme ("Mon programme"): starring sessions and the agenda of the starred ones."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.programme import domain, operations, queries
from emicronora.programme.views.display import page_context
from emicronora.web.context import require_user, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import found_or_404
from emicronora.web.redirects import safe_next, see_other
from emicronora.web.templating import render


async def toggle_star(request: Request) -> Response:
    """/star and /unstar; back to the page the button was on (?next=, same site only)."""
    user = require_user(request)
    form = await read_form(request)
    session_id: int = request.path_params["session_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        found_or_404(await queries.get_session(db, session_id))
        if request.url.path.endswith("/unstar"):
            await operations.unstar(db, user.id, session_id)
        else:
            await operations.star(db, user.id, session_id)
    return see_other(safe_next(form.values.get("next"), f"/sessions/{session_id}"))


async def agenda(request: Request) -> Response:
    now = datetime.now(UTC)
    user = require_user(request)
    async with sessionmaker_of(request)() as db:
        days = await queries.list_days(db)
        sessions = await queries.agenda(db, user.id)
    return render(
        request,
        "programme/agenda.html",
        {
            "grouped": domain.group_by_day(sessions, days),
            "starred": {s.id for s in sessions},
            **page_context(now),
        },
    )
