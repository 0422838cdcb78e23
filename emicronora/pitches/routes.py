"""Pitch proposals for exhibitors, their review and the pitch programme for organisers. Thin handlers."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, PitchProposal, Theme
from emicronora.pitches import proposals
from emicronora.programme import queries as programme
from emicronora.web.context import require_organiser, require_user, sessionmaker_of
from emicronora.web.forms import read_form
from emicronora.web.templating import render

EXHIBITOR_PAGE = "/exhibitor-area/pitches"
ORGANISER_PAGE = "/organiser/pitches"


async def exhibitor_pitches(request: Request) -> Response:
    user = require_user(request)
    if not user.is_exhibitor or user.company_id is None:
        raise HTTPException(403)
    form = Form()
    status_code = 200
    async with sessionmaker_of(request)() as db, db.begin():
        company = await db.get_one(Company, user.company_id)
        if request.method == "POST":
            form = await read_form(request)
            if await proposals.submit(db, form, company, user, datetime.now(UTC)) is not None:
                return RedirectResponse(EXHIBITOR_PAGE + "?submitted=1", status_code=303)
            status_code = 400
        themes = await programme.list_themes(db)
        closed = await proposals.closed_theme_ids(db)
        locale = request.state.locale
        context = {
            "form": form,
            "company": company,
            "proposals": await proposals.proposals_of_company(db, company.id),
            "themes": themes,
            "theme_options": [
                (t.id, t.name(locale) + (" — " + _("call closed") if t.id in closed else "")) for t in themes
            ],
            "video_options": [(v.id, v.title) for v in await proposals.company_videos(db, company.id)],
        }
    return render(request, "pitches/exhibitor.html", context, status_code=status_code)


async def organiser_pitches(request: Request, form: Form | None = None, status_code: int = 200) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        context = {
            "proposals": await proposals.all_proposals(db),
            "themes": await programme.list_themes(db),
            "closed": await proposals.closed_theme_ids(db),
            "form": form or Form(),
        }
    return render(request, "pitches/organiser.html", context, status_code=status_code)


async def review_proposal(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        proposal = await db.get(PitchProposal, request.path_params["proposal_id"])
        if proposal is None:
            raise HTTPException(404)
        reviewed = await proposals.review(db, proposal, form, datetime.now(UTC))
    if not reviewed:
        form.values["proposal_id"] = str(request.path_params["proposal_id"])
        return await organiser_pitches(request, form, 400)
    return RedirectResponse(f"{ORGANISER_PAGE}#proposal-{proposal.id}", status_code=303)


async def toggle_call(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        theme = await db.get(Theme, request.path_params["theme_id"])
        if theme is None:
            raise HTTPException(404)
        await proposals.set_call_open(db, theme, form.values.get("open") == "1")
    return RedirectResponse(ORGANISER_PAGE, status_code=303)


routes: list[BaseRoute] = [
    Route(EXHIBITOR_PAGE, exhibitor_pitches, methods=["GET", "POST"]),
    Route(ORGANISER_PAGE, organiser_pitches, methods=["GET"]),
    Route(ORGANISER_PAGE + "/{proposal_id:int}/review", review_proposal, methods=["POST"]),
    Route(ORGANISER_PAGE + "/calls/{theme_id:int}", toggle_call, methods=["POST"]),
]
