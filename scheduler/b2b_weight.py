"""The weight phase: as much mandatory and priority weight as possible, up to the b-matching bound.

CP-SAT on the full model first (when it is not too big), hinted with the incumbent, stopped as soon as a
solution reaches the bound; then large-neighbourhood search around unscheduled meetings. A plan that misses
mandatory meetings is repaired by the neighbourhoods too: there, each mandatory meeting weighs more than
all optional ones together.
"""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from scheduler.b2b_lns import LnsSearch, mandatory_score
from scheduler.b2b_model import build_model
from scheduler.b2b_state import SolveState, read_plan
from scheduler.solving import SolveStatus, solve_model

FULL_MODEL_LIMIT = 400_000
"""Largest number of meeting x slot options for which the weight phase builds the full model."""
WEIGHT_SHARE = 0.5
"""Share of the time limit the phase may use once a valid schedule is in hand."""


def maximise_weight(state: SolveState) -> None:
    if _reached(state):
        return
    phase_end = state.started + state.problem.time_limit_s * WEIGHT_SHARE
    options = sum(len(c) for c in state.instance.candidates)
    if options <= FULL_MODEL_LIMIT:
        _full_solve(state, phase_end)
    if state.infeasible or _reached(state):
        return
    if not state.valid() and state.problem.fairness is not None:
        return  # the neighbourhoods need a plan within the fairness bound to start from
    search = LnsSearch(
        instance=state.instance,
        incumbent=state.incumbent,
        objective="weight",
        deadline=phase_end if state.valid() else state.deadline,
        stop=state.stop,
        seed=state.problem.seed,
        target=_score_target(state),
        on_improve=state.report,
    )
    search.run()


def _reached(state: SolveState) -> bool:
    return state.valid() and state.incumbent.weight >= state.weight_bound


def _score_target(state: SolveState) -> int:
    """The incumbent score meaning: every mandatory meeting in, and the weight bound reached."""
    instance = state.instance
    mandatory = [m for m in range(instance.n_meetings) if instance.mandatory[m]]
    optional_bound = state.weight_bound - sum(instance.weight[m] for m in mandatory)
    return mandatory_score(instance) * len(mandatory) + optional_bound


def _full_solve(state: SolveState, phase_end: float) -> None:
    instance = state.instance
    built = build_model(instance, state.incumbent.plan, range(instance.n_meetings), objective="weight")
    if built.infeasible_reason is not None:
        state.infeasible = True
        return
    target = state.weight_bound

    def on_solution(callback: cp_model.CpSolverSolutionCallback) -> None:
        state.offer(read_plan(instance, built, callback.boolean_value))
        if round(callback.objective_value) >= target:
            callback.stop_search()

    end = phase_end if state.valid() else state.deadline
    solved = solve_model(
        built.model,
        time_limit_s=max(0.05, end - time.monotonic()),
        workers=state.problem.workers,
        seed=state.problem.seed,
        stop=state.stop,
        on_solution=on_solution,
        # every meeting mandatory: a pure feasibility search, faster without the LP
        linearization=0 if all(instance.mandatory) else None,
    )
    if solved.status is SolveStatus.INFEASIBLE:
        state.infeasible = True
    elif solved.status is SolveStatus.OPTIMAL:
        state.weight_bound = min(state.weight_bound, round(solved.solver.objective_value))
    elif solved.status is SolveStatus.FEASIBLE:
        state.weight_bound = min(state.weight_bound, math.floor(solved.solver.best_objective_bound + 1e-6))
