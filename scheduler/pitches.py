"""The pitch programme scheduler: accepted pitches into the pitch sessions of their theme.

Each session is cut into fixed-length slots. A pitch goes into a slot of a session of its theme, never when
its speaker is in a webinar, never overlapping another pitch of its company (in any session), and stays in
its slot when locked. As many pitches as possible are placed (by priority); then pitches of one sector are
kept apart in each running order; then sessions fill from their first slot. Every pitch left out comes
back with a reason code (see `UnplacedReason`).

    schedule = schedule_pitches(PitchProblem(sessions, pitches, time_limit_s=5))

Steps: analysis (slots, candidates, locks, verdicts reached before the solve) -> CP-SAT model -> solve ->
extract placements -> explain the pitches left out. The model is in `scheduler.pitch_model`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

from scheduler.pitch_analysis import (
    analyse_pitches,
    count_same_sector_neighbours,
    explain_unplaced,
    unplaced_without_solution,
)
from scheduler.pitch_data import (
    Id,
    Interval,
    Pitch,
    PitchProblem,
    PitchSchedule,
    PitchSession,
    Placement,
    SlotRef,
    Unplaced,
    UnplacedReason,
)
from scheduler.pitch_model import build_pitch_model
from scheduler.solving import SolveStatus, solve_model

__all__ = [
    "Interval",
    "Pitch",
    "PitchProblem",
    "PitchSchedule",
    "PitchSession",
    "Placement",
    "SlotRef",
    "SolveStatus",
    "Unplaced",
    "UnplacedReason",
    "schedule_pitches",
]

_NO_SCHEDULE = {
    SolveStatus.NO_SOLUTION: "the solver found no schedule within its time limit",
    SolveStatus.INFEASIBLE: "the solver found the constraints admit no schedule",
}


def schedule_pitches(problem: PitchProblem, stop: threading.Event | None = None) -> PitchSchedule:
    """Place the pitches of `problem`; never raises for a pitch that cannot be placed, but reports it. `stop`,
    set during the solve, ends it early with the best schedule found so far."""
    started = time.perf_counter()
    analysis = analyse_pitches(problem)
    built = build_pitch_model(problem, analysis)
    run = solve_model(
        built.model, time_limit_s=problem.time_limit_s, workers=problem.workers, seed=problem.seed, stop=stop
    )

    if not run.has_solution:
        return PitchSchedule(
            status=run.status,
            placements=(),
            unplaced=unplaced_without_solution(problem, analysis, _NO_SCHEDULE[run.status]),
            same_sector_neighbours=0,
            objective=None,
            bound=None,
            wall_time_s=time.perf_counter() - started,
        )

    placed: dict[Id, SlotRef] = {
        pitch_id: ref
        for (pitch_id, ref), variable in built.assign.items()
        if run.solver.boolean_value(variable)
    }
    return PitchSchedule(
        status=run.status,
        placements=_placements(analysis.slots, placed),
        unplaced=explain_unplaced(problem, analysis, placed),
        same_sector_neighbours=count_same_sector_neighbours(problem, placed),
        objective=round(run.solver.objective_value),
        bound=round(run.solver.best_objective_bound),
        wall_time_s=time.perf_counter() - started,
    )


def _placements(slots: Mapping[SlotRef, Interval], placed: Mapping[Id, SlotRef]) -> tuple[Placement, ...]:
    """The placements in the order of `slots`: sessions in input order, then slot index."""
    holder = {ref: pitch_id for pitch_id, ref in placed.items()}
    return tuple(
        Placement(
            pitch_id=holder[ref],
            session_id=ref.session_id,
            slot_index=ref.slot_index,
            starts_at=span.starts_at,
            ends_at=span.ends_at,
        )
        for ref, span in slots.items()
        if ref in holder
    )
