"""Runs of the meeting scheduler and the mails of a publication: queued by a request in its own transaction,
executed by `emicronora worker`, watched from any web worker.

A run is a `SolveRun` row and a `b2b.solve` job queued beside it. The job solves in a child process
(`emicronora.processes`), so that neither the web's nor the worker's event loop waits for the pure-Python
search; every half second it writes the latest progress into the row and reads the row's stop flag, so that
the progress bar and the Stop button work whichever web worker serves them. The result is stored in one
transaction: draft slots for the meetings the run placed, and the run's summary in `result`. A worker that
stops (or a cancelled job) stops the engine and still stores its best schedule; a worker killed during a run
leaves its job to another worker, which solves again from the start.

Publishing queues one `b2b.schedule_mails` job per batch of recipients: each writes its participants'
messages (with their agenda as an .ics file) to the outbox, and a batch that runs twice writes nothing twice
(each message's dedupe key: the participant and their agenda).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora import processes
from emicronora.b2b.scheduling import engine, queries, solve_results
from emicronora.b2b.scheduling.progress import progress_record
from emicronora.i18n import _
from emicronora.jobs.queue import enqueue
from emicronora.jobs.registry import JobContext, handler
from emicronora.mail import notify as mail_notify
from emicronora.models import B2BProfile, Meeting, MeetingRequest, MeetingSlot, SolveRun, Unavailability
from emicronora.settings import Settings

log = logging.getLogger("emicronora.b2b")

SOLVE = "b2b.solve"
SCHEDULE_MAILS = "b2b.schedule_mails"
ACTIVE_KEY = f"{SOLVE}@active"
PROGRESS_EVERY_S = 0.5
# How long the engine gets to hand back its best schedule once asked to stop, before its process is killed.
STOP_GRACE_S = 20.0
# The longest time limit (120 s), the engine's set-up and the storing of a large schedule, with room to spare.
SOLVE_TIMEOUT_S = 900.0
MAIL_BATCH = 200
FINISHED = ("done", "stopped")


class StartError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Latest:
    """The engine's latest progress snapshot, as the child process reports it."""

    def __init__(self) -> None:
        self.snapshot: engine.Snapshot | None = None

    def report(self, snapshot: engine.Snapshot) -> None:
        self.snapshot = snapshot


async def load_plan(
    db: AsyncSession, settings: Settings, *, only_unscheduled: bool, time_limit_s: float
) -> engine.Plan:
    """Every accepted meeting that is not cancelled; published ones are kept in their slot when only the
    unscheduled meetings are to be placed, locked ones always."""
    slots = list((await db.scalars(select(MeetingSlot))).all())
    rows = (
        await db.execute(
            select(Meeting, MeetingRequest.priority)
            .join(MeetingRequest, MeetingRequest.id == Meeting.request_id)
            .where(Meeting.status == "scheduled", MeetingRequest.status == "accepted")
            .order_by(Meeting.id)
        )
    ).all()
    meetings = [
        engine.MeetingRow(
            id=m.id,
            first_id=m.first_id,
            second_id=m.second_id,
            slot_id=m.slot_id,
            priority=priority,
            kept=m.slot_id is not None and (m.is_locked or (only_unscheduled and m.is_published)),
        )
        for m, priority in rows
    ]
    profile_ids = {p for m in meetings for p in (m.first_id, m.second_id)}
    caps: dict[int, int | None] = dict(
        (
            await db.execute(
                select(B2BProfile.id, B2BProfile.max_meetings).where(B2BProfile.id.in_(profile_ids))
            )
        ).all()
    )
    unavailable: dict[int, set[int]] = {}
    for profile_id, slot_id in (
        await db.execute(
            select(Unavailability.profile_id, Unavailability.slot_id).where(
                Unavailability.profile_id.in_(profile_ids)
            )
        )
    ).all():
        unavailable.setdefault(profile_id, set()).add(slot_id)
    return engine.build_plan(
        slots,
        meetings,
        caps=caps,
        unavailable=unavailable,
        tables=await queries.tables(db),
        tz=settings.tz,
        time_limit_s=time_limit_s,
    )


async def start(
    db: AsyncSession, settings: Settings, *, only_unscheduled: bool, time_limit_s: int, now: datetime
) -> int:
    """Creates the run and queues its job in the caller's transaction (both or neither); returns its id."""
    running = await queries.run_in_progress(db, now)
    if running is not None:
        raise StartError(_("A run is in progress: wait for it to finish or stop it."))
    plan = await load_plan(db, settings, only_unscheduled=only_unscheduled, time_limit_s=time_limit_s)
    if not plan.problem.slots:
        raise StartError(_("Define the meeting slots first."))
    if not plan.meeting_count:
        raise StartError(_("There is no accepted meeting to schedule."))
    if not plan.movable:
        raise StartError(_("Every accepted meeting is already published or locked in its slot."))
    run = SolveRun(
        status="running",
        only_unscheduled=only_unscheduled,
        progress=progress_record(plan, None, 0.0),
        result={},
        started_at=now,
    )
    db.add(run)
    await db.flush()
    # One attempt after a failure: the run shows the error; a worker that dies leaves the job to another one.
    # The active key makes it one run at a time, even when two organisers start one at the same moment from
    # two web workers: the database keeps one of the jobs, and the other run is rolled back with its request.
    queued = await enqueue(
        db, SOLVE, {"run_id": run.id}, key=f"{SOLVE}:{run.id}", max_attempts=2, active_key=ACTIVE_KEY
    )
    if queued is None:
        raise StartError(_("A run is in progress: wait for it to finish or stop it."))
    return run.id


