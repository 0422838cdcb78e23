"""The breaks phase: fewer breaks, the scheduled weight kept as a floor.

Three kinds of search share the incumbent and the lower bound of the `SolveState`:
- the prover: CP-SAT's core-based search without LP on the full model. It raises the lower bound (each
  core is a set of participants that cannot all be break-free) and often ends with an optimal schedule;
  the model's implied constraints (busy slots count the meetings, span clauses) make it fast;
- large-neighbourhood search (`scheduler.b2b_lns`): a good schedule quickly, and all there is for a large
  fair;
- aimed searches: "find a schedule with at most k breaks" for k at the lower bound or just above, a pure
  SAT search with the tables encoded as sequential counters. It finds low-break schedules that a
  descending search does not reach, and proving "none with k breaks" raises the lower bound.

With two workers the prover has a thread of its own while this one runs a short neighbourhood search and
then aimed searches; when the prover's bound has not moved for a while (`STALL_S`), its thread turns to
aimed searches too, one at k = bound + 1 while this one stays at k = bound. The prover and the aimed searches
only run when the full model is small enough (the published instances are).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from scheduler.b2b_lns import LnsSearch
from scheduler.b2b_model import build_model
from scheduler.b2b_state import SolveState, read_plan
from scheduler.solving import SolveStatus, solve_model

FULL_BREAKS_LIMIT = 60_000
"""Largest number of meeting x slot options for which the full model runs beside the neighbourhoods."""
FIRST_LNS_SHARE = 0.05
"""Share of the remaining time given to the neighbourhood search before the aimed searches start."""
STALL_S = 12.0
"""Seconds without a better bound after which the prover gives its thread to an aimed search."""


class _Either(threading.Event):
    """An event that also counts as set when the solve's own stop event is."""

    def __init__(self, outer: threading.Event) -> None:
        super().__init__()
        self._outer = outer

    def is_set(self) -> bool:
        return super().is_set() or self._outer.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        end = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if end is not None and time.monotonic() >= end:
                return False
            super().wait(0.02)
        return True


@dataclass
class _Phase:
    state: SolveState
    floor: int
    done: _Either
    prover_stalled: bool = False
    bound_moved_at: float = 0.0

    def finished(self) -> bool:
        return self.done.is_set() or self.state.remaining() <= 0.1 or self.state.breaks_proved()


def minimise_breaks(state: SolveState) -> None:
    instance = state.instance
    if max(len(day) for day in instance.days) < 3:
        state.breaks_bound = state.incumbent.total_breaks  # no room for a break
        return
    if state.incumbent.total_breaks == 0:
        state.breaks_bound = 0
        return
    floor = state.incumbent.weight
    if sum(len(c) for c in instance.candidates) > FULL_BREAKS_LIMIT:
        _lns(state, floor, state.deadline, state.stop)
        return

    phase = _Phase(state, floor, _Either(state.stop), bound_moved_at=time.monotonic())
    if state.problem.workers >= 2:
        prover = threading.Thread(target=_prover_thread, args=(phase,), daemon=True)
        prover.start()
        _lns(state, floor, time.monotonic() + FIRST_LNS_SHARE * state.remaining(), phase.done)
        _aim_loop(phase, offset=None)
        phase.done.set()
        prover.join()
    else:
        _prove(phase, until=time.monotonic() + 0.5 * state.remaining(), watch_stall=False)
        _aim_loop(phase, offset=None)


def _prover_thread(phase: _Phase) -> None:
    _prove(phase, until=phase.state.deadline, watch_stall=True)
    if phase.prover_stalled:
        _aim_loop(phase, offset=1)


def _lns(state: SolveState, floor: int, until: float, stop: threading.Event) -> None:
    search = LnsSearch(
        instance=state.instance,
        incumbent=state.incumbent,
        objective="breaks",
        deadline=until,
        stop=stop,
        seed=state.problem.seed + 1,
        weight_floor=floor,
        on_improve=state.report,
        step_limit_s=0.3,
        core=True,
        linearization=0,
    )
    while not stop.is_set() and time.monotonic() < until - 0.05 and not state.breaks_proved():
        search.target = state.breaks_bound
        search.deadline = min(until, time.monotonic() + 0.5)
        search.run()


