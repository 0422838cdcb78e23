from __future__ import annotations

import time
from dataclasses import replace

from scheduler.b2b_data import B2BProblem
from scheduler.b2b_instance import build_instance, plan_terms
from scheduler.b2b_polish import polish_breaks
from scheduler.b2b_validate import validate_assignments
from tests.scheduler.b2b_factories import day_slots, meeting, problem


def polished(p: B2BProblem, plan: list[int]) -> tuple[list[int], int]:
    instance = build_instance(p)
    result, saved = polish_breaks(instance, plan, deadline=time.monotonic() + 5, fairness=p.fairness)
    slot_of = {m.id: p.slots[t].id for m, t in zip(p.meetings, result, strict=True) if t >= 0}
    assert validate_assignments(p, slot_of).violations == ()
    # the same meetings stay scheduled, and the breaks saved are the breaks gone
    assert [t >= 0 for t in result] == [t >= 0 for t in plan]
    assert sum(plan_terms(instance, plan)[1]) - sum(plan_terms(instance, result)[1]) == saved
    return result, saved


def test_polish_breaks_moves_a_meeting_into_the_gap() -> None:
    p = problem([meeting(1, "hub", "a"), meeting(2, "hub", "b"), meeting(3, "hub", "c")], day_slots(5))
    plan, saved = polished(p, [0, 1, 3])
    assert saved == 1
    assert sorted(plan) == list(range(min(plan), min(plan) + 3))


def test_polish_breaks_never_moves_a_locked_meeting() -> None:
    p = problem(
        [meeting(1, "hub", "a"), meeting(2, "hub", "b"), meeting(3, "hub", "c", locked_slot=4)],
        day_slots(5),
    )
    plan, saved = polished(p, [0, 1, 3])
    assert saved == 1
    assert plan[2] == 3
    assert sorted(plan) in ([1, 2, 3], [2, 3, 4])


def test_polish_breaks_swaps_two_meetings_of_one_participant() -> None:
    # p meets q in slot 1 and r in slot 2; q also meets s in slot 3, so q idles in slot 2. No single move
    # helps (s is away in slots 2 and 4, p is busy in slot 2); swapping p's two meetings does.
    p = problem(
        [meeting(1, "p", "q"), meeting(2, "p", "r"), meeting(3, "q", "s")],
        day_slots(4),
        unavailable={"s": {2, 4}},
    )
    plan, saved = polished(p, [0, 1, 2])
    assert saved == 1
    assert abs(plan[0] - plan[2]) == 1


def test_polish_breaks_keeps_to_the_tables() -> None:
    # the gap of the hub is the only slot with one table, and a locked meeting holds it
    slots = [replace(slot, capacity=1 if slot.id == 3 else 5) for slot in day_slots(5)]
    p = problem(
        [
            meeting(1, "hub", "a"),
            meeting(2, "hub", "b"),
            meeting(3, "hub", "c"),
            meeting(4, "x", "y", locked_slot=3),
        ],
        slots,
    )
    plan, saved = polished(p, [0, 1, 3, 2])
    assert saved == 0
    assert plan[3] == 2
