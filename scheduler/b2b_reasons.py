"""Why meetings stay out: checks before solving (what no schedule can fix) and explanations after it."""

from __future__ import annotations

from collections import Counter

from scheduler.b2b_data import Unscheduled, UnscheduledReason
from scheduler.b2b_instance import Instance, busy_table, participant_breaks


def static_reason(instance: Instance, m: int) -> Unscheduled | None:
    """The reason meeting m can never be scheduled, whatever the other meetings do; None if it could be."""
    meeting = instance.problem.meetings[m]
    if instance.candidates[m]:
        return None
    if meeting.locked_slot is not None:
        slot = instance.problem.slots[instance.locked[m] or 0]
        return Unscheduled(
            meeting.id,
            UnscheduledReason.LOCK_INVALID,
            f"locked to slot {slot.id!r}, outside its {meeting.window} window"
            " or when a participant is unavailable",
        )
    a, b = meeting.participants
    return Unscheduled(
        meeting.id,
        UnscheduledReason.NO_COMMON_SLOT,
        f"{a!r} and {b!r} have no common available slot in the {meeting.window} window",
    )


def lock_conflicts(instance: Instance) -> list[Unscheduled]:
    """Locked meetings that cannot all hold: two of one participant in a slot, or more than its tables."""
    problems = []
    holder: dict[tuple[int, int], int] = {}
    per_slot: dict[int, int] = {}
    for m, t in enumerate(instance.locked):
        if t is None or not instance.candidates[m]:
            continue
        meeting = instance.problem.meetings[m]
        per_slot[t] = per_slot.get(t, 0) + 1
        capacity = instance.capacity[t]
        slot_id = instance.problem.slots[t].id
        if capacity is not None and per_slot[t] > capacity:
            problems.append(
                Unscheduled(meeting.id, UnscheduledReason.LOCK_INVALID, f"slot {slot_id!r} has no table left")
            )
            continue
        for p in instance.ends[m]:
            other = holder.get((p, t))
            if other is not None:
                who = instance.problem.participants[p].id
                other_id = instance.problem.meetings[other].id
                problems.append(
                    Unscheduled(
                        meeting.id,
                        UnscheduledReason.LOCK_INVALID,
                        f"{who!r} has meeting {other_id!r} locked to the same slot {slot_id!r}",
                    )
                )
                break
            holder[p, t] = m
    return problems


def explain_unscheduled(instance: Instance, plan: list[int]) -> list[Unscheduled]:
    """Why each meeting out of `plan` is out: the first reason that holds, in the order of
    `UnscheduledReason`. Meetings in input order."""
    count = [0] * instance.n_participants
    busy: list[set[int]] = [set() for _ in range(instance.n_participants)]
    used = [0] * instance.n_slots
    for k, t in enumerate(plan):
        if t >= 0:
            for p in instance.ends[k]:
                count[p] += 1
                busy[p].add(t)
            used[t] += 1
    return [_explain(instance, plan, m, count, busy, used) for m, t in enumerate(plan) if t < 0]


def _explain(
    instance: Instance, plan: list[int], m: int, count: list[int], busy: list[set[int]], used: list[int]
) -> Unscheduled:
    static = static_reason(instance, m)
    if static is not None:
        return static
    meeting = instance.problem.meetings[m]
    a, b = instance.ends[m]
    for p in (a, b):
        cap = instance.cap[p]
        if cap is not None and count[p] >= cap:
            who = instance.problem.participants[p].id
            return Unscheduled(
                meeting.id, UnscheduledReason.CAP_REACHED, f"{who!r} has reached its cap of {cap}"
            )
    open_slots = [
        t
        for t in instance.candidates[m]
        if t not in busy[a]
        and t not in busy[b]
        and ((capacity := instance.capacity[t]) is None or used[t] < capacity)
    ]
    if not open_slots:
        return Unscheduled(
            meeting.id,
            UnscheduledReason.SLOTS_TAKEN,
            "every common available slot holds another meeting of one of the two, or has no table left",
        )
    ordered = [
        t
        for t in open_slots
        if all(plan[k] < 0 or plan[k] < t for k in instance.before[m])
        and all(plan[k] < 0 or plan[k] > t for k in instance.after[m])
    ]
    if not ordered:
        return Unscheduled(
            meeting.id,
            UnscheduledReason.PRECEDENCE,
            "its free common slots are all on the wrong side of a precedence",
        )
    if instance.problem.fairness is not None and _breaks_fairness(instance, plan, m, ordered):
        return Unscheduled(
            meeting.id,
            UnscheduledReason.FAIRNESS,
            f"every free common slot would spread break counts beyond {instance.problem.fairness}",
        )
    return Unscheduled(meeting.id, UnscheduledReason.NOT_PLACED, "the solver stopped before placing it")


def _breaks_fairness(instance: Instance, plan: list[int], m: int, slots: list[int]) -> bool:
    """True when putting m in any of `slots` would spread the break counts beyond the fairness bound."""
    bound = instance.problem.fairness or 0
    busy = busy_table(instance, plan)
    breaks = [participant_breaks(instance, row) for row in busy]
    ends = instance.ends[m]
    others = Counter(breaks)
    for p in ends:
        others[breaks[p]] -= 1
    rest = [value for value, count in others.items() if count > 0]
    for t in slots:
        changed = []
        for p in ends:
            row = list(busy[p])
            row[t] = True
            changed.append(participant_breaks(instance, row))
        values = rest + changed
        if max(values) - min(values) <= bound:
            return False
    return True
