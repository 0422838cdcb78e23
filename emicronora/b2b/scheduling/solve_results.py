"""A finished run's result, stored in one transaction: the meetings it placed get draft slots (with their
participants' slots), the run gets its summary. Bookings and unavailability may have changed while the engine
ran: each placement is checked again, and one that no longer holds leaves its meeting without a slot."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.scheduling import engine, operations, queries, review
from emicronora.b2b.scheduling.progress import progress_record
from emicronora.models import Meeting, MeetingSlot, ParticipantSlot, SolveRun, Unavailability

log = logging.getLogger("emicronora.b2b")


async def store(
    db: AsyncSession, run_id: int, plan: engine.Plan, outcome: engine.Outcome, tz: ZoneInfo, now: datetime
) -> None:
    """Writes the run's schedule as draft slots and its summary; a schedule that fails the independent check
    is not written at all."""
    run = await db.get_one(SolveRun, run_id)
    run.finished_at = now
    run.progress = progress_record(plan, None, outcome.elapsed_s) | {
        "scheduled_weight": outcome.scheduled_weight,
        "weight_bound": outcome.weight_bound,
        "total_breaks": outcome.total_breaks,
        "breaks_bound": outcome.breaks_bound,
    }
    if outcome.violations:
        log.error("scheduler run %s: invalid schedule: %s", run_id, "; ".join(outcome.violations))
        run.status, run.result = "failed", {"error": "invalid", "violations": list(outcome.violations)}
        return
    not_placed = list(outcome.not_placed)
    if outcome.has_schedule:
        changed, gone = await _apply(db, plan, outcome.slot_of, run.only_unscheduled, now)
        not_placed = [(m, code) for m, code in not_placed if m not in gone]
        not_placed += [(m, engine.CHANGED) for m in sorted(changed)]
    run.status = "stopped" if run.stop_requested else "done"
    run.result = await _summary(db, outcome, not_placed, tz)


async def _apply(
    db: AsyncSession, plan: engine.Plan, slot_of: Mapping[int, int], only_unscheduled: bool, now: datetime
) -> tuple[set[int], set[int]]:
    """Moves the run's meetings to their new slots. Returns the meetings it could not place because a booking
    or an unavailability changed during the run (they are left without a slot), and those that are gone
    (cancelled, or kept in their slot meanwhile), which it leaves alone."""
    rows = (await db.scalars(select(Meeting).where(Meeting.id.in_(plan.movable)))).all()
    meetings = [
        m
        for m in rows
        if m.status == "scheduled" and not m.is_locked and not (only_unscheduled and m.is_published)
    ]
    gone = set(plan.movable) - {m.id for m in meetings}
    moving = [m for m in meetings if m.slot_id != slot_of.get(m.id)]
    moving_ids = [m.id for m in moving]
    await operations.release(db, moving_ids)
    pairs = {p for m in moving for p in (m.first_id, m.second_id)}
    busy: set[tuple[int, int | None]] = set(
        (
            await db.execute(
                select(ParticipantSlot.profile_id, ParticipantSlot.slot_id).where(
                    ParticipantSlot.profile_id.in_(pairs)
                )
            )
        ).all()
    )
    unavailable = set(
        (
            await db.execute(
                select(Unavailability.profile_id, Unavailability.slot_id).where(
                    Unavailability.profile_id.in_(pairs)
                )
            )
        ).all()
    )
    used = Counter(
        (
            await db.scalars(
                select(Meeting.slot_id).where(
                    Meeting.slot_id.is_not(None), Meeting.status == "scheduled", Meeting.id.not_in(moving_ids)
                )
            )
        ).all()
    )
    limit = await queries.tables(db)
    slots = set((await db.scalars(select(MeetingSlot.id))).all())
    changed = set()
    for meeting in moving:
        target = slot_of.get(meeting.id)
        keys = {(meeting.first_id, target), (meeting.second_id, target)}
        if (
            target is None
            or target not in slots
            or keys & busy
            or keys & unavailable
            or (limit and used[target] >= limit)
        ):
            operations.mark_slot(meeting, None, now)
            if target is not None:
                changed.add(meeting.id)
            continue
        busy |= keys
        used[target] += 1
        operations.book(db, meeting, target)
        operations.mark_slot(meeting, target, now)
    await db.flush()
    return changed, gone


async def _summary(
    db: AsyncSession, outcome: engine.Outcome, not_placed: list[tuple[int, str]], tz: ZoneInfo
) -> dict[str, Any]:
    breaks, counts = await review.distribution(db, tz)
    histogram = Counter(counts.values())
    return {
        "solver_status": outcome.status,
        "placed": await queries.placed_count(db),
        "not_placed": [{"meeting": m, "reason": code} for m, code in not_placed],
        "scheduled_weight": outcome.scheduled_weight,
        "weight_bound": outcome.weight_bound,
        "total_breaks": outcome.total_breaks,
        "breaks_bound": outcome.breaks_bound,
        "elapsed_s": round(outcome.elapsed_s, 2),
        "breaks": {str(p): n for p, n in sorted(breaks.items()) if n},
        "histogram": [
            [meetings, histogram.get(meetings, 0)] for meetings in range(max(histogram, default=0) + 1)
        ],
    }
