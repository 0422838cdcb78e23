"""The CP-SAT model of the B2B problem, over all meetings or over a neighbourhood of them.

Meetings outside `free` keep the slot they have in the current plan (or stay unscheduled): they become
constants, so that one builder serves the full solve and every large-neighbourhood step.

Sections, each one function:
- variables: x[m, t] for each free meeting m and each slot t still open to it (its candidates, minus the
  slots where a frozen meeting holds one of its participants, minus full slots, minus slots that a frozen
  meeting's precedence excludes);
- meetings: mandatory and locked meetings exactly once, others at most once; precedences between free ones;
- participants: busy[p, t] booleans, at most one meeting per slot, the cap;
- slots: the tables;
- breaks: run-start booleans start[p, t] = busy[p, t] and not busy[p, t - 1]; a participant's breaks on a
  day are its runs minus one when it meets anyone that day. Exact, O(P T) booleans, and a sum of booleans
  that the core-based search of CP-SAT can bound;
- fairness: max and min break counts within the bound d;
- objective: weight (maximised), or breaks (minimised) with the plan's weight kept as a floor.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import cast

from ortools.sat.python import cp_model, cp_model_helper

from scheduler.b2b_instance import Instance, busy_table, participant_breaks

Objective = str  # "weight" or "breaks"
# A cell of a row of busy flags or break ends: known (True, False) or a Boolean variable of the model.
Cell = bool | cp_model.IntVar
# The Boolean variables of a row of busy flags or break ends, once its constant cells (True, False) are left out.
Variables = list[cp_model.IntVar]


@dataclass
class BuiltModel:
    """A model and the handles needed to read it back. Internal to the package."""

    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    options: dict[int, list[int]] = field(default_factory=dict)
    """Free meeting -> its open slots."""
    weight_terms: list[tuple[int, cp_model.IntVar]] = field(default_factory=list)
    frozen_weight: int = 0
    break_exprs: dict[int, cp_model.LinearExprT] = field(default_factory=dict)
    """Participant -> its break count, for participants with a free meeting."""
    objective: Objective = "weight"
    soft_mandatory: bool = False
    counter_tables: bool = False
    infeasible_reason: str | None = None
    """Set when the builder already sees that no schedule exists (a free mandatory meeting has no slot)."""
    least_is_zero: bool = False
    """Some participant surely has no break, so fairness only has to bound the worst count."""
    most_busy: dict[int, int] = field(default_factory=dict)
    """Participant -> the most slots it can be busy in (frozen meetings, free ones, its cap)."""
    hints: list[tuple[cp_model.IntVar, str, int, int]] = field(default_factory=list)
    """Auxiliary variables and how to compute their hint: ("busy", p, t), ("start", p, t), ("meets", p, day),
    ("worst" | "least", 0, 0)."""


def build_model(
    instance: Instance,
    plan: Sequence[int],
    free: Collection[int],
    *,
    objective: Objective,
    weight_floor: int | None = None,
    with_breaks: bool = True,
    hint: bool = True,
    allowed_slots: Collection[int] | None = None,
    soft_mandatory: bool = False,
    counter_tables: bool = False,
) -> BuiltModel:
    """The model of the neighbourhood `free` around `plan` (slot per meeting, -1 unscheduled).

    `weight_floor`: the scheduled weight (all meetings, frozen ones included) may not fall below it.
    `with_breaks`: model the breaks (needed for the breaks objective and for fairness).
    `allowed_slots`: free meetings may only take these slots.
    `soft_mandatory`: mandatory meetings may stay out, but each weighs more than all optional ones together
    (to repair a plan that misses some).
    `counter_tables`: encode the tables of each slot as a sequential counter instead of a linear constraint
    (a pure SAT search proves and finds more with it on tight tables; the core search less).
    """
    built = BuiltModel(
        model=cp_model.CpModel(),
        objective=objective,
        soft_mandatory=soft_mandatory,
        counter_tables=counter_tables,
    )
    free_set = set(free)
    frozen = [t if m not in free_set else -1 for m, t in enumerate(plan)]
    _add_variables(built, instance, frozen, free_set, allowed_slots)
    _add_meeting_constraints(built, instance, frozen, free_set, soft_mandatory)
    busy = _add_participant_constraints(built, instance, frozen, free_set)
    _add_slot_constraints(built, instance, frozen)
    need_breaks = with_breaks and (objective == "breaks" or instance.problem.fairness is not None)
    if need_breaks:
        built.least_is_zero = _least_is_zero(built, instance, frozen, busy)
        _add_breaks(built, instance, busy)
        _add_fairness(built, instance, frozen, busy)
    _add_objective(built, instance, objective, weight_floor)
    mirrored = _break_reversal(built, instance, plan) if len(free_set) == instance.n_meetings else False
    if hint:
        _add_hint(built, instance, _mirror(instance, plan) if mirrored else plan)
    return built


def _break_reversal(built: BuiltModel, instance: Instance, plan: Sequence[int]) -> bool:
    """Symmetry: when a one-day problem reads the same backwards (every meeting may take every slot, equal
    tables, no locks or precedences), reversing a schedule keeps its weight and every break count. Keep one
    of each mirror pair: the meeting of the busiest participant goes in the first half of the day.
    Returns True when the plan had it in the second half (its mirror image is then the hint)."""
    if len(instance.days) != 1 or instance.problem.precedences or len(set(instance.capacity)) > 1:
        return False
    if any(t is not None for t in instance.locked):
        return False
    if any(len(c) != instance.n_slots for c in instance.candidates):
        return False
    busiest = max(range(instance.n_participants), key=lambda p: len(instance.meetings_of[p]), default=None)
    if busiest is None or not instance.meetings_of[busiest]:
        return False
    m = instance.meetings_of[busiest][0]
    middle = (instance.n_slots - 1) // 2
    for t in built.options[m]:
        if t > middle:
            built.model.add(built.x[m, t] == 0)
    return plan[m] > middle


def _mirror(instance: Instance, plan: Sequence[int]) -> list[int]:
    last = instance.n_slots - 1
    return [last - t if t >= 0 else t for t in plan]


def _add_variables(
    built: BuiltModel,
    instance: Instance,
    frozen: Sequence[int],
    free: set[int],
    allowed_slots: Collection[int] | None,
) -> None:
    taken: list[set[int]] = [set() for _ in range(instance.n_participants)]
    used = [0] * instance.n_slots
    for m, t in enumerate(frozen):
        if t >= 0:
            a, b = instance.ends[m]
            taken[a].add(t)
            taken[b].add(t)
            used[t] += 1
    allowed = None if allowed_slots is None else set(allowed_slots)
    for m in sorted(free):
        a, b = instance.ends[m]
        low = max((frozen[k] for k in instance.before[m] if frozen[k] >= 0), default=-1)
        high = min((frozen[k] for k in instance.after[m] if frozen[k] >= 0), default=instance.n_slots)
        open_slots = [
            t
            for t in instance.candidates[m]
            if low < t < high
            and t not in taken[a]
            and t not in taken[b]
            and ((capacity := instance.capacity[t]) is None or used[t] < capacity)
            and (allowed is None or t in allowed)
        ]
        built.options[m] = open_slots
        for t in open_slots:
            built.x[m, t] = built.model.new_bool_var(f"x_m{m}_t{t}")


def _add_meeting_constraints(
    built: BuiltModel, instance: Instance, frozen: Sequence[int], free: set[int], soft_mandatory: bool
) -> None:
    model = built.model
    heavy = 1 + sum(w for w, must in zip(instance.weight, instance.mandatory, strict=True) if not must)
    for m, open_slots in built.options.items():
        literals = [built.x[m, t] for t in open_slots]
        if soft_mandatory and instance.mandatory[m]:
            if len(literals) > 1:
                model.add_at_most_one(literals)
            built.weight_terms += [(heavy, literal) for literal in literals]
            continue
        if instance.mandatory[m] or instance.locked[m] is not None:
            if not literals:
                built.infeasible_reason = f"meeting {instance.problem.meetings[m].id!r} has no slot left"
            model.add_exactly_one(literals)
        elif len(literals) > 1:
            model.add_at_most_one(literals)
        built.weight_terms += [(instance.weight[m], literal) for literal in literals]
    built.frozen_weight = sum(instance.weight[m] for m, t in enumerate(frozen) if t >= 0)
    for m in free:
        for k in instance.after[m]:
            if k in free:
                _add_precedence(built, m, k)


def _add_precedence(built: BuiltModel, first: int, second: int) -> None:
    """slot(first) < slot(second) when both are scheduled: no pair of options in the wrong order."""
    model = built.model
    for t in built.options[first]:
        later = [built.x[second, s] for s in built.options[second] if s <= t]
        if later:
            for literal in later:
                model.add_bool_or([built.x[first, t].Not(), literal.Not()])


def _add_participant_constraints(
    built: BuiltModel, instance: Instance, frozen: Sequence[int], free: set[int]
) -> dict[int, list[Cell]]:
    """busy[p][t] for every participant with a free meeting: True, False or a Boolean variable."""
    model = built.model
    frozen_busy = busy_table(instance, list(frozen))
    frozen_count = [sum(row) for row in frozen_busy]
    touched = sorted({p for m in free for p in instance.ends[m]})
    busy: dict[int, list[Cell]] = {}
    for p in touched:
        row: list[Cell] = []
        mine = [m for m in instance.meetings_of[p] if m in free]
        for t in range(instance.n_slots):
            if frozen_busy[p][t]:
                row.append(True)
                continue
            literals = [built.x[m, t] for m in mine if (m, t) in built.x]
            if not literals:
                row.append(False)
            elif len(literals) == 1:
                row.append(literals[0])
            else:
                flag = model.new_bool_var(f"busy_p{p}_t{t}")
                model.add(sum(literals) == flag)
                built.hints.append((flag, "busy", p, t))
                row.append(flag)
        busy[p] = row
        variables = cast(Variables, [v for v in row if v is not True and v is not False])
        scheduled = [built.x[m, t] for m in mine for t in built.options[m]]
        if len(variables) < len(scheduled):
            # implied: the busy slots count the meetings (a cardinality constraint for the SAT search)
            hard = [m for m in mine if built.options[m] and _hard(built, instance, m)]
            if len(hard) == len(mine):
                model.add(sum(variables) == len(hard))
            else:
                model.add(sum(variables) == sum(scheduled))
            _add_window_counts(built, instance, row, hard)
        cap = instance.cap[p]
        possible = frozen_count[p] + sum(1 for m in mine if built.options[m])
        built.most_busy[p] = possible if cap is None else min(cap, possible)
        if cap is not None and len(scheduled) > cap - frozen_count[p]:
            model.add(sum(scheduled) <= cap - frozen_count[p])
    _add_slot_participants(built, instance, frozen, busy)
    return busy


def _add_window_counts(built: BuiltModel, instance: Instance, row: list[Cell], hard: list[int]) -> None:
    """Implied: a participant is busy in a half-day (or a day) at least as often as it has meetings that
    must take place there (a Hall-type count that the SAT search cannot derive from the meetings alone)."""
    windows: dict[tuple[int, str], set[int]] = {}
    for t, slot in enumerate(instance.problem.slots):
        windows.setdefault((instance.day_of[t], str(slot.half)), set()).add(t)
        windows.setdefault((instance.day_of[t], "day"), set()).add(t)
    for window in windows.values():
        if len(window) == instance.n_slots:
            continue
        inside = sum(1 for m in hard if set(built.options[m]) <= window)
        if inside == 0:
            continue
        present = [row[t] for t in sorted(window) if row[t] is not False]
        if sum(1 for v in present if v is True) >= inside:
            continue
        built.model.add(sum(v if v is not True else 1 for v in present) >= inside)


def _hard(built: BuiltModel, instance: Instance, m: int) -> bool:
    """True when free meeting m must be scheduled in this model."""
    if instance.locked[m] is not None and not instance.mandatory[m]:
        return True
    return instance.mandatory[m] and not built.soft_mandatory


def _add_slot_participants(
    built: BuiltModel, instance: Instance, frozen: Sequence[int], busy: dict[int, list[Cell]]
) -> None:
    """Implied: a slot with L tables left holds at most 2 L busy participants."""
    used = [0] * instance.n_slots
    for t in frozen:
        if t >= 0:
            used[t] += 1
    for t in range(instance.n_slots):
        capacity = instance.capacity[t]
        if capacity is None:
            continue
        variables = cast(
            Variables, [row[t] for row in busy.values() if row[t] is not True and row[t] is not False]
        )
        if len(variables) > 2 * (capacity - used[t]):
            built.model.add(sum(variables) <= 2 * (capacity - used[t]))


def _add_slot_constraints(built: BuiltModel, instance: Instance, frozen: Sequence[int]) -> None:
    used = [0] * instance.n_slots
    for t in frozen:
        if t >= 0:
            used[t] += 1
    by_slot: dict[int, list[cp_model.IntVar]] = {}
    for (_m, t), literal in built.x.items():
        by_slot.setdefault(t, []).append(literal)
    for t, literals in by_slot.items():
        capacity = instance.capacity[t]
        if capacity is not None and len(literals) > capacity - used[t]:
            if built.counter_tables:
                _at_most_counter(built.model, literals, capacity - used[t])
            else:
                built.model.add(sum(literals) <= capacity - used[t])


def _at_most_counter(model: cp_model.CpModel, literals: Sequence[cp_model.IntVar], k: int) -> None:
    """At most k of `literals`, as a sequential counter (Sinz 2005): clauses over "at least j of the first
    i are true" booleans, which the SAT search can learn from, unlike the native linear constraint."""
    if k >= len(literals):
        return
    if k <= 0:
        for literal in literals:
            model.add_bool_or([literal.Not()])
        return
    previous: list[cp_model.IntVar] = []
    for i, literal in enumerate(literals):
        if previous:
            model.add_bool_or([literal.Not(), previous[k - 1].Not()])
        if i == len(literals) - 1:
            return
        count = [model.new_bool_var(f"count_{i}_{j}") for j in range(k)]
        model.add_implication(literal, count[0])
        if previous:
            for j in range(k):
                model.add_implication(previous[j], count[j])
            for j in range(1, k):
                model.add_bool_or([literal.Not(), previous[j - 1].Not(), count[j]])
        else:
            for j in range(1, k):
                model.add_bool_or([count[j].Not()])
        previous = count