def _prove(phase: _Phase, *, until: float, watch_stall: bool) -> None:
    """Core-based search on the full model: lower bounds, and solutions offered to the incumbent."""
    state = phase.state
    instance = state.instance
    built = build_model(
        instance,
        state.incumbent.plan,
        range(instance.n_meetings),
        objective="breaks",
        weight_floor=phase.floor,
    )
    halt = _Either(phase.done)

    def on_solution(callback: object) -> None:
        state.offer(read_plan(instance, built, callback.boolean_value))  # type: ignore[attr-defined]
        if state.breaks_proved():
            phase.done.set()

    def on_bound(value: float) -> None:
        phase.bound_moved_at = time.monotonic()
        state.raise_breaks_bound(value)
        if state.breaks_proved():
            phase.done.set()

    def watch() -> None:
        while not halt.wait(0.2):
            if time.monotonic() - max(phase.bound_moved_at, _last_raise(state, phase)) > STALL_S:
                phase.prover_stalled = True
                halt.set()

    if watch_stall:
        threading.Thread(target=watch, daemon=True).start()
    solved = solve_model(
        built.model,
        time_limit_s=max(0.05, until - time.monotonic()),
        workers=1,
        seed=state.problem.seed,
        stop=halt,
        on_solution=on_solution,
        on_bound=on_bound,
        core=True,
        linearization=0,
    )
    halt.set()
    if solved.status is SolveStatus.OPTIMAL:
        state.offer(read_plan(instance, built, solved.solver.boolean_value))
        state.raise_breaks_bound(solved.solver.objective_value)
        phase.done.set()
    elif solved.status is SolveStatus.FEASIBLE:
        state.raise_breaks_bound(solved.solver.best_objective_bound)


def _last_raise(state: SolveState, phase: _Phase) -> float:
    """When the shared bound last rose (by any search); the prover is not stalled while others progress."""
    return phase.bound_moved_at if state.breaks_bound is None else state.bound_raised_at


def _aim_loop(phase: _Phase, *, offset: int | None) -> None:
    """Aimed searches until the phase ends. `offset` 0 or 1 keeps k at bound + offset; None alternates
    between the two, or stays at the bound once the prover's thread has taken bound + 1."""
    tries: dict[tuple[int, int], int] = {}
    turn = 0
    state = phase.state
    while not phase.finished():
        lower = state.breaks_bound or 0
        upper = state.incumbent.total_breaks
        if lower >= upper:
            return
        if offset is not None:
            above = offset
        elif phase.prover_stalled:
            above = 0
        else:
            above = turn % 2
        k = min(lower + above, upper - 1)
        attempt = tries[k, upper] = tries.get((k, upper), -1) + 1
        box_s = 6.0 * 1.5**attempt  # the same search again: give it longer
        status = _aim(phase, k, min(box_s, state.remaining()))
        if status is SolveStatus.INFEASIBLE:
            state.raise_breaks_bound(k + 1)
        turn += 1


def _aim(phase: _Phase, k: int, limit: float) -> SolveStatus:
    """Look for a schedule with at most k breaks (no hint: the incumbent was seen to lead it astray)."""
    state = phase.state
    instance = state.instance
    built = build_model(
        instance,
        state.incumbent.plan,
        range(instance.n_meetings),
        objective="breaks",
        weight_floor=phase.floor,
        counter_tables=True,
        hint=False,
    )
    built.model.add(sum(built.break_exprs.values()) <= k)
    built.model.clear_objective()
    solved = solve_model(
        built.model,
        time_limit_s=max(0.05, limit),
        workers=1,
        seed=state.problem.seed + k,
        stop=phase.done,
        linearization=0,
    )
    if solved.has_solution:
        state.offer(read_plan(instance, built, solved.solver.boolean_value))
        if state.breaks_proved():
            phase.done.set()
    return solved.status
