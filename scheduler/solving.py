"""What every scheduler of the package shares: the solve status it reports and one way to run CP-SAT.

CP-SAT objects stay inside the package: a scheduler builds its model, calls `solve_model`, reads values only
when `SolverRun.has_solution` is true, and returns its own frozen dataclasses.
"""

from __future__ import annotations

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


def solve_model(model: cp_model.CpModel, *, time_limit_s: float, workers: int, seed: int) -> SolverRun:
    """Solve `model` under a time limit. One worker and a fixed seed give the same answer on every run.

    A model that CP-SAT rejects as invalid is a bug of the scheduler that built it: it raises RuntimeError.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
    return SolverRun(status=_STATUS[status], solver=solver)