def _add_breaks(built: BuiltModel, instance: Instance, busy: dict[int, list[Cell]]) -> None:
    for p, row in busy.items():
        ends: dict[int, Cell] = {}
        for day in instance.days:
            seen: Cell = False
            for t in day:
                if t > day.start:
                    ends[t] = _break_end(built, row[t], row[t - 1], seen, p, t)
                seen = _either(built, seen, row[t], p, t)
        if built.objective == "breaks":
            _add_span_clauses(built, instance, row, ends, built.most_busy[p])
        constant = sum(1 for end in ends.values() if end is True)
        variables = cast(Variables, [end for end in ends.values() if end is not True and end is not False])
        built.break_exprs[p] = sum(variables) + constant if variables else constant


def _add_span_clauses(
    built: BuiltModel, instance: Instance, row: list[Cell], ends: dict[int, Cell], most: int
) -> None:
    """Implied: a participant with at most `most` meetings, busy at slots t and s of one day with
    s - t >= most, idles somewhere between them, so a break ends in (t, s]. Under the search's assumption
    "no breaks", this confines each agenda to a window of `most` slots."""
    for day in instance.days:
        for t in day:
            first = row[t]
            if first is False:
                continue
            for s in range(t + max(most, 2), day.stop):
                last = row[s]
                if last is False:
                    continue
                between = [ends[u] for u in range(t + 1, s + 1) if ends[u] is not False]
                if any(end is True for end in between):
                    continue
                clause = [literal.Not() for literal in (first, last) if literal is not True]
                built.model.add_bool_or([*clause, *between])