async def run_cancelled(db: AsyncSession, payload: dict[str, Any]) -> None:
    """A run whose job was cancelled before a worker took it: nothing solved; the next run may start."""
    run = await db.get(SolveRun, int(payload["run_id"]))
    if run is not None and run.status == "running":
        run.status, run.finished_at = "cancelled", datetime.now(UTC)


@handler(SOLVE, timeout_s=SOLVE_TIMEOUT_S, on_cancel=run_cancelled)
async def solve_run(context: JobContext, payload: dict[str, Any]) -> None:
    """Solves the run from its row: the plan is read again now, so that it holds what changed while queued."""
    run_id = int(payload["run_id"])
    sessionmaker, settings = context.sessionmaker, context.settings
    async with sessionmaker() as db, db.begin():
        run = await db.get(SolveRun, run_id)
        if run is None or run.status in FINISHED:
            return  # stored already (by a worker that stopped after storing it)
        time_limit_s = float(str(run.progress.get("time_limit_s") or 30))
        plan = await load_plan(db, settings, only_unscheduled=run.only_unscheduled, time_limit_s=time_limit_s)
        run.status, run.started_at, run.finished_at, run.result = "running", datetime.now(UTC), None, {}
        run.progress = progress_record(plan, None, 0.0)
    try:
        outcome = await _solve(context, run_id, plan)
    except Exception:
        log.exception("scheduler run %s failed", run_id)
        await _mark_failed(sessionmaker, run_id)
        raise
    async with sessionmaker() as db, db.begin():
        await solve_results.store(db, run_id, plan, outcome, settings.tz, datetime.now(UTC))


async def _solve(context: JobContext, run_id: int, plan: engine.Plan) -> engine.Outcome:
    latest, stop = _Latest(), asyncio.Event()
    started = time.monotonic()
    # Not cancelled with this job: a cancelled job still waits for the engine's best schedule.
    solving = asyncio.ensure_future(
        processes.run_in_child(engine.solve, plan, on_progress=latest.report, stop=stop, grace_s=STOP_GRACE_S)
    )
    try:
        while not solving.done():
            await asyncio.wait({solving}, timeout=PROGRESS_EVERY_S)
            if not solving.done():
                elapsed_s = time.monotonic() - started
                if await _write_progress(context, run_id, plan, latest, elapsed_s):
                    stop.set()
        return solving.result()
    except asyncio.CancelledError:
        # The worker is stopping, or the job was cancelled: the engine stops with its best schedule, which
        # is stored before the end.
        stop.set()
        try:
            outcome = await solving
            async with context.sessionmaker() as db, db.begin():
                await solve_results.store(db, run_id, plan, outcome, context.settings.tz, datetime.now(UTC))
        except Exception:
            log.exception("scheduler run %s: could not store its schedule when stopping", run_id)
            await _mark_failed(context.sessionmaker, run_id)
        raise


async def _mark_failed(sessionmaker: async_sessionmaker[AsyncSession], run_id: int) -> None:
    try:
        async with sessionmaker() as db, db.begin():
            run = await db.get_one(SolveRun, run_id)
            run.status, run.finished_at, run.result = "failed", datetime.now(UTC), {"error": "crashed"}
    except Exception:
        log.exception("scheduler run %s: could not record the failure", run_id)


async def _write_progress(
    context: JobContext, run_id: int, plan: engine.Plan, latest: _Latest, elapsed_s: float
) -> bool:
    """Writes the latest progress into the run's row and the job's; whether a stop was asked through the
    row (from any web worker) or the job was cancelled. A failed write only delays the progress bar."""
    try:
        async with context.sessionmaker() as db, db.begin():
            run = await db.get_one(SolveRun, run_id)
            run.progress = progress_record(plan, latest.snapshot, elapsed_s)
            stop = run.stop_requested
        await context.progress(int(min(elapsed_s, plan.time_limit_s)), int(plan.time_limit_s))
        return stop or await context.cancel_requested()
    except Exception:
        log.warning("scheduler run %s: could not write its progress", run_id, exc_info=True)
        return False


# Publication -----------------------------------------------------------------------------------------------


async def queue_schedule_mails(db: AsyncSession, now: datetime) -> int:
    """Queues, in the caller's transaction, the mails of the participants with a published meeting: one job
    per batch of `MAIL_BATCH` of them. Returns how many jobs."""
    user_ids = await mail_notify.schedule_recipients(db)
    batches = [user_ids[i : i + MAIL_BATCH] for i in range(0, len(user_ids), MAIL_BATCH)]
    stamp = now.isoformat()
    for number, batch in enumerate(batches):
        payload = {"user_ids": batch, "published_at": stamp}
        await enqueue(db, SCHEDULE_MAILS, payload, key=f"{SCHEDULE_MAILS}:{stamp}:{number}")
    return len(batches)


@handler(SCHEDULE_MAILS)
async def schedule_mails(context: JobContext, payload: dict[str, Any]) -> None:
    """One batch's messages, in one transaction; a message already queued (the same participant and agenda)
    is left out, so a batch run again after its worker died sends nobody a second one."""
    user_ids = [int(user_id) for user_id in payload["user_ids"]]
    async with context.sessionmaker() as db, db.begin():
        await mail_notify.schedule_published(db, context.settings, datetime.now(UTC), user_ids)
