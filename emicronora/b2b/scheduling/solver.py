"""The engine's run as the solver's child process executes it: the plan in, progress snapshots and the outcome
out, all plain dataclasses. It imports the scheduler and nothing of the web application (no database, no
translations), so that the child process starts quickly; engine.py builds the plan and reads the outcome."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from scheduler.b2b_data import B2BProblem, Id, Progress
from scheduler.b2b_solve import schedule_meetings
from scheduler.b2b_validate import validate_assignments

SCHEDULED = ("optimal", "feasible")


@dataclass(frozen=True)
class Plan:
    """One scheduler run's input. `movable` are the meetings the run may place, move or leave out."""

    problem: B2BProblem
    kept: frozenset[int]
    movable: frozenset[int]

    @property
    def meeting_count(self) -> int:
        return len(self.problem.meetings)

    @property
    def time_limit_s(self) -> float:
        return self.problem.time_limit_s


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The best schedule's terms so far, as the progress bar shows them."""

    phase: str
    scheduled_weight: int
    weight_bound: int
    total_breaks: int
    breaks_bound: int | None
    elapsed_s: float


@dataclass(frozen=True)
class Outcome:
    """The engine's answer. `slot_of` holds every scheduled meeting (kept ones included), `not_placed` the
    others with the engine's reason code, `violations` what the independent check found wrong (or nothing)."""

    status: str
    slot_of: Mapping[int, int]
    not_placed: tuple[tuple[int, str], ...]
    scheduled_weight: int
    weight_bound: int
    total_breaks: int
    breaks_bound: int | None
    elapsed_s: float
    violations: tuple[str, ...]

    @property
    def has_schedule(self) -> bool:
        return self.status in SCHEDULED


def solve(plan: Plan, on_progress: Callable[[Snapshot], None], stop: threading.Event) -> Outcome:
    """Runs the engine (blocking: call it from a worker thread); solver threads call `on_progress`."""

    def report(progress: Progress) -> None:
        on_progress(
            Snapshot(
                phase=progress.phase,
                scheduled_weight=progress.scheduled_weight,
                weight_bound=progress.weight_bound,
                total_breaks=progress.total_breaks,
                breaks_bound=progress.breaks_bound,
                elapsed_s=progress.elapsed_s,
            )
        )

    schedule = schedule_meetings(plan.problem, progress=report, stop=stop)
    slot_of: dict[Id, Id] = {int(a.meeting_id): int(a.slot_id) for a in schedule.assignments}
    status = str(schedule.status)
    # Without a schedule (infeasible, nothing found in time) there is nothing to check or to store.
    violations = validate_assignments(plan.problem, slot_of).violations if status in SCHEDULED else ()
    return Outcome(
        status=status,
        slot_of={int(meeting): int(slot) for meeting, slot in slot_of.items()},
        not_placed=tuple((int(u.meeting_id), str(u.reason)) for u in schedule.unscheduled),
        scheduled_weight=schedule.scheduled_weight,
        weight_bound=schedule.weight_bound,
        total_breaks=schedule.total_breaks,
        breaks_bound=schedule.breaks_bound,
        elapsed_s=schedule.timings.total_s,
        violations=violations,
    )
