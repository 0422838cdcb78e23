"""The organiser's side of the brokerage event: figures, meeting slots, scheduler runs with their progress and
review, hand adjustments and publication. Thin handlers; organisers only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emicronora import audit
from emicronora.b2b.scheduling import forms, jobs, operations, progress, queries, review
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Meeting, MeetingSlot, SolveRun
from emicronora.programme import queries as programme
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import get_or_404
from emicronora.web.redirects import safe_next, see_other
from emicronora.web.templating import render

BASE = "/organiser/b2b"
SLOTS_PAGE = BASE + "/slots"
SCHEDULE_PAGE = BASE + "/schedule"
DEFAULT_TIME_LIMIT_S = 30


def _now() -> datetime:
    return datetime.now(UTC)


def _local(request: Request) -> Callable[[datetime], datetime]:
    tz = settings_of(request).tz
    return lambda value: value.astimezone(tz)


def _back(form: Form, default: str) -> str:
    """Where a hand adjustment returns: a page of this area, never another site."""
    back = safe_next(form.values.get("back"), default)
    return back if back.startswith(BASE) and "//" not in back and "\\" not in back else default


async def overview(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        figures = await queries.figures(db, _now())
        latest = await queries.latest_run(db)
    return render(request, "b2b/organiser_overview.html", {"figures": figures, "latest": latest})


# Slots -----------------------------------------------------------------------------------------------------


async def slots_page(request: Request, form: Form | None = None, status_code: int = 200) -> Response:
    require_organiser(request)
    tz = settings_of(request).tz
    async with sessionmaker_of(request)() as db:
        days = await programme.list_days(db)
        by_day = await queries.slots_by_day(db, tz)
    if form is None:
        form = Form(values={"days": ",".join(str(d.id) for d in days), "start": "14:00", "end": "18:00"})
        form.values["minutes"] = "20"
    notice = ""
    created, skipped = request.query_params.get("created", ""), request.query_params.get("skipped", "")
    if created.isdigit() and skipped.isdigit():
        notice = operations.Generated(int(created), int(skipped)).message()
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
            "local": _local(request),
        },
        status_code=status_code,
    )


async def generate_slots(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        generated = await operations.generate(db, form, settings_of(request).tz)
        if generated is not None:
            details = {"created": generated.created, "skipped": generated.skipped}
            await audit.record_action(
                db, actor_of(request), "b2b.slots_generate", "meeting_slot", "", details
            )
    if generated is None:
        return await slots_page(request, form, 400)
    return see_other(f"{SLOTS_PAGE}?created={generated.created}&skipped={generated.skipped}")


async def delete_slot(request: Request) -> Response:
    require_organiser(request)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            slot = await get_or_404(db, MeetingSlot, request.path_params["slot_id"])
            await operations.delete_slot(db, slot)
            details = {"starts_at": slot.starts_at, "ends_at": slot.ends_at}
            await audit.record_action(
                db, actor_of(request), "b2b.slot_delete", "meeting_slot", slot.id, details
            )
    except operations.SlotInUse:
        form = Form()
        form.error("slot", _("This slot holds meetings: move them to other slots first."))
        return await slots_page(request, form, 400)
    return see_other(SLOTS_PAGE + "?deleted=1")


# Runs ------------------------------------------------------------------------------------------------------


async def schedule_page(request: Request, form: Form | None = None, status_code: int = 200) -> Response:
    require_organiser(request)
    now = _now()
    async with sessionmaker_of(request)() as db:
        runs = await queries.recent_runs(db)
        counts = await queries.meeting_counts(db)
    form = form or Form(values={"scope": "unscheduled", "time_limit": str(DEFAULT_TIME_LIMIT_S)})
    return render(
        request,
        "b2b/organiser_schedule.html",
        {
            "form": form,
            "runs": runs,
            "counts": counts,
            "state_of": lambda run: progress.run_state(run, now),
            "min_limit": forms.MIN_TIME_LIMIT_S,
            "max_limit": forms.MAX_TIME_LIMIT_S,
        },
        status_code=status_code,
    )


async def start_run(request: Request) -> Response:
    require_organiser(request)
    form = await read_form(request)
    asked = forms.run_request(form)
    if asked is None:
        return await schedule_page(request, form, 400)
    try:
        # The run, its job and its audit entry: one transaction.
        async with sessionmaker_of(request)() as db, db.begin():
            run_id = await jobs.start(
                db,
                settings_of(request),
                only_unscheduled=asked.only_unscheduled,
                time_limit_s=asked.time_limit_s,
                now=_now(),
            )
            scope = "unscheduled" if asked.only_unscheduled else "all"
            details = {"scope": scope, "time_limit_s": asked.time_limit_s}
            await audit.record_action(db, actor_of(request), "b2b.solve_start", "solve_run", run_id, details)
    except jobs.StartError as error:
        form.error("run", error.message)
        return await schedule_page(request, form, 400)
    return see_other(f"{BASE}/runs/{run_id}")


async def _run(request: Request) -> SolveRun:
    async with sessionmaker_of(request)() as db:
        return await get_or_404(db, SolveRun, request.path_params["run_id"])


async def run_page(request: Request) -> Response:
    require_organiser(request)
    run = await _run(request)
    view = progress.progress_view(run, _now())
    context: dict[str, object] = {"run": run, "progress": view}
    if view["done"]:
        async with sessionmaker_of(request)() as db:
            context["review"] = await review.review(db, settings_of(request).tz, run)
            context["newer"] = await queries.newer_run(db, run)
            context["counts"] = await queries.meeting_counts(db)
    context["local"] = _local(request)
    return render(request, "b2b/organiser_run.html", context)


async def run_progress(request: Request) -> Response:
    require_organiser(request)
    run = await _run(request)
    return JSONResponse(progress.progress_view(run, _now()), headers={"Cache-Control": "no-store"})


async def stop_run(request: Request) -> Response:
    require_organiser(request)
    run_id = request.path_params["run_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        run = await get_or_404(db, SolveRun, run_id)
        # The worker solving it may be another one: it reads the flag from the row.
        if await operations.request_stop(db, run):
            await audit.record_action(db, actor_of(request), "b2b.solve_stop", "solve_run", run_id, {})
    return see_other(f"{BASE}/runs/{run_id}")


# Hand adjustments and publication --------------------------------------------------------------------------


async def meeting_page(
    request: Request, error: str = "", status_code: int = 200, back: str | None = None
) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        meeting = await get_or_404(db, Meeting, request.path_params["meeting_id"])
        names = await queries.people(db, {meeting.first_id, meeting.second_id})
        labels = {pid: person.name for pid, person in names.items()}
        checks = await operations.check_slots(db, meeting, labels)
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
            "local": _local(request),
        },
        status_code=status_code,
    )


async def _adjust(request: Request, action: str) -> Response:
    require_organiser(request)
    form = await read_form(request)
    meeting_id = request.path_params["meeting_id"]
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            meeting = await get_or_404(db, Meeting, meeting_id)
            now = _now()
            before = {"slot_id": meeting.slot_id, "is_locked": meeting.is_locked}
            if action == "move":
                slot_id = form.integer("slot_id")
                if slot_id is None:
                    raise operations.AdjustError(_("Choose one of the slots."))
                names = await queries.people(db, {meeting.first_id, meeting.second_id})
                labels = {pid: person.name for pid, person in names.items()}
                await operations.move(db, meeting, slot_id, labels, now)
            elif action == "unschedule":
                await operations.unschedule(db, meeting, now)
            else:
                await operations.toggle_lock(db, meeting, now)
            changed = audit.changes(before, {"slot_id": meeting.slot_id, "is_locked": meeting.is_locked})
            await audit.record_action(
                db, actor_of(request), f"b2b.meeting_{action}", "meeting", meeting.id, changed
            )
    except operations.AdjustError as error:
        return await meeting_page(request, error.message, 400, _back(form, SCHEDULE_PAGE))
    except IntegrityError:
        # A participant booked the slot between the check and the write.
        message = _("This slot was just taken: choose another one.")
        return await meeting_page(request, message, 409, _back(form, SCHEDULE_PAGE))
    return see_other(_back(form, f"{BASE}/meetings/{meeting_id}"))


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
            count = await operations.publish(db, settings_of(request), _now())
            await audit.record_action(
                db, actor_of(request), "b2b.publish", "meeting", "", {"meetings": count}
            )
            # The participants' mails are written by the worker, a batch per job, queued with the publication.
            await jobs.queue_schedule_mails(db, _now())
    except operations.AdjustError as error:
        form.error("publish", error.message)
        return await schedule_page(request, form, 400)
    back = _back(form, SCHEDULE_PAGE)
    return see_other(f"{back}{'&' if '?' in back else '?'}published={count}")
