"""Runs of the meeting scheduler: started by a request, solved in a worker thread, watched from any worker.

A run is a `SolveRun` row. The engine runs in a thread of the process that started it and reports each better
schedule to an in-memory holder; beside it, a small loop on the event loop writes the latest progress into
the row every half second and reads the row's stop flag, so that the progress bar and the Stop button work
whichever worker serves them, and the event loop never waits for the solver. The result is stored in one
transaction: draft slots for the meetings the run placed, and the run's summary in `result`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from emicronora.b2b import engine, organiser_adjust, solve_results
from emicronora.i18n import _
from emicronora.models import (
    B2BProfile,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    SolveRun,
    Unavailability,
)
from emicronora.settings import Settings

log = logging.getLogger("emicronora.b2b")

PROGRESS_EVERY_S = 0.5
MIN_TIME_LIMIT_S = 5
MAX_TIME_LIMIT_S = 120


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
    task: asyncio.Task[None] | None = None

    def report(self, snapshot: engine.Snapshot) -> None:
        with self.lock:
            self.latest = snapshot

    def snapshot(self) -> engine.Snapshot | None:
        with self.lock:
            return self.latest


class Runner:
    """The runs of one application instance (kept on `app.state`)."""

    def __init__(self) -> None:
        self.live: dict[int, _Live] = {}
        self.starting = asyncio.Lock()

    def request_stop(self, run_id: int) -> None:
        live = self.live.get(run_id)
        if live is not None:
            live.stop.set()

    async def wait(self, run_id: int) -> None:
        live = self.live.get(run_id)
        if live is not None and live.task is not None:
            await asyncio.shield(live.task)

    async def stop_all(self) -> None:
        for run_id in list(self.live):
            self.request_stop(run_id)
        for run_id in list(self.live):
            await self.wait(run_id)


def runner_of(app: Starlette) -> Runner:
    runner = getattr(app.state, "b2b_solve_runner", None)
    if runner is None:
        runner = app.state.b2b_solve_runner = Runner()
    return runner


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
    caps = dict(
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
        tables=await organiser_adjust.tables(db),
        tz=settings.tz,
        time_limit_s=time_limit_s,
    )


async def start(
    app: Starlette,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    only_unscheduled: bool,
    time_limit_s: int,
) -> int:
    """Creates the run and starts solving it in the background; returns its id at once."""
    runner = runner_of(app)
    async with runner.starting:
        now = datetime.now(UTC)
        async with sessionmaker() as db, db.begin():
            running = await organiser_adjust.run_in_progress(db, now)
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
        live = _Live()
        runner.live[run_id] = live
        live.task = asyncio.get_running_loop().create_task(
            _drive(runner, sessionmaker, run_id, plan, live, settings.tz), name=f"b2b-solve-{run_id}"
        )
    return run_id


async def _drive(
    runner: Runner,
    sessionmaker: async_sessionmaker[AsyncSession],
    run_id: int,
    plan: engine.Plan,
    live: _Live,
    tz: ZoneInfo,
) -> None:
    started = time.monotonic()
    try:
        done = anyio.Event()
        outcome: list[engine.Outcome] = []

        async def solve() -> None:
            try:
                outcome.append(await anyio.to_thread.run_sync(engine.solve, plan, live.report, live.stop))
            finally:
                done.set()

        async with anyio.create_task_group() as group:
            group.start_soon(solve)
            while not done.is_set():
                with anyio.move_on_after(PROGRESS_EVERY_S):
                    await done.wait()
                if not done.is_set():
                    await _write_progress(sessionmaker, run_id, plan, live, time.monotonic() - started)
        async with sessionmaker() as db, db.begin():
            await solve_results.store(db, run_id, plan, outcome[0], tz, datetime.now(UTC))
    except Exception:
        log.exception("scheduler run %s failed", run_id)
        await _mark_failed(sessionmaker, run_id)
    finally:
        runner.live.pop(run_id, None)


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
            run.progress = solve_results.progress_record(plan, live.snapshot(), elapsed_s)
            if run.stop_requested:
                live.stop.set()
    except Exception:
        log.warning("scheduler run %s: could not write its progress", run_id, exc_info=True)


def run_state(run: SolveRun, now: datetime) -> str:
    """The run's status, where a run still marked running long after its time limit died with its worker."""
    if run.status == "running" and not organiser_adjust.is_live(run, now):
        return "interrupted"
    return run.status


def progress_view(run: SolveRun, now: datetime) -> dict[str, Any]:
    """What the progress bar shows, as JSON: the best schedule so far, the bound, the time spent."""
    progress = run.progress
    state = run_state(run, now)
    limit = float(str(progress.get("time_limit_s") or 1))
    elapsed = float(str(progress.get("elapsed_s") or 0))
    done = state != "running"
    view: dict[str, Any] = {
        "id": run.id,
        "status": state,
        "done": done,
        "stop_requested": run.stop_requested,
        "elapsed_s": elapsed,
        "time_limit_s": limit,
        "fraction": 1.0 if done else round(min(1.0, elapsed / limit), 3),
        "meetings": progress.get("meetings", 0),
    }
    for key in ("phase", "scheduled_weight", "weight_bound", "total_breaks", "breaks_bound"):
        view[key] = progress.get(key)
    clock = _("%(elapsed)s s of %(limit)s s", elapsed=f"{elapsed:.1f}", limit=f"{limit:.0f}")
    if view["scheduled_weight"] is None:
        text = _("Preparing %(meetings)s meetings…", meetings=view["meetings"])
    else:
        text = _(
            "Best so far: score %(score)s (at most %(bound)s), %(breaks)s breaks",
            score=view["scheduled_weight"],
            bound=view["weight_bound"],
            breaks=view["total_breaks"],
        )
        if view["breaks_bound"] is not None:
            text += " " + _("(at least %(bound)s)", bound=view["breaks_bound"])
    view["text"] = f"{text} · {clock}"
    return view
