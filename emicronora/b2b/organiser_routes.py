"""The organiser's side of the brokerage event: figures, meeting slots, scheduler runs with their progress and
review, hand adjustments, publication and the meetings CSV. Thin handlers; organisers only."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora import audit
from emicronora.b2b import organiser_adjust, organiser_figures, organiser_review, organiser_slots, solving
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.mail import notify as mail_notify
from emicronora.models import Meeting, MeetingSlot, SolveRun
from emicronora.programme import queries as programme
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

BASE = "/organiser/b2b"
SLOTS_PAGE = BASE + "/slots"
SCHEDULE_PAGE = BASE + "/schedule"
DEFAULT_TIME_LIMIT_S = 30
RECENT_RUNS = 10


def _now() -> datetime:
    return datetime.now(UTC)


def _back(form: Form, default: str) -> str:
    """Where a hand adjustment returns: a page of this area, never another site."""
    back = form.values.get("back", "")
    if back.startswith(BASE) and "//" not in back and "\\" not in back:
        return back
    return default


async def overview(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        figures = await organiser_figures.figures(db, _now())
        latest = await db.scalar(select(SolveRun).order_by(SolveRun.id.desc()).limit(1))
    return render(request, "b2b/organiser_overview.html", {"figures": figures, "latest": latest})


async def slots_page(request: Request, form: Form | None = None, status_code: int = 200) -> Response:
    require_organiser(request)
    tz = settings_of(request).tz
    async with sessionmaker_of(request)() as db:
        days = await programme.list_days(db)
        by_day = await organiser_slots.slots_by_day(db, tz)
    if form is None:
        form = Form(values={"days": ",".join(str(d.id) for d in days), "start": "14:00", "end": "18:00"})
        form.values["minutes"] = "20"
    notice = ""
    created, skipped = request.query_params.get("created", ""), request.query_params.get("skipped", "")
    if created.isdigit() and skipped.isdigit():
        notice = organiser_slots.Generated(int(created), int(skipped)).message()
    elif request.query_params.get("deleted"):
        notice = _("The slot is deleted.")
    return render(
        request,
        "b2b/organiser_slots.html",
        {
            "form": form,
            "days": days,
            "chosen_days": set(form.values.get("days", "").split(",")),
            "by_day": by_day,
            "notice": notice,
            "local": lambda value: value.astimezone(tz),
        },
        status_code=status_code,
    )


async def generate_slots(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        generated = await organiser_slots.generate(db, form, settings_of(request).tz)
        if generated is not None:
            details = {"created": generated.created, "skipped": generated.skipped}
            await audit.record_action(db, request, "b2b.slots_generate", "meeting_slot", "", details)
    if generated is None:
        return await slots_page(request, form, 400)
    return RedirectResponse(
        f"{SLOTS_PAGE}?created={generated.created}&skipped={generated.skipped}", status_code=303
    )


async def delete_slot(request: Request) -> Response:
    require_organiser(request)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            slot = await db.get(MeetingSlot, request.path_params["slot_id"])
            if slot is None:
                raise HTTPException(404)
            await organiser_slots.delete_slot(db, slot)
            details = {"starts_at": slot.starts_at, "ends_at": slot.ends_at}
            await audit.record_action(db, request, "b2b.slot_delete", "meeting_slot", slot.id, details)
    except organiser_slots.SlotInUse:
        form = Form()
        form.error("slot", _("This slot holds meetings: move them to other slots first."))
        return await slots_page(request, form, 400)
    return RedirectResponse(SLOTS_PAGE + "?deleted=1", status_code=303)


async def schedule_page(request: Request, form: Form | None = None, status_code: int = 200) -> Response:
    require_organiser(request)
    now = _now()
    async with sessionmaker_of(request)() as db:
        runs = list(
            (await db.scalars(select(SolveRun).order_by(SolveRun.id.desc()).limit(RECENT_RUNS))).all()
        )
        counts = await organiser_figures.meeting_counts(db)
    form = form or Form(values={"scope": "unscheduled", "time_limit": str(DEFAULT_TIME_LIMIT_S)})
    return render(
        request,
        "b2b/organiser_schedule.html",
        {
            "form": form,
            "runs": runs,
            "counts": counts,
            "state_of": lambda run: solving.run_state(run, now),
            "min_limit": solving.MIN_TIME_LIMIT_S,
            "max_limit": solving.MAX_TIME_LIMIT_S,
        },
        status_code=status_code,
    )


async def start_run(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    scope = form.choice("scope", ("unscheduled", "all"))
    limit = form.integer("time_limit")
    low, high = solving.MIN_TIME_LIMIT_S, solving.MAX_TIME_LIMIT_S
    if limit is not None and not low <= limit <= high:
        form.error("time_limit", _("Enter a number from %(low)s to %(high)s.", low=low, high=high))
    if not form.ok or limit is None:
        return await schedule_page(request, form, 400)
    try:
        run_id = await solving.start(
            request.app,
            sessionmaker_of(request),
            settings_of(request),
            only_unscheduled=scope == "unscheduled",
            time_limit_s=limit,
        )
    except solving.StartError as error:
        form.error("run", error.message)
        return await schedule_page(request, form, 400)
    # The run is committed by `solving.start` (the solver thread needs it); its entry follows at once.
    async with sessionmaker_of(request)() as db, db.begin():
        details = {"scope": scope, "time_limit_s": limit}
        await audit.record_action(db, request, "b2b.solve_start", "solve_run", run_id, details)
    return RedirectResponse(f"{BASE}/runs/{run_id}", status_code=303)


async def _run(request: Request) -> SolveRun:
    async with sessionmaker_of(request)() as db:
        run = await db.get(SolveRun, request.path_params["run_id"])
    if run is None:
        raise HTTPException(404)
    return run


async def run_page(request: Request) -> Response:
    require_organiser(request)
    run = await _run(request)
    progress = solving.progress_view(run, _now())
    context: dict[str, object] = {"run": run, "progress": progress}
    if progress["done"]:
        async with sessionmaker_of(request)() as db:
            context["review"] = await organiser_review.review(db, settings_of(request).tz, run)
            context["newer"] = await db.scalar(select(SolveRun.id).where(SolveRun.id > run.id).limit(1))
            context["counts"] = await organiser_figures.meeting_counts(db)
    tz = settings_of(request).tz
    context["local"] = lambda value: value.astimezone(tz)
    return render(request, "b2b/organiser_run.html", context)


async def run_progress(request: Request) -> Response:
    require_organiser(request)
    run = await _run(request)
    return JSONResponse(solving.progress_view(run, _now()), headers={"Cache-Control": "no-store"})


async def stop_run(request: Request) -> Response:
    require_organiser(request)
    run_id = request.path_params["run_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        run = await db.get(SolveRun, run_id)
        if run is None:
            raise HTTPException(404)
        if run.status == "running":
            # The worker solving it may be another one: it reads the flag from the row.
            run.stop_requested = True
            await audit.record_action(db, request, "b2b.solve_stop", "solve_run", run_id, {})
    solving.runner_of(request.app).request_stop(run_id)
    return RedirectResponse(f"{BASE}/runs/{run_id}", status_code=303)


async def meeting_page(
    request: Request, error: str = "", status_code: int = 200, back: str | None = None
) -> Response:
    require_organiser(request)
    tz = settings_of(request).tz
    async with sessionmaker_of(request)() as db:
        meeting = await db.get(Meeting, request.path_params["meeting_id"])
        if meeting is None:
            raise HTTPException(404)
        names = await organiser_review.people(db, {meeting.first_id, meeting.second_id})
        labels = {pid: person.name for pid, person in names.items()}
        checks = await organiser_adjust.check_slots(db, meeting, labels)
    current = next((c.slot for c in checks if c.slot.id == meeting.slot_id), None)
    return render(
        request,
        "b2b/organiser_meeting.html",
        {
            "meeting": meeting,
            "first": names.get(meeting.first_id),
            "second": names.get(meeting.second_id),
            "checks": checks,
            "current": current,
            "error": error,
            "back": back or _back(Form(values=dict(request.query_params)), SCHEDULE_PAGE),
            "local": lambda value: value.astimezone(tz),
        },
        status_code=status_code,
    )


async def _adjust(request: Request, action: str) -> Response:
    require_organiser(request)
    form = await read_form(request)
    meeting_id = request.path_params["meeting_id"]
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            meeting = await db.get(Meeting, meeting_id)
            if meeting is None:
                raise HTTPException(404)
            now = _now()
            before = {"slot_id": meeting.slot_id, "is_locked": meeting.is_locked}
            if action == "move":
                slot_id = form.integer("slot_id")
                if slot_id is None:
                    raise organiser_adjust.AdjustError(_("Choose one of the slots."))
                names = await organiser_review.people(db, {meeting.first_id, meeting.second_id})
                labels = {pid: person.name for pid, person in names.items()}
                await organiser_adjust.move(db, meeting, slot_id, labels, now)
            elif action == "unschedule":
                await organiser_adjust.unschedule(db, meeting, now)
            else:
                await organiser_adjust.toggle_lock(db, meeting, now)
            changed = audit.changes(before, {"slot_id": meeting.slot_id, "is_locked": meeting.is_locked})
            await audit.record_action(db, request, f"b2b.meeting_{action}", "meeting", meeting.id, changed)
    except organiser_adjust.AdjustError as error:
        return await meeting_page(request, error.message, 400, _back(form, SCHEDULE_PAGE))
    except IntegrityError:
        # A participant booked the slot between the check and the write.
        message = _("This slot was just taken: choose another one.")
        return await meeting_page(request, message, 409, _back(form, SCHEDULE_PAGE))
    return RedirectResponse(_back(form, f"{BASE}/meetings/{meeting_id}"), status_code=303)


async def move_meeting(request: Request) -> Response:
    return await _adjust(request, "move")


async def unschedule_meeting(request: Request) -> Response:
    return await _adjust(request, "unschedule")


async def lock_meeting(request: Request) -> Response:
    return await _adjust(request, "lock")


async def publish(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            count = await organiser_adjust.publish(db, settings_of(request), _now())
            await audit.record_action(db, request, "b2b.publish", "meeting", "", {"meetings": count})
            await mail_notify.schedule_published(db, settings_of(request), _now())
    except organiser_adjust.AdjustError as error:
        form.error("publish", error.message)
        return await schedule_page(request, form, 400)
    back = _back(form, SCHEDULE_PAGE)
    return RedirectResponse(f"{back}{'&' if '?' in back else '?'}published={count}", status_code=303)


async def meetings_csv(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        body = await organiser_figures.meetings_csv(db, settings_of(request))
    # Names of every participant: never kept by a cache.
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="e-micronora-meetings.csv"',
            "Cache-Control": "no-store",
        },
    )


routes: list[BaseRoute] = [
    Route(BASE, overview, methods=["GET"]),
    Route(SLOTS_PAGE, slots_page, methods=["GET"]),
    Route(SLOTS_PAGE, generate_slots, methods=["POST"]),
    Route(SLOTS_PAGE + "/{slot_id:int}/delete", delete_slot, methods=["POST"]),
    Route(SCHEDULE_PAGE, schedule_page, methods=["GET"]),
    Route(SCHEDULE_PAGE, start_run, methods=["POST"]),
    Route(BASE + "/runs/{run_id:int}", run_page, methods=["GET"]),
    Route(BASE + "/runs/{run_id:int}/progress", run_progress, methods=["GET"]),
    Route(BASE + "/runs/{run_id:int}/stop", stop_run, methods=["POST"]),
    Route(BASE + "/meetings/{meeting_id:int}", meeting_page, methods=["GET"]),
    Route(BASE + "/meetings/{meeting_id:int}/move", move_meeting, methods=["POST"]),
    Route(BASE + "/meetings/{meeting_id:int}/unschedule", unschedule_meeting, methods=["POST"]),
    Route(BASE + "/meetings/{meeting_id:int}/lock", lock_meeting, methods=["POST"]),
    Route(BASE + "/publish", publish, methods=["POST"]),
    Route(BASE + "/meetings.csv", meetings_csv, methods=["GET"]),
]
