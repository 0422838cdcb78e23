"""The breaks phase: fewer breaks, the scheduled weight kept as a floor.

Three searches share the incumbent and the lower bound of the `SolveState`:
- the prover (its own thread): CP-SAT's core-based search without LP on the full model. It raises the lower
  bound (each core is a set of participants that cannot all be break-free) and often ends with an optimal
  schedule; the model's implied constraints (busy slots count the meetings, span clauses) make it fast;
- large-neighbourhood search (`scheduler.b2b_lns`), for a good schedule quickly and for large fairs;
- aimed searches: "find a schedule with at most k breaks" for k from the lower bound upwards, a pure SAT
  search with the tables encoded as sequential counters, which finds low-break schedules that a descending
  search does not reach. One that proves "no schedule with k breaks" raises the lower bound.
The prover and the aimed searches only run when the full model is small enough (the published instances);
a large fair gets the neighbourhood search alone.
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
FIRST_LNS_SHARE = 0.15
"""Share of the remaining time given to the neighbourhood search before the aimed searches start."""


def minimise_breaks(state: SolveState) -> None:
    instance = state.instance
    if max(len(day) for day in instance.days) < 3:
        state.breaks_bound = state.incumbent.total_breaks  # no room for a break
        return
    if state.incumbent.total_breaks == 0:
        state.breaks_bound = 0
        return
    floor = state.incumbent.weight
    options = sum(len(c) for c in instance.candidates)
    if options > FULL_BREAKS_LIMIT:
        _lns(state, floor, state.deadline, state.stop)
        return

    done = _Either(state.stop)
    if state.problem.workers >= 2:
        prover = threading.Thread(target=_prove, args=(state, floor, done, state.deadline), daemon=True)
        prover.start()
        _search(state, floor, done)
        done.set()
        prover.join()
    else:
        _prove(state, floor, done, time.monotonic() + 0.6 * state.remaining())
        if not done.is_set():
            _search(state, floor, done)


class _Either(threading.Event):
    """An event that also counts as set when the solve's own stop event is."""

    def __init__(self, outer: threading.Event) -> None:
        super().__init__()
        self._outer = outer

    def is_set(self) -> bool:
        return super().is_set() or self._outer.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        step = 0.02
        end = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            if end is not None and time.monotonic() >= end:
                return False
            super().wait(step)
        return True


def _search(state: SolveState, floor: int, done: _Either) -> None:
    first = time.monotonic() + FIRST_LNS_SHARE * state.remaining()
    _lns(state, floor, first, done)
    aim = _Aim(state, floor, done)
    while not done.is_set() and state.remaining() > 0.1 and not state.breaks_proved():
        aim.step()
    if state.breaks_proved():
        done.set()


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


def _prove(state: SolveState, floor: int, done: threading.Event, until: float) -> None:
    """Core-based search on the full model: lower bounds, and solutions offered to the incumbent."""
    instance = state.instance
    built = build_model(
        instance, state.incumbent.plan, range(instance.n_meetings), objective="breaks", weight_floor=floor
    )

    def on_solution(callback: object) -> None:
        state.offer(read_plan(instance, built, callback.boolean_value))  # type: ignore[attr-defined]
        if state.breaks_proved():
            done.set()

    def on_bound(value: float) -> None:
        state.raise_breaks_bound(value)
        if state.breaks_proved():
            done.set()

    solved = solve_model(
        built.model,
        time_limit_s=max(0.05, until - time.monotonic()),
        workers=1,
        seed=state.problem.seed,
        stop=done,
        on_solution=on_solution,
        on_bound=on_bound,
        core=True,
        linearization=0,
    )
    if solved.status is SolveStatus.OPTIMAL:
        state.offer(read_plan(instance, built, solved.solver.boolean_value))
        state.raise_breaks_bound(solved.solver.objective_value)
        done.set()
    elif solved.status is SolveStatus.FEASIBLE:
        state.raise_breaks_bound(solved.solver.best_objective_bound)


@dataclass
class _Aim:
    """Aimed searches: at most `k` breaks, k from the lower bound up, each within a time box."""

    state: SolveState
    floor: int
    done: _Either
    k: int | None = None
    box_s: float = 4.0

    def step(self) -> None:
        state = self.state
        lower = state.breaks_bound or 0
        upper = state.incumbent.total_breaks
        if lower >= upper:
            return
        k = lower if self.k is None else min(max(self.k, lower), upper - 1)
        limit = min(self.box_s, state.remaining())
        status = self._solve(k, limit)
        if status is SolveStatus.INFEASIBLE:
            state.raise_breaks_bound(k + 1)
            self.k = k + 1
        elif status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            self.k = None
            self.box_s *= 1.5
        elif k + 1 < state.incumbent.total_breaks:
            self.k = k + 1
        else:
            self.k = None
            self.box_s *= 2

    def _solve(self, k: int, limit: float) -> SolveStatus:
        instance = self.state.instance
        built = build_model(
            instance,
            self.state.incumbent.plan,
            range(instance.n_meetings),
            objective="breaks",
            weight_floor=self.floor,
            counter_tables=True,
        )
        built.model.add(sum(built.break_exprs.values()) <= k)
        built.model.clear_objective()
        solved = solve_model(
            built.model,
            time_limit_s=max(0.05, limit),
            workers=max(1, self.state.problem.workers - 1),
            seed=self.state.problem.seed + k,
            stop=self.done,
            linearization=0,
        )
        if solved.has_solution:
            self.state.offer(read_plan(instance, built, solved.solver.boolean_value))
        return solved.status
