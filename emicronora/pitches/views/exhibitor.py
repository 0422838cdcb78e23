"""The exhibitor's pitch page: the company's proposals and the form to submit one to an open call."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.pitches import operations, queries
from emicronora.programme import queries as programme
from emicronora.web.context import require_user, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

EXHIBITOR_PAGE = "/exhibitor-area/pitches"


async def exhibitor_pitches(request: Request) -> Response:
    user = require_user(request)
    if not user.is_exhibitor or user.company_id is None:
        raise HTTPException(403)
    form = Form()
    status_code = 200
    async with sessionmaker_of(request)() as db, db.begin():
        company = await queries.company_of(db, user.company_id)
        if request.method == "POST":
            form = await read_form(request)
            if await operations.submit(db, form, company, user, datetime.now(UTC)) is not None:
                return see_other(EXHIBITOR_PAGE + "?submitted=1")
            status_code = 400
        themes = await programme.list_themes(db)
        closed = await queries.closed_theme_ids(db)
        locale = request.state.locale
        context = {
            "form": form,
            "company": company,
            "proposals": await queries.proposals_of_company(db, company.id),
            "themes": themes,
            "theme_options": [
                (t.id, t.name(locale) + (" — " + _("call closed") if t.id in closed else "")) for t in themes
            ],
            "video_options": [(v.id, v.title) for v in await queries.company_videos(db, company.id)],
        }
    return render(request, "pitches/exhibitor.html", context, status_code=status_code)
