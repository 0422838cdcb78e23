"""What every scheduler of the package shares: the solve status it reports and one way to run CP-SAT.

CP-SAT objects stay inside the package: a scheduler builds its model, calls `solve_model`, reads values only
when `SolverRun.has_solution` is true, and returns its own frozen dataclasses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ortools.sat.python import cp_model


class SolveStatus(StrEnum):
    """How far the solver got. Equal to its string value, so `status == "optimal"` holds."""

    OPTIMAL = "optimal"
    """The schedule is proved best for the objective."""
    FEASIBLE = "feasible"
    """A valid schedule, but the time limit stopped the proof that none is better."""
    INFEASIBLE = "infeasible"
    """The constraints admit no schedule at all."""
    NO_SOLUTION = "no_solution"
    """The time limit ran out before any schedule was found."""


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
}


@dataclass(frozen=True, slots=True)
class SolverRun:
    """A finished CP-SAT run. For use inside the package only."""

    status: SolveStatus
    solver: cp_model.CpSolver

    @property
    def has_solution(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def solve_model(
    model: cp_model.CpModel,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    stop: threading.Event | None = None,
    on_solution: Callable[[cp_model.CpSolverSolutionCallback], None] | None = None,
    on_bound: Callable[[float], None] | None = None,
    subsolvers: Sequence[str] = (),
    core: bool = False,
    linearization: int | None = None,
) -> SolverRun:
    """Solve `model` under a time limit. One worker and a fixed seed give the same answer on every run.

    `stop`, when set during the solve, ends it early with the best solution found so far. `on_solution` is
    called (from a solver thread) with each improving solution, `on_bound` with each improved objective bound.
    `subsolvers` names the CP-SAT workers to run; `core` asks for core-based (lower bound first) search;
    `linearization` sets how much of the model goes into the LP relaxation (0: none, a pure SAT search).
    A model that CP-SAT rejects as invalid is a bug of the scheduler that built it: it raises RuntimeError.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.001)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if subsolvers:
        solver.parameters.subsolvers.extend(subsolvers)
    if core:
        solver.parameters.optimize_with_core = True
    if linearization is not None:
        solver.parameters.linearization_level = linearization
    if on_bound is not None:
        solver.best_bound_callback = on_bound
    callback = _SolutionCallback(on_solution) if on_solution is not None else None
    finished = threading.Event()
    watcher = None
    if stop is not None:
        if stop.is_set():
            solver.parameters.max_time_in_seconds = 0.001
        watcher = threading.Thread(target=_watch, args=(stop, finished, solver), daemon=True)
        watcher.start()
    try:
        status = solver.solve(model, callback)
    finally:
        finished.set()
        if watcher is not None:
            watcher.join()
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
    return SolverRun(status=_STATUS[status], solver=solver)


class _SolutionCallback(cp_model.CpSolverSolutionCallback):
    def __init__(self, report: Callable[[cp_model.CpSolverSolutionCallback], None]) -> None:
        super().__init__()
        self._report = report

    def on_solution_callback(self) -> None:
        self._report(self)


def _watch(stop: threading.Event, finished: threading.Event, solver: cp_model.CpSolver) -> None:
    while not finished.wait(0.02):
        if stop.is_set():
            solver.stop_search()
            return
