"""Large-neighbourhood search: keep most of the schedule, re-optimise a part of it with CP-SAT, repeat.

A step frees a neighbourhood of meetings (everything else stays where it is), solves the small model built
by `scheduler.b2b_model` for a fraction of a second, and keeps the result when it is no worse. The kinds of
neighbourhood:
- participants: a participant with breaks (or with an unscheduled meeting) and, growing outwards through
  its partners, every meeting of the participants reached;
- slots: the meetings of a window of consecutive slots, allowed to trade places within the window;
- random: meetings drawn at random.
Each kind adapts its size: it grows after a step that CP-SAT solved to optimality (the neighbourhood was
too easy) and shrinks after one cut by the time limit.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.b2b_instance import Instance, plan_terms
from scheduler.b2b_model import build_model
from scheduler.solving import SolveStatus, solve_model


@dataclass
class Incumbent:
    """The best plan so far, shared by the search threads. Read and replace it under `lock`."""

    plan: list[int]
    weight: int
    score: int
    """Weight with mandatory meetings counted as heavier than all optional ones together."""
    breaks: list[int]
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total_breaks(self) -> int:
        return sum(self.breaks)


def scored_terms(instance: Instance, plan: list[int]) -> tuple[int, int, list[int]]:
    """(weight, score, breaks per participant) of `plan`; see `Incumbent.score`."""
    weight, breaks = plan_terms(instance, plan)
    heavy = mandatory_score(instance)
    score = sum(heavy if instance.mandatory[m] else instance.weight[m] for m, t in enumerate(plan) if t >= 0)
    return weight, score, breaks


def mandatory_score(instance: Instance) -> int:
    return 1 + sum(w for w, must in zip(instance.weight, instance.mandatory, strict=True) if not must)


def make_incumbent(instance: Instance, plan: list[int]) -> Incumbent:
    weight, score, breaks = scored_terms(instance, plan)
    return Incumbent(plan=list(plan), weight=weight, score=score, breaks=breaks)


@dataclass
class _Kind:
    name: str
    fraction: float


@dataclass
class LnsSearch:
    """One search of one objective ("weight" or "breaks") from the incumbent, until the deadline."""

    instance: Instance
    incumbent: Incumbent
    objective: str
    deadline: float
    stop: threading.Event
    seed: int = 0
    weight_floor: int | None = None
    target: int | None = None
    """Stop as soon as the objective reaches it (the bound)."""
    on_improve: Callable[[], None] | None = None
    step_limit_s: float = 0.5
    core: bool = False
    linearization: int | None = None
    max_free: int = 400
    steps: int = 0
    rng: random.Random = field(init=False)
    kinds: list[_Kind] = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.kinds = [_Kind("participants", 0.25), _Kind("slots", 0.3), _Kind("random", 0.2)]

    def run(self) -> None:
        while not self.stop.is_set() and not self._reached():
            remaining = self.deadline - time.monotonic()
            if remaining < 0.05:
                return
            kind = self.kinds[self.steps % len(self.kinds)]
            self.steps += 1
            self._step(kind, min(self.step_limit_s, remaining))

    def _reached(self) -> bool:
        if self.target is None:
            return False
        with self.incumbent.lock:
            value = self._value(self.incumbent)
        return value <= (-self.target if self.objective == "weight" else self.target)

    def _value(self, incumbent: Incumbent) -> int:
        return -incumbent.score if self.objective == "weight" else incumbent.total_breaks

    def _step(self, kind: _Kind, limit: float) -> None:
        with self.incumbent.lock:
            plan = list(self.incumbent.plan)
            breaks = list(self.incumbent.breaks)
            before = self._value(self.incumbent)
        size = max(6, min(self.max_free, round(kind.fraction * self.instance.n_meetings)))
        free, allowed = self._neighbourhood(kind.name, plan, breaks, size)
        if not free:
            return
        built = build_model(
            self.instance,
            plan,
            free,
            objective=self.objective,
            weight_floor=self.weight_floor if self.objective == "breaks" else None,
            allowed_slots=allowed,
            soft_mandatory=self.objective == "weight",
        )
        limit = min(limit, self.deadline - time.monotonic())
        if built.infeasible_reason is not None or limit < 0.02:
            return
        run = solve_model(
            built.model,
            time_limit_s=limit,
            workers=1,
            seed=self.rng.randrange(1 << 30),
            stop=self.stop,
            core=self.core,
            linearization=self.linearization,
        )
        kind.fraction = (
            min(0.95, kind.fraction * 1.15)
            if run.status is SolveStatus.OPTIMAL
            else max(0.02, kind.fraction / 1.15)
        )
        if not run.has_solution:
            return
        candidate = list(plan)
        for m, options in built.options.items():
            candidate[m] = next((t for t in options if run.solver.boolean_value(built.x[m, t])), -1)
        for m in free:
            if m not in built.options:
                candidate[m] = -1
        fresh = make_incumbent(self.instance, candidate)
        if self.objective == "breaks" and fresh.weight < (self.weight_floor or 0):
            return
        with self.incumbent.lock:
            current = self._value(self.incumbent)
            value = self._value(fresh)
            if value > current or (value == current and self.incumbent.plan != plan):
                return
            self.incumbent.plan = fresh.plan
            self.incumbent.weight = fresh.weight
            self.incumbent.score = fresh.score
            self.incumbent.breaks = fresh.breaks
        if value < before and self.on_improve is not None:
            self.on_improve()

    def _neighbourhood(
        self, kind: str, plan: list[int], breaks: list[int], size: int
    ) -> tuple[set[int], list[int] | None]:
        instance = self.instance
        if kind == "slots":
            return self._slot_window(plan, size)
        if kind == "random":
            return set(self.rng.sample(range(instance.n_meetings), min(size, instance.n_meetings))), None
        return self._participants(plan, breaks, size), None

    def _participants(self, plan: list[int], breaks: list[int], size: int) -> set[int]:
        instance = self.instance
        if self.objective == "weight":
            seeds = [
                p for m, t in enumerate(plan) if t < 0 and instance.candidates[m] for p in instance.ends[m]
            ]
        else:
            seeds = [p for p, count in enumerate(breaks) if count > 0]
        if not seeds:
            seeds = [p for p in range(instance.n_participants) if instance.meetings_of[p]]
        if not seeds:
            return set()
        free: set[int] = set()
        chosen: set[int] = set()
        frontier = [self.rng.choice(seeds)]
        while frontier and len(free) < size:
            p = frontier.pop(self.rng.randrange(len(frontier)))
            if p in chosen:
                continue
            chosen.add(p)
            free.update(instance.meetings_of[p])
            frontier += [q for m in instance.meetings_of[p] for q in instance.ends[m] if q not in chosen]
            if not frontier and len(free) < size:
                frontier = [self.rng.choice(seeds)]
                if frontier[0] in chosen:
                    break
        return free

    def _slot_window(self, plan: list[int], size: int) -> tuple[set[int], list[int]]:
        instance = self.instance
        per_slot = max(1.0, sum(1 for t in plan if t >= 0) / max(1, instance.n_slots))
        width = max(2, min(instance.n_slots, round(size / per_slot)))
        start = self.rng.randrange(max(1, instance.n_slots - width + 1))
        window = list(range(start, min(instance.n_slots, start + width)))
        inside = set(window)
        free = {m for m, t in enumerate(plan) if t in inside}
        if self.objective == "weight":
            free |= {m for m, t in enumerate(plan) if t < 0 and inside.intersection(instance.candidates[m])}
        return free, window
