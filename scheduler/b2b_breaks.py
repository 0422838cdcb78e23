"""The breaks phase: fewer breaks, the scheduled weight kept as a floor.

Three kinds of search share the incumbent and the lower bound of the `SolveState`:
- the prover: CP-SAT's core-based search without LP on the full model. It raises the lower bound (each
  core is a set of participants that cannot all be break-free) and often ends with an optimal schedule;
  the model's implied constraints (busy slots count the meetings, span clauses) make it fast. When the
  tables are tight its bound can stall below the optimum: then CP-SAT's default search with a full LP
  relaxation takes over, whose bound sees the tables;
- local search (`scheduler.b2b_polish`, single moves and swaps, first) and large-neighbourhood search
  (`scheduler.b2b_lns`): a good schedule quickly, and all there is for a large fair;
- aimed searches: "find a schedule with at most k breaks" for k at the lower bound or just above, a pure
  SAT search, mostly with the tables encoded as sequential counters. It finds low-break schedules that a
  descending search does not reach, and proving "none with k breaks" raises the lower bound.

With two workers the prover has a thread of its own while this one runs the local searches and then aimed
searches. When an aimed search has proved a better bound than the prover's and the prover has not moved for
`STALL_S`, the prover's thread turns to aimed searches too; with tight tables, the core search first gives
way to the LP one after `CORE_QUIET_S` without progress. The prover and the aimed searches only run when
the full model is small enough (the published instances are); a large fair gets the local searches alone.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.b2b_instance import Instance
from scheduler.b2b_lns import LnsSearch
from scheduler.b2b_model import BuiltModel, build_model
from scheduler.b2b_polish import polish_breaks
from scheduler.b2b_state import SolveState, read_plan
from scheduler.solving import SolveStatus, solve_model

FULL_BREAKS_LIMIT = 20_000
"""Largest number of meeting x slot options for which the full model runs beside the neighbourhoods."""
POLISH_SHARE = 0.2
"""Most of the remaining time the local search of `scheduler.b2b_polish` may take (it usually stops far
earlier, when no move is left)."""
FIRST_LNS_SHARE = 0.1
"""Share of the remaining time given to the neighbourhood search before the aimed searches start."""
STALL_S = 5.0
"""Seconds without a better bound of its own, while behind, after which the prover gives up its thread."""
CORE_QUIET_S = 10.0
"""Seconds without a better bound after which the core-based prover hands its thread to the LP one, when
the tables are tight."""
TIGHT_TABLES = 0.9
"""Share of the tables that the meetings fill above which the tables, more than the agendas, force breaks."""
LNS_BURST_S = 3.0
"""Neighbourhood search between two aimed searches that found nothing, while the incumbent is far off."""
LINEAR_AIM_S = 3.0
"""Time box of the first aimed search at k = 0, the one with linear tables."""
AIM_BOX_S = 20.0
"""First time box of an aimed search at k >= 1; each restart at the same k, with a fresh seed, gets half as
long again. Short boxes do not pay: on the published instances whose aims are hard, a search that lands
mostly needs 10 to 20 s (single runs), so boxes of 10 s with many restarts were seen to land almost never."""
LNS_SHARE = 0.3
"""Time of neighbourhood and local search after a fruitless aimed search, as a share of the time it took."""


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
    aim_models: dict[bool, tuple[BuiltModel, int]] = field(default_factory=dict)
    """Counter tables or not -> the aimed-search model and the index of its total-breaks variable."""
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
        _polish(state, state.deadline, state.stop)
        burst = 0
        while not state.stop.is_set() and state.remaining() > 0.1 and state.incumbent.total_breaks > 0:
            burst += 1
            _lns(state, floor, time.monotonic() + LNS_BURST_S, state.stop, burst)
            _polish(state, state.deadline, state.stop)
        return

    phase = _Phase(state, floor, _Either(state.stop), bound_moved_at=time.monotonic())
    if state.problem.workers >= 2:
        prover = threading.Thread(target=_prover_thread, args=(phase,), daemon=True)
        prover.start()
        _polish(state, time.monotonic() + POLISH_SHARE * state.remaining(), phase.done)
        _lns(state, floor, time.monotonic() + FIRST_LNS_SHARE * state.remaining(), phase.done)
        _aim_loop(phase, lane=0)
        phase.done.set()
        prover.join()
    else:
        _polish(state, time.monotonic() + POLISH_SHARE * state.remaining(), phase.done)
        _prove(phase, until=time.monotonic() + 0.4 * state.remaining(), watch_stall=False)
        _lns(state, floor, time.monotonic() + 0.3 * state.remaining(), phase.done)
        _aim_loop(phase, lane=0)


def _polish(state: SolveState, until: float, stop: threading.Event) -> None:
    polished, saved = polish_breaks(
        state.instance,
        state.incumbent.plan,
        deadline=until,
        stop=stop,
        # a fresh order at each call, yet the same run from the same plan
        seed=state.problem.seed + state.incumbent.total_breaks,
        fairness=state.problem.fairness,
    )
    if saved:
        state.offer(polished)


def _prover_thread(phase: _Phase) -> None:
    tight = _tight_tables(phase.state.instance)
    _prove(phase, until=phase.state.deadline, watch_stall=True, lp=False, to_lp=tight)
    if tight and phase.prover_stalled and not phase.finished():
        phase.prover_stalled = False
        phase.bound_moved_at = time.monotonic()
        _prove(phase, until=phase.state.deadline, watch_stall=True, lp=True)
    if phase.prover_stalled:
        _aim_loop(phase, lane=1)


def _lns(state: SolveState, floor: int, until: float, stop: threading.Event, burst: int = 0) -> None:
    """Neighbourhood search on breaks until `until`; `burst` numbers the calls, so that a call from an
    incumbent that the previous one left unchanged does not replay the same neighbourhoods."""
    search = LnsSearch(
        instance=state.instance,
        incumbent=state.incumbent,
        objective="breaks",
        deadline=until,
        stop=stop,
        seed=state.problem.seed + 1 + 7919 * burst,
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


def _tight_tables(instance: Instance) -> bool:
    """True when the meetings fill at least `TIGHT_TABLES` of the tables of the slots."""
    if any(capacity is None for capacity in instance.capacity):
        return False
    tables = sum(capacity for capacity in instance.capacity if capacity is not None)
    return instance.n_meetings >= TIGHT_TABLES * tables


def _prove(phase: _Phase, *, until: float, watch_stall: bool, lp: bool = False, to_lp: bool = False) -> None:
    """Core-based search on the full model (or with `lp`, CP-SAT's default search with its richest LP
    relaxation): lower bounds, and solutions offered to the incumbent.

    The two are complementary: cores prove the bounds of instances with several half-days, where a
    participant's meetings leave few compact agendas; the LP proves those of one long session with tight
    tables, where the tables, not the agendas, force the breaks, and where cores stall far below the
    optimum. With `watch_stall`, a search gives way to aimed searches when behind (see `STALL_S`); with
    `to_lp` too (tight tables), the core search gives way to the LP once its bound has not moved for
    `CORE_QUIET_S`."""
    state = phase.state
    instance = state.instance
    built = build_model(
        instance,
        state.incumbent.plan,
        range(instance.n_meetings),
        objective="breaks",
        weight_floor=phase.floor,
    )

    # the bound this search has proved, or had when it started
    own_bound = [state.breaks_bound or 0]

    def stalled() -> bool:
        # behind: an aimed search proved a higher bound than this search, which has not moved since
        behind = state.breaks_bound is not None and own_bound[0] < state.breaks_bound
        quiet = time.monotonic() - phase.bound_moved_at
        given_up = (behind and quiet > STALL_S) or (to_lp and quiet > CORE_QUIET_S)
        phase.prover_stalled = phase.prover_stalled or (watch_stall and given_up)
        return phase.prover_stalled

    def on_solution(callback: cp_model.CpSolverSolutionCallback) -> None:
        state.offer(read_plan(instance, built, callback.boolean_value))
        if state.breaks_proved():
            phase.done.set()

    def on_bound(value: float) -> None:
        phase.bound_moved_at = time.monotonic()
        own_bound[0] = max(own_bound[0], math.ceil(value - 1e-6))
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
        core=not lp,
        linearization=2 if lp else 0,
    )
    if solved.status is SolveStatus.OPTIMAL:
        state.offer(read_plan(instance, built, solved.solver.boolean_value))
        state.raise_breaks_bound(solved.solver.objective_value)
        phase.done.set()
    elif solved.status is SolveStatus.FEASIBLE:
        state.raise_breaks_bound(solved.solver.best_objective_bound)


def _aim_loop(phase: _Phase, *, lane: int) -> None:
    """Aimed searches until the phase ends, at k = bound and k = bound + 1 in turn. (Below the optimum the
    search has to prove that no schedule exists, which is often quick and raises the bound, but not always;
    at the optimum or just above it finds a schedule.) A search whose k goes stale (the bound rose, or
    someone found a schedule with k breaks or fewer) is stopped and the next one aims anew; one that runs out
    of its time box is retried later with another seed and a box half as long again (some seeds do not land
    within a long box where another does), and every other search starts from the incumbent as a hint.
    `lane` 1 starts with bound + 1 and uses other seeds, for a second thread; lane 0 gives the neighbourhood
    and local searches a share of the time between two fruitless aims, so that the schedule returned at the
    time limit is the best they reach, not the one the aims started from.

    The first search at k = 0 is a short one with the tables as linear constraints: it finds break-free
    schedules (where the span clauses leave little to search) several times faster than the counter encoding,
    which does better at k >= 1 and at proofs."""
    tries: dict[int, int] = {}
    state = phase.state
    turn = lane
    bursts = 0
    while not phase.finished():
        offset = turn % 2
        turn += 1
        k = phase.target(offset)
        if k is None:
            return
        attempt = tries[k] = tries.get(k, -1) + 1
        started = time.monotonic()
        if k == 0 and attempt == 0:
            status = _aim(phase, k, offset, lane, LINEAR_AIM_S, counter=False)
        else:
            box = AIM_BOX_S * 1.5**attempt
            hint = (attempt + lane) % 2 == 1
            status = _aim(phase, k, offset, 2 * attempt + lane, box, counter=True, hint=hint)
        if status is SolveStatus.INFEASIBLE:
            state.raise_breaks_bound(k + 1)
            turn = lane  # the bound rose: aim at it first
        elif status is SolveStatus.NO_SOLUTION and lane == 0 and state.incumbent.total_breaks > k + 1:
            # the aim may never land: keep the fallback schedule improving for a share of the time the aim
            # took, so that the schedule returned at the time limit is near the bound whatever the luck
            bursts += 1
            spent = time.monotonic() - started
            until = time.monotonic() + min(max(LNS_BURST_S, LNS_SHARE * spent), 0.25 * state.remaining())
            _lns(state, phase.floor, until, phase.done, bursts)
            _polish(state, until + 0.5, phase.done)


def _aim(
    phase: _Phase, k: int, offset: int, attempt: int, box_s: float, *, counter: bool, hint: bool = False
) -> SolveStatus:
    """Look for a schedule with at most k breaks, with the tables as sequential counters or as linear
    constraints (`counter`). With `hint`, CP-SAT starts from the incumbent: on the hard published instances
    such searches were seen to land where unhinted ones with the same seeds did not, and to be led astray on
    other runs, so the aims take it in turns (a diversification, like the seeds)."""
    state = phase.state
    instance = state.instance
    if hint:
        base, total_index = _aim_model(phase, counter, hint=True)
    else:
        with phase.aim_lock:
            if counter not in phase.aim_models:
                phase.aim_models[counter] = _aim_model(phase, counter, hint=False)
            base, total_index = phase.aim_models[counter]
    model = base.model.clone()
    model.add(model.get_int_var_from_proto_index(total_index) <= k)
    solved = solve_model(
        model,
        time_limit_s=max(0.05, min(box_s, state.remaining())),
        workers=1,
        seed=state.problem.seed + 1009 * attempt + 7 * k,
        stop=_Either(phase.done, lambda: phase.target(offset) != k),
        linearization=0,
    )
    if solved.has_solution:
        state.offer(read_plan(instance, base, solved.solver.boolean_value))
        if state.breaks_proved():
            phase.done.set()
    return solved.status


def _aim_model(phase: _Phase, counter: bool, *, hint: bool) -> tuple[BuiltModel, int]:
    """The full model without objective, and the index of its total-breaks variable."""
    state = phase.state
    instance = state.instance
    with state.incumbent.lock:
        plan = list(state.incumbent.plan)
    built = build_model(
        instance,
        plan,
        range(instance.n_meetings),
        objective="breaks",
        weight_floor=phase.floor,
        counter_tables=counter,
        hint=hint,
    )
    total = built.model.new_int_var(0, instance.n_participants * instance.n_slots, "breaks")
    built.model.add(sum(built.break_exprs.values()) == total)
    built.model.clear_objective()
    return built, total.index
