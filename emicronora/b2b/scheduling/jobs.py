"""Runs of the meeting scheduler: started by a request, solved in a worker thread, watched from any worker.

A run is a `SolveRun` row. The engine runs in a thread of the process that started it and reports each better
schedule to an in-memory holder; beside it, a small loop on the event loop writes the latest progress into
the row every half second and reads the row's stop flag, so that the progress bar and the Stop button work
whichever worker serves them, and the event loop never waits for the solver. The result is stored in one
transaction: draft slots for the meetings the run placed, and the run's summary in `result`.

The runs of a process are tasks of the `TaskRunner` the app's lifespan creates. Its shutdown cancels them,
which a run takes as a request to stop: the engine ends at once and its best schedule is still stored.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.scheduling import engine, queries, solve_results
from emicronora.b2b.scheduling.progress import progress_record
from emicronora.background import TaskRunner
from emicronora.i18n import _
from emicronora.models import B2BProfile, Meeting, MeetingRequest, MeetingSlot, SolveRun, Unavailability
from emicronora.settings import Settings

log = logging.getLogger("emicronora.b2b")

PROGRESS_EVERY_S = 0.5


class StartError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Live:
    """A run this process is solving: the engine's stop switch and the latest progress it reported."""

    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    latest: engine.Snapshot | None = None

    def report(self, snapshot: engine.Snapshot) -> None:
        with self.lock:
            self.latest = snapshot

    def snapshot(self) -> engine.Snapshot | None:
        with self.lock:
            return self.latest


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
    runner: TaskRunner,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    only_unscheduled: bool,
    time_limit_s: int,
) -> int:
    """Creates the run and starts solving it in the background on `runner`; returns its id at once."""
    async with runner.starting:
        now = datetime.now(UTC)
        async with sessionmaker() as db, db.begin():
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
                progress={
                    "time_limit_s": time_limit_s,
                    "elapsed_s": 0.0,
                    "meetings": plan.meeting_count,
                    "kept": len(plan.kept),
                },
                result={},
                started_at=now,
            )
            db.add(run)
            await db.flush()
            run_id = run.id
        runner.start(run_id, _drive(sessionmaker, run_id, plan, settings.tz))
    return run_id


async def _drive(
    sessionmaker: async_sessionmaker[AsyncSession], run_id: int, plan: engine.Plan, tz: ZoneInfo
) -> None:
    live = _Live()
    started = time.monotonic()
    # Neither task is cancelled with this one: a cancelled run still waits for the engine and its result.
    solving = asyncio.ensure_future(asyncio.to_thread(engine.solve, plan, live.report, live.stop))
    finishing = asyncio.ensure_future(_finish(sessionmaker, run_id, plan, solving, tz))
    try:
        while not solving.done():
            await asyncio.wait({solving}, timeout=PROGRESS_EVERY_S)
            if not solving.done():
                await _write_progress(sessionmaker, run_id, plan, live, time.monotonic() - started)
        await asyncio.shield(finishing)
    except asyncio.CancelledError:
        # The app is shutting down: the engine stops with its best schedule, which is stored before the end.
        live.stop.set()
        await finishing
        raise


async def _finish(
    sessionmaker: async_sessionmaker[AsyncSession],
    run_id: int,
    plan: engine.Plan,
    solving: asyncio.Future[engine.Outcome],
    tz: ZoneInfo,
) -> None:
    try:
        outcome = await solving
        async with sessionmaker() as db, db.begin():
            await solve_results.store(db, run_id, plan, outcome, tz, datetime.now(UTC))
    except Exception:
        log.exception("scheduler run %s failed", run_id)
        await _mark_failed(sessionmaker, run_id)


async def _mark_failed(sessionmaker: async_sessionmaker[AsyncSession], run_id: int) -> None:
    try:
        async with sessionmaker() as db, db.begin():
            run = await db.get_one(SolveRun, run_id)
            run.status, run.finished_at, run.result = "failed", datetime.now(UTC), {"error": "crashed"}
    except Exception:
        log.exception("scheduler run %s: could not record the failure", run_id)


async def _write_progress(
    sessionmaker: async_sessionmaker[AsyncSession],
    run_id: int,
    plan: engine.Plan,
    live: _Live,
    elapsed_s: float,
) -> None:
    """Writes the latest progress into the row and passes on a stop asked through it (from any worker). A
    failed write only delays the progress bar: the solve goes on."""
    try:
        async with sessionmaker() as db, db.begin():
            run = await db.get_one(SolveRun, run_id)
            run.progress = progress_record(plan, live.snapshot(), elapsed_s)
            if run.stop_requested:
                live.stop.set()
    except Exception:
        log.warning("scheduler run %s: could not write its progress", run_id, exc_info=True)