def _least_is_zero(
    built: BuiltModel, instance: Instance, frozen: Sequence[int], busy: dict[int, list[Cell]]
) -> bool:
    """True when some participant surely has no break, whatever the free meetings do."""
    if any(most <= 1 for most in built.most_busy.values()):
        return True
    frozen_busy = busy_table(instance, list(frozen))
    return any(
        participant_breaks(instance, frozen_busy[p]) == 0
        for p in range(instance.n_participants)
        if p not in busy
    )


def _either(built: BuiltModel, seen: Cell, now: Cell, p: int, t: int) -> Cell:
    """A literal equal to `seen or now`: the participant met someone at or before slot t of the day."""
    if seen is True or now is True:
        return True
    if seen is False:
        return now
    if now is False:
        return seen
    model = built.model
    either = model.new_bool_var(f"seen_p{p}_t{t}")
    built.hints.append((either, "seen", p, t))
    model.add_implication(seen, either)
    model.add_implication(now, either)
    model.add_bool_or([seen, now, either.Not()])
    return either


def _break_end(built: BuiltModel, now: Cell, previous: Cell, seen: Cell, p: int, t: int) -> Cell:
    """A literal equal to `now and not previous and seen`: a break of p ends at slot t. (The converse of
    the last clause alone would do for minimising; equality keeps the counts true for fairness, and the
    search was seen to be faster with it.)"""
    if now is False or previous is True or seen is False:
        return False
    required: list[cp_model_helper.Literal] = []
    if now is not True:
        required.append(now)
    if previous is not False:
        required.append(previous.Not())
    if seen is not True:
        required.append(seen)
    if not required:
        return True
    model = built.model
    end = model.new_bool_var(f"break_end_p{p}_t{t}")
    built.hints.append((end, "end", p, t))
    for literal in required:
        model.add_implication(end, literal)
    model.add_bool_or([*(literal.Not() for literal in required), end])
    return end


