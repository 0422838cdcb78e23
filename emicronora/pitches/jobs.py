"""The pitch programme's solve as a durable job: queued by the organiser's request in its transaction, run by
`emicronora worker`, watched from any web worker.

The job reads the programme when it starts (so that it holds what changed while it waited), solves in a child
process (`emicronora.processes`: CP-SAT's threads never slow the worker's event loop), writes the time spent
to the job's progress every half second, and stores the draft slots and the run's summary (the job's
`result`, which the organisers' page shows) in one transaction. One schedule at a time: its active key makes
the database refuse a second one while one is queued or running. A cancelled job stops the solver and changes
nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora import processes
from emicronora.jobs.queue import enqueue
from emicronora.jobs.registry import JobContext, handler
from emicronora.pitches import queries, scheduling, solver
from scheduler import PitchProblem, PitchSchedule

log = logging.getLogger("emicronora.pitches")

SCHEDULE = queries.SCHEDULE_JOB
ACTIVE_KEY = f"{SCHEDULE}@active"
PROGRESS_EVERY_S = 0.5
# CP-SAT answers within its time limit (10 s); a stop ends it at once: a child silent this long is killed.
STOP_GRACE_S = 5.0
SCHEDULE_TIMEOUT_S = 300.0


async def start(db: AsyncSession, user_id: int | None) -> int | None:
    """Queues a schedule in the caller's transaction; None when one is already queued or running."""
    return await enqueue(db, SCHEDULE, {}, active_key=ACTIVE_KEY, max_attempts=3, user_id=user_id)


@handler(SCHEDULE, timeout_s=SCHEDULE_TIMEOUT_S)
async def schedule(context: JobContext, _payload: dict[str, Any]) -> None:
    async with context.sessionmaker() as db:
        problem = await scheduling.build_problem(db)
    result = await _solve(context, problem)
    if result is None:
        return  # cancelled: nothing changes
    async with context.sessionmaker() as db, db.begin():
        stored = await scheduling.store_result(db, result, datetime.now(UTC))
        await context.keep_result(db, stored)


async def _solve(context: JobContext, problem: PitchProblem) -> PitchSchedule | None:
    """The schedule, or None when the job was cancelled during the solve."""
    stop = asyncio.Event()
    started = time.monotonic()
    solving = asyncio.ensure_future(
        processes.run_in_child(solver.solve, problem, stop=stop, grace_s=STOP_GRACE_S)
    )
    limit = max(1, round(problem.time_limit_s))
    try:
        while not solving.done():
            await asyncio.wait({solving}, timeout=PROGRESS_EVERY_S)
            if not solving.done() and await _progress(
                context, min(limit, int(time.monotonic() - started)), limit
            ):
                stop.set()
                await asyncio.wait({solving})
                return None
        return solving.result()
    except asyncio.CancelledError:
        # The worker is stopping (the job goes back to the queue) or cancels the job: the child stops first.
        stop.set()
        with contextlib.suppress(Exception):
            await solving
        raise


async def _progress(context: JobContext, elapsed_s: int, limit_s: int) -> bool:
    """Writes the time spent to the job's row; whether the job was cancelled. A failed write only delays the
    progress bar."""
    try:
        await context.progress(elapsed_s, limit_s)
        return await context.cancel_requested()
    except Exception:
        log.warning("pitch schedule (job %s): could not write its progress", context.job_id, exc_info=True)
        return False
