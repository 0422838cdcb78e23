"""The state one solve shares between its phases and threads: the incumbent, the bounds, the clock."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.b2b_data import B2BProblem, Progress
from scheduler.b2b_instance import Instance
from scheduler.b2b_lns import Incumbent, make_incumbent
from scheduler.b2b_model import BuiltModel


@dataclass
class SolveState:
    problem: B2BProblem
    instance: Instance
    stop: threading.Event
    progress: Callable[[Progress], None] | None
    started: float
    deadline: float
    incumbent: Incumbent
    weight_bound: int
    breaks_bound: int | None = None
    infeasible: bool = False
    phase: str = "greedy"
    report_lock: threading.Lock = field(default_factory=threading.Lock)

    def valid(self, incumbent: Incumbent | None = None) -> bool:
        """All mandatory and locked meetings in, and the fairness bound kept."""
        candidate = incumbent or self.incumbent
        instance = self.instance
        if any(
            t < 0 and (instance.mandatory[m] or instance.locked[m] is not None)
            for m, t in enumerate(candidate.plan)
        ):
            return False
        fairness = self.problem.fairness
        breaks = candidate.breaks
        return fairness is None or not breaks or max(breaks) - min(breaks) <= fairness

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def breaks_proved(self) -> bool:
        return self.breaks_bound is not None and self.incumbent.total_breaks <= self.breaks_bound

    def raise_breaks_bound(self, value: float) -> None:
        bound = math.ceil(value - 1e-6)
        if self.breaks_bound is None or bound > self.breaks_bound:
            self.breaks_bound = bound
            self.report()

    def report(self) -> None:
        if self.progress is None:
            return
        with self.incumbent.lock:
            weight, breaks = self.incumbent.weight, self.incumbent.total_breaks
        with self.report_lock:
            self.progress(
                Progress(
                    phase=self.phase,
                    scheduled_weight=weight,
                    total_breaks=breaks,
                    weight_bound=self.weight_bound,
                    breaks_bound=self.breaks_bound,
                    elapsed_s=time.monotonic() - self.started,
                )
            )

    def offer(self, plan: list[int]) -> bool:
        """Take `plan` as the incumbent when it is valid and better (weight, then breaks); True if taken.

        In the breaks phase a plan lighter than the incumbent is never taken.
        """
        fresh = make_incumbent(self.instance, plan)
        if not self.valid(fresh):
            return False
        with self.incumbent.lock:
            current = self.incumbent
            better = not self.valid(current) or (fresh.score, -fresh.total_breaks) > (
                current.score,
                -current.total_breaks,
            )
            if self.phase == "breaks" and fresh.weight < current.weight:
                better = False
            if better:
                current.plan = fresh.plan
                current.weight = fresh.weight
                current.score = fresh.score
                current.breaks = fresh.breaks
        if better:
            self.report()
        return better


def read_plan(instance: Instance, built: BuiltModel, value: Callable[[cp_model.IntVar], bool]) -> list[int]:
    """The plan of a CP-SAT solution of a full model (every meeting free)."""
    plan = [-1] * instance.n_meetings
    for (m, t), literal in built.x.items():
        if value(literal):
            plan[m] = t
    return plan
