"""The B2B meeting scheduler: place accepted meetings in slots, weight first, then as few breaks as possible.

    schedule = schedule_meetings(problem, progress=print_progress, stop=stop_event)

Steps, all within `problem.time_limit_s`:
1. checks that no solve can fix (a mandatory or locked meeting without any slot, clashing locks): infeasible;
2. the bound on the weight (a b-matching, `scheduler.b2b_bound`) and a greedy plan that schedules the
   matched meetings first (`scheduler.b2b_greedy`); it is the answer if nothing better comes;
3. weight (`scheduler.b2b_weight`): unless the greedy plan already reaches the bound, CP-SAT on the full
   model hinted with the plan, then large-neighbourhood search, until the bound is reached or the phase's
   share of the time is spent;
4. breaks (`scheduler.b2b_breaks`), with the weight reached kept as a floor: a prover (core-based, or LP
   when the tables are tight) in a second thread, local search, large-neighbourhood search and aimed
   searches in this one, sharing the incumbent; the phase ends when the lower bound meets the incumbent,
   or at the time limit.

`progress` is called with a `Progress` at each improvement (from this or the solver thread); setting `stop`
ends the solve early with the best schedule so far.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from scheduler.b2b_bound import weight_bound
from scheduler.b2b_breaks import minimise_breaks
from scheduler.b2b_data import (
    Assignment,
    B2BProblem,
    B2BSchedule,
    Progress,
    Timings,
    Unscheduled,
    UnscheduledReason,
)
from scheduler.b2b_greedy import default_order, greedy_plan
from scheduler.b2b_instance import Instance, build_instance
from scheduler.b2b_lns import make_incumbent
from scheduler.b2b_reasons import explain_unscheduled, lock_conflicts, static_reason
from scheduler.b2b_state import SolveState
from scheduler.b2b_weight import maximise_weight
from scheduler.solving import SolveStatus


def schedule_meetings(
    problem: B2BProblem,
    *,
    progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
) -> B2BSchedule:
    """Schedules the meetings of `problem`; a meeting that cannot be placed is reported, never raised."""
    started = time.monotonic()
    instance = build_instance(problem)
    blocked = [
        reason
        for m in range(instance.n_meetings)
        if (instance.mandatory[m] or instance.locked[m] is not None)
        and (reason := static_reason(instance, m)) is not None
    ] + lock_conflicts(instance)
    if blocked:
        return _without_schedule(instance, SolveStatus.INFEASIBLE, blocked, 0, Timings(), started)

    state = SolveState(
        problem=problem,
        instance=instance,
        stop=stop or threading.Event(),
        progress=progress,
        started=started,
        deadline=started + problem.time_limit_s,
        incumbent=make_incumbent(instance, greedy_schedule_plan(instance)),
        weight_bound=0,
    )
    state.weight_bound = min(weight_bound(instance).weight, sum(instance.weight))
    greedy_s = time.monotonic() - started
    state.report()

    state.phase = "weight"
    maximise_weight(state)
    weight_s = time.monotonic() - started - greedy_s
    timings = Timings(greedy_s, weight_s)
    if state.infeasible:
        return _without_schedule(instance, SolveStatus.INFEASIBLE, [], state.weight_bound, timings, started)
    if not state.valid():
        return _without_schedule(instance, SolveStatus.NO_SOLUTION, [], state.weight_bound, timings, started)

    state.phase = "breaks"
    if state.remaining() > 0.05:
        minimise_breaks(state)
    total_s = time.monotonic() - started
    return _schedule(state, Timings(greedy_s, weight_s, total_s - greedy_s - weight_s, total_s))


def greedy_schedule_plan(instance: Instance) -> list[int]:
    """The greedy plan, with the meetings of the weight bound's b-matching taken first."""
    matched = weight_bound(instance).matched
    return greedy_plan(instance, sorted(default_order(instance), key=lambda m: m not in matched))


def _schedule(state: SolveState, timings: Timings) -> B2BSchedule:
    instance = state.instance
    incumbent = state.incumbent
    plan = incumbent.plan
    weight_done = incumbent.weight >= state.weight_bound
    breaks_bound = None if state.breaks_bound is None else min(state.breaks_bound, incumbent.total_breaks)
    return B2BSchedule(
        status=SolveStatus.OPTIMAL if weight_done and state.breaks_proved() else SolveStatus.FEASIBLE,
        assignments=tuple(
            Assignment(meeting.id, instance.problem.slots[t].id)
            for meeting, t in zip(instance.problem.meetings, plan, strict=True)
            if t >= 0
        ),
        unscheduled=tuple(explain_unscheduled(instance, plan)),
        scheduled_weight=incumbent.weight,
        total_breaks=incumbent.total_breaks,
        max_breaks=max(incumbent.breaks, default=0),
        weight_bound=max(state.weight_bound, incumbent.weight),
        breaks_bound=breaks_bound,
        timings=timings,
    )


def _without_schedule(
    instance: Instance,
    status: SolveStatus,
    known: list[Unscheduled],
    bound: int,
    timings: Timings,
    started: float,
) -> B2BSchedule:
    by_meeting = {item.meeting_id: item for item in known}
    detail = (
        "no schedule holds every mandatory and locked meeting"
        if status is SolveStatus.INFEASIBLE
        else "the solver found no schedule within its time limit"
    )
    unscheduled = tuple(
        by_meeting.get(meeting.id) or Unscheduled(meeting.id, UnscheduledReason.NOT_PLACED, detail)
        for meeting in instance.problem.meetings
    )
    return B2BSchedule(
        status=status,
        assignments=(),
        unscheduled=unscheduled,
        scheduled_weight=0,
        total_breaks=0,
        max_breaks=0,
        weight_bound=bound,
        breaks_bound=None,
        timings=Timings(timings.greedy_s, timings.weight_s, 0.0, time.monotonic() - started),
    )
