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
from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.b2b_lns import LnsSearch
from scheduler.b2b_model import BuiltModel, build_model
from scheduler.b2b_state import SolveState, read_plan
from scheduler.solving import SolveStatus, solve_model

FULL_BREAKS_LIMIT = 20_000
"""Largest number of meeting x slot options for which the full model runs beside the neighbourhoods."""
FIRST_LNS_SHARE = 0.1
"""Share of the remaining time given to the neighbourhood search before the aimed searches start."""
STALL_S = 12.0
"""Seconds without a better bound after which the prover gives its thread to an aimed search."""
AIM_BOX_S = 8.0
"""First time box of an aimed search; each restart at the same k gets half as long again."""


class _Either(threading.Event):
    """An event that also counts as set when `outer` is, or when `also()` is true (polled)."""

    def __init__(self, outer: threading.Event, also: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self._outer = outer
        self._also = also

    def is_set(self) -> bool:
        return super().is_set() or self._outer.is_set() or (self._also is not None and self._also())

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
    aim_model: BuiltModel | None = None
    aim_total: int = -1
    aim_lock: threading.Lock = field(default_factory=threading.Lock)

    def finished(self) -> bool:
        return self.done.is_set() or self.state.remaining() <= 0.1 or self.state.breaks_proved()

    def target(self, offset: int) -> int | None:
        """k for an aimed search at bound + offset; None when no schedule better than the incumbent is left."""
        lower = self.state.breaks_bound or 0
        upper = self.state.incumbent.total_breaks
        if lower >= upper:
            return None
        return min(lower + offset, upper - 1)


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
        _aim_loop(phase, offset=0)
        phase.done.set()
        prover.join()
    else:
        _prove(phase, until=time.monotonic() + 0.4 * state.remaining(), watch_stall=False)
        _lns(state, floor, time.monotonic() + 0.3 * state.remaining(), phase.done)
        _aim_loop(phase, offset=1)


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

    def stalled() -> bool:
        quiet = time.monotonic() - max(phase.bound_moved_at, state.bound_raised_at)
        phase.prover_stalled = phase.prover_stalled or (watch_stall and quiet > STALL_S)
        return phase.prover_stalled

    def on_solution(callback: object) -> None:
        state.offer(read_plan(instance, built, callback.boolean_value))  # type: ignore[attr-defined]
        if state.breaks_proved():
            phase.done.set()

    def on_bound(value: float) -> None:
        phase.bound_moved_at = time.monotonic()
        state.raise_breaks_bound(value)
        if state.breaks_proved():
            phase.done.set()

    solved = solve_model(
        built.model,
        time_limit_s=max(0.05, until - time.monotonic()),
        workers=1,
        seed=state.problem.seed,
        stop=_Either(phase.done, stalled),
        on_solution=on_solution,
        on_bound=on_bound,
        core=True,
        linearization=0,
    )
    if solved.status is SolveStatus.OPTIMAL:
        state.offer(read_plan(instance, built, solved.solver.boolean_value))
        state.raise_breaks_bound(solved.solver.objective_value)
        phase.done.set()
    elif solved.status is SolveStatus.FEASIBLE:
        state.raise_breaks_bound(solved.solver.best_objective_bound)


def _aim_loop(phase: _Phase, *, offset: int) -> None:
    """Aimed searches at k = bound + offset until the phase ends. A search whose k goes stale (the bound
    rose, or someone found a schedule with k breaks or fewer) is stopped and the next one aims anew; one
    that runs out of its time box restarts with another seed and a box half as long again (run times of
    such searches are heavy-tailed: a restart often succeeds where a long run does not)."""
    tries: dict[int, int] = {}
    while not phase.finished():
        k = phase.target(offset)
        if k is None:
            return
        attempt = tries[k] = tries.get(k, -1) + 1
        status = _aim(phase, k, offset, attempt, AIM_BOX_S * 1.5**attempt)
        if status is SolveStatus.INFEASIBLE:
            phase.state.raise_breaks_bound(k + 1)


def _aim(phase: _Phase, k: int, offset: int, attempt: int, box_s: float) -> SolveStatus:
    """Look for a schedule with at most k breaks (no hint: the incumbent was seen to lead it astray)."""
    state = phase.state
    instance = state.instance
    with phase.aim_lock:
        if phase.aim_model is None:
            phase.aim_model = build_model(
                instance,
                state.incumbent.plan,
                range(instance.n_meetings),
                objective="breaks",
                weight_floor=phase.floor,
                counter_tables=True,
                hint=False,
            )
            total = phase.aim_model.model.new_int_var(0, instance.n_participants * instance.n_slots, "breaks")
            phase.aim_model.model.add(sum(phase.aim_model.break_exprs.values()) == total)
            phase.aim_model.model.clear_objective()
            phase.aim_total = total.index
        base = phase.aim_model
    model = base.model.clone()
    model.add(model.get_int_var_from_proto_index(phase.aim_total) <= k)
    solved = solve_model(
        model,
        time_limit_s=max(0.05, min(box_s, state.remaining())),
        workers=1,
        seed=state.problem.seed + 1009 * attempt + 7 * k + offset,
        stop=_Either(phase.done, lambda: phase.target(offset) != k),
        linearization=0,
    )
    if solved.has_solution:
        state.offer(read_plan(instance, base, solved.solver.boolean_value))
        if state.breaks_proved():
            phase.done.set()
    return solved.status
