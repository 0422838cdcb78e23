"""Pitch proposals for exhibitors, their review and the pitch programme for organisers. Thin handlers."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora import audit
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.mail import notify as mail_notify
from emicronora.models import Company, PitchProposal, PitchSlot, Theme
from emicronora.pitches import proposals, scheduling
from emicronora.programme import queries as programme
from emicronora.web.context import require_organiser, require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
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


async def organiser_pitches(
    request: Request, form: Form | None = None, status_code: int = 200, **extra: object
) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        context = {
            "proposals": await proposals.all_proposals(db),
            "themes": await programme.list_themes(db),
            "closed": await proposals.closed_theme_ids(db),
            "form": form or Form(),
            "slots": await scheduling.programme_rows(db),
            "pitch_sessions": await scheduling.pitch_sessions(db),
            **extra,
        }
    return render(request, "pitches/organiser.html", context, status_code=status_code)


async def schedule(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        problem, accepted = await scheduling.build_problem(db)
    result = await scheduling.solve(problem)
    async with sessionmaker_of(request)() as db, db.begin():
        unscheduled = await scheduling.store_result(db, result, accepted, datetime.now(UTC))
        details = {"placed": len(result.placements), "unscheduled": len(unscheduled)}
        await audit.record_action(db, request, "pitch.schedule", "pitch_programme", "", details)
    return await organiser_pitches(request, result=result, unscheduled=unscheduled)


async def move_slot(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    session_id = form.integer("session_id")
    position = form.integer("position")
    async with sessionmaker_of(request)() as db, db.begin():
        slot = await db.get(PitchSlot, request.path_params["slot_id"])
        if slot is None:
            raise HTTPException(404)
        if session_id is not None and position is not None:
            try:
                # Positions are shown from 1 to the organiser.
                await scheduling.move_slot(db, slot, session_id, position - 1, datetime.now(UTC))
                details = {"session_id": session_id, "position": position}
                await audit.record_action(db, request, "pitch.slot_move", "pitch_slot", slot.id, details)
            except scheduling.AdjustError as error:
                form.error("position", error.message)
    if not form.ok:
        form.values["slot_id"] = str(request.path_params["slot_id"])
        return await organiser_pitches(request, form, 400)
    return RedirectResponse(ORGANISER_PAGE + "#programme", status_code=303)


async def lock_slot(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        slot = await db.get(PitchSlot, request.path_params["slot_id"])
        if slot is None:
            raise HTTPException(404)
        slot.is_locked = not slot.is_locked
        verb = "lock" if slot.is_locked else "unlock"
        await audit.record_action(db, request, f"pitch.slot_{verb}", "pitch_slot", slot.id, {})
    return RedirectResponse(ORGANISER_PAGE + "#programme", status_code=303)


async def publish(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        published = await scheduling.publish(db, datetime.now(UTC))
        await audit.record_action(db, request, "pitch.publish", "pitch_programme", "", {"slots": published})
    return RedirectResponse(ORGANISER_PAGE + "?published=1#programme", status_code=303)


async def review_proposal(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        proposal = await db.get(PitchProposal, request.path_params["proposal_id"])
        if proposal is None:
            raise HTTPException(404)
        status = proposal.status
        reviewed = await proposals.review(db, proposal, form, datetime.now(UTC))
        if reviewed:
            details = {"title": proposal.title, "status": [status, proposal.status]}
            await audit.record_action(
                db, request, f"pitch.{form.values['decision']}", "pitch", proposal.id, details
            )
            await mail_notify.pitch_reviewed(db, settings_of(request), proposal)
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
        is_open = form.values.get("open") == "1"
        await proposals.set_call_open(db, theme, is_open)
        verb = "open" if is_open else "close"
        await audit.record_action(db, request, f"pitch.call_{verb}", "theme", theme.id, {"theme": theme.slug})
    return RedirectResponse(ORGANISER_PAGE, status_code=303)


routes: list[BaseRoute] = [
    Route(EXHIBITOR_PAGE, exhibitor_pitches, methods=["GET", "POST"]),
    Route(ORGANISER_PAGE, organiser_pitches, methods=["GET"]),
    Route(ORGANISER_PAGE + "/{proposal_id:int}/review", review_proposal, methods=["POST"]),
    Route(ORGANISER_PAGE + "/calls/{theme_id:int}", toggle_call, methods=["POST"]),
    Route(ORGANISER_PAGE + "/schedule", schedule, methods=["POST"]),
    Route(ORGANISER_PAGE + "/publish", publish, methods=["POST"]),
    Route(ORGANISER_PAGE + "/slots/{slot_id:int}/move", move_slot, methods=["POST"]),
    Route(ORGANISER_PAGE + "/slots/{slot_id:int}/lock", lock_slot, methods=["POST"]),
]
