from __future__ import annotations

from scheduler.b2b_data import (
    Assignment,
    B2BSchedule,
    Precedence,
    SolveStatus,
    Unscheduled,
    UnscheduledReason,
    Window,
)
from scheduler.b2b_validate import count_breaks, validate_assignments, validate_schedule
from tests.scheduler.b2b_factories import day_slots, meeting, problem


def test_count_breaks_counts_runs_of_idle_slots_between_meetings() -> None:
    assert count_breaks([]) == 0
    assert count_breaks([4]) == 0
    assert count_breaks([1, 2, 3]) == 0
    assert count_breaks([0, 2]) == 1
    assert count_breaks([0, 5]) == 1
    assert count_breaks([7, 0, 3, 4]) == 2


def test_validate_accepts_a_good_schedule_and_recomputes_its_terms() -> None:
    p = problem(
        [meeting(1, "a", "b", weight=2), meeting(2, "a", "c"), meeting(3, "a", "d", window=Window.AFTERNOON)],
        day_slots(4, capacity=1),
    )
    report = validate_assignments(p, {1: 1, 2: 2, 3: 4})
    assert report.violations == ()
    assert report.scheduled_weight == 4
    assert report.breaks == {"a": 1, "b": 0, "c": 0, "d": 0}
    assert (report.total_breaks, report.max_breaks) == (1, 1)


def test_validate_reports_double_booking_capacity_and_window() -> None:
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "d", "e", window=Window.MORNING)],
        day_slots(4, capacity=2),
    )
    report = validate_assignments(p, {1: 1, 2: 1, 3: 4})
    assert set(report.violations) == {
        "morning meeting 3 is in afternoon slot 4",
        "'a' is double-booked in slot 1 (meetings 1 and 2)",
    }
    crowded = validate_assignments(
        problem([meeting(1, "a", "b"), meeting(2, "c", "d")], day_slots(2, capacity=1)), {1: 2, 2: 2}
    )
    assert crowded.violations == ("slot 2 holds 2 meetings for 1 tables",)


def test_validate_reports_unavailability_caps_locks_and_mandatory() -> None:
    p = problem(
        [
            meeting(1, "a", "b", locked_slot=2),
            meeting(2, "a", "c"),
            meeting(3, "c", "d", mandatory=True),
        ],
        day_slots(3),
        unavailable={"b": {1}},
        caps={"a": 1},
    )
    report = validate_assignments(p, {1: 1, 2: 3})
    assert set(report.violations) == {
        "locked meeting 1 is in slot 1 instead of 2",
        "meeting 1: 'b' is unavailable in slot 1",
        "mandatory meeting 3 is not scheduled",
        "'a' has 2 meetings, over its cap 1",
    }


def test_validate_reports_precedence_fairness_and_unknown_ids() -> None:
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "d", "e")],
        day_slots(4),
        precedences=[Precedence(before=2, after=1)],
        fairness=0,
    )
    report = validate_assignments(p, {1: 1, 2: 3, 9: 1, 3: 7})
    assert set(report.violations) == {
        "meeting 9 does not exist",
        "meeting 3 is in slot 7, which does not exist",
        "meeting 2 is not before meeting 1",
        "break counts differ by 1, over the fairness bound 0",
    }


def test_validate_schedule_checks_the_reported_terms_and_unscheduled_list() -> None:
    p = problem([meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "b", "c")], day_slots(3))
    honest = B2BSchedule(
        status=SolveStatus.FEASIBLE,
        assignments=(Assignment(1, 1), Assignment(2, 3)),
        unscheduled=(Unscheduled(3, UnscheduledReason.NOT_PLACED, "stopped"),),
        scheduled_weight=2,
        total_breaks=1,
        max_breaks=1,
        weight_bound=3,
        breaks_bound=0,
    )
    assert validate_schedule(p, honest).violations == ()
    lying = B2BSchedule(
        status=SolveStatus.OPTIMAL,
        assignments=(Assignment(1, 1), Assignment(2, 3), Assignment(2, 3)),
        unscheduled=(),
        scheduled_weight=3,
        total_breaks=0,
        max_breaks=0,
        weight_bound=1,
        breaks_bound=2,
    )
    assert set(validate_schedule(p, lying).violations) == {
        "meeting 2 is assigned twice",
        "reports weight 3, the assignments weigh 2",
        "reports 0 breaks, the assignments have 1",
        "reports worst 0 breaks, the assignments have 1",
        "weight bound 1 is below the weight reached",
        "breaks bound 2 is above the breaks reached",
        "the unscheduled list is not the meetings without a slot, in input order",
    }