def _add_fairness(
    built: BuiltModel, instance: Instance, frozen: Sequence[int], busy: dict[int, list[Cell]]
) -> None:
    bound = instance.problem.fairness
    if bound is None or instance.n_participants == 0:
        return
    model = built.model
    frozen_busy = busy_table(instance, list(frozen))
    constants = [
        participant_breaks(instance, frozen_busy[p]) for p in range(instance.n_participants) if p not in busy
    ]
    if built.least_is_zero:
        for expr in built.break_exprs.values():
            model.add(expr <= bound)
        return
    top = max((len(day) - 1) // 2 for day in instance.days) * len(instance.days)
    worst = model.new_int_var(max(constants, default=0), top, "worst_breaks")
    least = model.new_int_var(0, min(constants, default=top), "least_breaks")
    for expr in built.break_exprs.values():
        model.add(expr <= worst)
        model.add(expr >= least)
    model.add(worst - least <= bound)
    built.hints.append((worst, "worst", 0, 0))
    built.hints.append((least, "least", 0, 0))


def _add_objective(
    built: BuiltModel, instance: Instance, objective: Objective, weight_floor: int | None
) -> None:
    model = built.model
    weight = sum(w * literal for w, literal in built.weight_terms)
    if weight_floor is not None and built.weight_terms:
        model.add(weight >= weight_floor - built.frozen_weight)
    if objective == "weight":
        model.maximize(weight)
    else:
        model.minimize(sum(built.break_exprs.values()))


def _add_hint(built: BuiltModel, instance: Instance, plan: Sequence[int]) -> None:
    """Hint the plan's value on every variable, so that CP-SAT starts from a complete solution."""
    model = built.model
    for (m, t), literal in built.x.items():
        model.add_hint(literal, plan[m] == t)
    busy = busy_table(instance, list(plan))
    breaks = [participant_breaks(instance, row) for row in busy]
    for variable, kind, p, t in built.hints:
        value: int  # a flag (bool) or a break count
        if kind == "busy":
            value = busy[p][t]
        elif kind == "seen":
            value = any(busy[p][s] for s in range(instance.days[instance.day_of[t]].start, t + 1))
        elif kind == "end":
            day = instance.days[instance.day_of[t]]
            value = busy[p][t] and not busy[p][t - 1] and any(busy[p][s] for s in range(day.start, t))
        elif kind == "worst":
            value = max(breaks, default=0)
        else:
            value = min(breaks, default=0)
        model.add_hint(variable, int(value))
