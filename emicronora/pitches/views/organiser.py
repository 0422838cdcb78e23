"""The organisers' pitch pages: the proposals to review, the calls to open or close, the pitch programme
to solve, adjust and publish."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.mail import notify as mail_notify
from emicronora.pitches import jobs, operations, queries, scheduling
from emicronora.programme import queries as programme
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import found_or_404
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

ORGANISER_PAGE = "/organiser/pitches"


async def organiser_pitches(
    request: Request, form: Form | None = None, status_code: int = 200, **extra: object
) -> Response:
    """With `?run=<job>`, that schedule's state (then its result); otherwise the schedule running now, if
    any."""
    require_organiser(request)
    asked = request.query_params.get("run", "")
    async with sessionmaker_of(request)() as db:
        if asked.isdigit() and len(asked) < 10:
            run = await queries.schedule_run(db, int(asked))
        else:
            run = await queries.active_schedule_run(db)
        context = {
            "proposals": await queries.all_proposals(db),
            "themes": await programme.list_themes(db),
            "closed": await queries.closed_theme_ids(db),
            "form": form or Form(),
            "slots": await queries.programme_rows(db),
            "pitch_sessions": await queries.pitch_sessions(db),
            "run": run,
            "run_view": scheduling.run_view(run) if run is not None else None,
            "summary": await scheduling.summary(db, run.result) if run is not None and run.result else None,
            **extra,
        }
    return render(request, "pitches/organiser.html", context, status_code=status_code)


async def schedule(request: Request) -> Response:
    """Queues the solve (the worker runs it) with its audit entry, and shows its progress."""
    user = require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        job_id = await jobs.start(db, user.id)
        if job_id is not None:
            details = {"kind": jobs.SCHEDULE}
            await audit.record_action(db, actor_of(request), "pitch.schedule", "job", job_id, details)
    if job_id is None:
        form = Form()
        form.error("schedule", _("The pitches are being scheduled already: wait for the result."))
        return await organiser_pitches(request, form, 409)
    return see_other(f"{ORGANISER_PAGE}?run={job_id}#programme")


async def schedule_progress(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        run = found_or_404(await queries.schedule_run(db, request.path_params["job_id"]))
    return JSONResponse(scheduling.run_view(run), headers={"Cache-Control": "no-store"})


async def move_slot(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    session_id = form.integer("session_id")
    position = form.integer("position")
    async with sessionmaker_of(request)() as db, db.begin():
        slot = found_or_404(await queries.get_slot(db, request.path_params["slot_id"]))
        if session_id is not None and position is not None:
            try:
                # Positions are shown from 1 to the organiser.
                await scheduling.move_slot(db, slot, session_id, position - 1, datetime.now(UTC))
                details = {"session_id": session_id, "position": position}
                await audit.record_action(
                    db, actor_of(request), "pitch.slot_move", "pitch_slot", slot.id, details
                )
            except scheduling.AdjustError as error:
                form.error("position", error.message)
    if not form.ok:
        form.values["slot_id"] = str(request.path_params["slot_id"])
        return await organiser_pitches(request, form, 400)
    return see_other(ORGANISER_PAGE + "#programme")


async def lock_slot(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        slot = found_or_404(await queries.get_slot(db, request.path_params["slot_id"]))
        verb = "lock" if operations.toggle_lock(slot) else "unlock"
        await audit.record_action(db, actor_of(request), f"pitch.slot_{verb}", "pitch_slot", slot.id, {})
    return see_other(ORGANISER_PAGE + "#programme")


async def publish(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        published = await scheduling.publish(db, datetime.now(UTC))
        await audit.record_action(
            db, actor_of(request), "pitch.publish", "pitch_programme", "", {"slots": published}
        )
    return see_other(ORGANISER_PAGE + "?published=1#programme")


async def review_proposal(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        proposal = found_or_404(await queries.get_proposal(db, request.path_params["proposal_id"]))
        status = proposal.status
        reviewed = await operations.review(db, proposal, form, datetime.now(UTC))
        if reviewed:
            details = {"title": proposal.title, "status": [status, proposal.status]}
            await audit.record_action(
                db, actor_of(request), f"pitch.{form.values['decision']}", "pitch", proposal.id, details
            )
            await mail_notify.pitch_reviewed(db, settings_of(request), proposal)
    if not reviewed:
        form.values["proposal_id"] = str(request.path_params["proposal_id"])
        return await organiser_pitches(request, form, 400)
    return see_other(f"{ORGANISER_PAGE}#proposal-{proposal.id}")


async def toggle_call(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        theme = found_or_404(await queries.get_theme(db, request.path_params["theme_id"]))
        is_open = form.values.get("open") == "1"
        await operations.set_call_open(db, theme, is_open)
        verb = "open" if is_open else "close"
        await audit.record_action(
            db, actor_of(request), f"pitch.call_{verb}", "theme", theme.id, {"theme": theme.slug}
        )
    return see_other(ORGANISER_PAGE)
