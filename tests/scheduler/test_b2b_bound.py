from __future__ import annotations

from scheduler.b2b_bound import weight_bound
from scheduler.b2b_generate import generate_fair
from scheduler.b2b_greedy import greedy_plan
from scheduler.b2b_instance import build_instance, plan_terms
from tests.scheduler.b2b_factories import day_slots, meeting, problem


def test_weight_bound_is_the_b_matching_of_a_bipartite_fair() -> None:
    # buyer b1 may take 2 meetings: the two heaviest of its three
    p = problem(
        [
            meeting(1, "b1", "s1", weight=3),
            meeting(2, "b1", "s2", weight=1),
            meeting(3, "b1", "s3", weight=2),
        ],
        day_slots(4),
        caps={"b1": 2},
    )
    bound = weight_bound(build_instance(p))
    assert (bound.weight, bound.matched, bound.exact_relaxation) == (5, frozenset({0, 2}), True)


def test_weight_bound_of_a_triangle_is_the_fractional_matching() -> None:
    # each of three participants can take one meeting: the fractional bound is 3/2, rounded down to 1
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "b", "c"), meeting(3, "a", "c")],
        day_slots(4),
        caps={"a": 1, "b": 1, "c": 1},
    )
    bound = weight_bound(build_instance(p))
    assert (bound.weight, bound.exact_relaxation) == (1, False)


def test_weight_bound_counts_the_tables_and_the_usable_slots() -> None:
    tables = problem([meeting(i, f"a{i}", f"b{i}") for i in range(1, 6)], day_slots(2, capacity=1))
    assert weight_bound(build_instance(tables)).weight == 2
    away = problem([meeting(1, "a", "b"), meeting(2, "a", "c")], day_slots(3), unavailable={"a": {1, 2}})
    assert weight_bound(build_instance(away)).weight == 1


def test_weight_bound_is_above_the_greedy_of_a_generated_fair() -> None:
    instance = build_instance(generate_fair(120, 900, 16, seed=2))
    weight, _ = plan_terms(instance, greedy_plan(instance))
    bound = weight_bound(instance)
    assert weight <= bound.weight <= sum(instance.weight)
    assert bound.exact_relaxation
