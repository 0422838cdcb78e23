from __future__ import annotations

import threading
import time
from dataclasses import replace

from scheduler.b2b_data import (
    B2BProblem,
    B2BSchedule,
    Half,
    Precedence,
    Progress,
    Slot,
    SolveStatus,
    UnscheduledReason,
    Window,
)
from scheduler.b2b_generate import generate_fair
from scheduler.b2b_solve import schedule_meetings
from scheduler.b2b_validate import validate_schedule
from tests.scheduler.b2b_factories import day_slots, meeting, problem


def solve_valid(p: B2BProblem, **kwargs: object) -> B2BSchedule:
    schedule = schedule_meetings(p, **kwargs)  # type: ignore[arg-type]
    assert validate_schedule(p, schedule).violations == ()
    return schedule


def test_schedule_meetings_forced_break_is_proved_optimal() -> None:
    # a meets three partners in four slots and is away in slot 2: slots 1, 3, 4 and one break
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "a", "d")],
        day_slots(4),
        unavailable={"a": {2}},
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    assert (schedule.scheduled_weight, schedule.total_breaks, schedule.max_breaks) == (3, 1, 1)
    assert (schedule.weight_bound, schedule.breaks_bound) == (3, 1)
    assert sorted(schedule.slot_of.values()) == [1, 3, 4]


def test_schedule_meetings_compact_agenda_has_no_break() -> None:
    p = problem([meeting(i, "hub", f"p{i}") for i in range(1, 6)], day_slots(8))
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    assert schedule.total_breaks == 0
    slots = sorted(schedule.slot_of.values())
    assert slots == list(range(slots[0], slots[0] + 5))


def test_schedule_meetings_cap_keeps_the_heaviest_meeting() -> None:
    p = problem([meeting(1, "a", "b", weight=1), meeting(2, "a", "c", weight=3)], day_slots(2), caps={"a": 1})
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    assert set(schedule.slot_of) == {2}
    assert [(u.meeting_id, u.reason) for u in schedule.unscheduled] == [(1, UnscheduledReason.CAP_REACHED)]
    assert (schedule.scheduled_weight, schedule.weight_bound) == (3, 3)


def test_schedule_meetings_tables_keep_the_heaviest_meetings() -> None:
    p = problem(
        [meeting(1, "a", "b", weight=1), meeting(2, "c", "d", weight=2), meeting(3, "e", "f", weight=3)],
        day_slots(2, capacity=1),
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    assert set(schedule.slot_of) == {2, 3}
    assert [(u.meeting_id, u.reason) for u in schedule.unscheduled] == [(1, UnscheduledReason.SLOTS_TAKEN)]
    assert schedule.scheduled_weight == 5


def test_schedule_meetings_reports_no_common_slot() -> None:
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "a", "c")], day_slots(4), unavailable={"a": {1, 2}, "b": {3, 4}}
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    assert [(u.meeting_id, u.reason) for u in schedule.unscheduled] == [(1, UnscheduledReason.NO_COMMON_SLOT)]


def test_schedule_meetings_mandatory_meeting_without_slot_is_infeasible() -> None:
    p = problem(
        [meeting(1, "a", "b", mandatory=True), meeting(2, "a", "c")],
        day_slots(4),
        unavailable={"a": {1, 2}, "b": {3, 4}},
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.INFEASIBLE
    assert schedule.assignments == ()
    assert [(u.meeting_id, u.reason) for u in schedule.unscheduled] == [
        (1, UnscheduledReason.NO_COMMON_SLOT),
        (2, UnscheduledReason.NOT_PLACED),
    ]


def test_schedule_meetings_colliding_mandatory_meetings_are_infeasible() -> None:
    p = problem(
        [meeting(1, "a", "b", mandatory=True), meeting(2, "a", "c", mandatory=True)],
        [Slot(id="only", capacity=5)],
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.INFEASIBLE
    assert len(schedule.unscheduled) == 2


def test_schedule_meetings_clashing_locks_are_infeasible() -> None:
    p = problem([meeting(1, "a", "b", locked_slot=2), meeting(2, "a", "c", locked_slot=2)], day_slots(3))
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.INFEASIBLE
    assert schedule.unscheduled[1].reason == UnscheduledReason.LOCK_INVALID


def test_schedule_meetings_fairness_bound_zero_with_a_forced_break_is_infeasible() -> None:
    meetings = [meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "a", "d", mandatory=True)]
    meetings = [replace(m, mandatory=True) for m in meetings]
    forced = problem(meetings, day_slots(4), unavailable={"a": {2}}, fairness=0)
    assert solve_valid(forced).status == SolveStatus.INFEASIBLE
    allowed = replace(forced, fairness=1)
    schedule = solve_valid(allowed)
    assert schedule.status == SolveStatus.OPTIMAL
    assert schedule.total_breaks == 1


def test_schedule_meetings_respects_windows_and_precedences() -> None:
    p = problem(
        [
            meeting(1, "a", "b", window=Window.MORNING),
            meeting(2, "a", "c", window=Window.AFTERNOON),
            meeting(3, "b", "c"),
            meeting(4, "c", "d"),
        ],
        day_slots(6),
        precedences=[Precedence(before=4, after=3)],
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    slot_of = schedule.slot_of
    assert slot_of[1] <= 3 < slot_of[2]
    assert slot_of[4] < slot_of[3]
    # a is break-free only with 1 at 3 and 2 at 4; then c (in 2, 3 and 4) gets a break: 1 is the optimum
    assert schedule.total_breaks == 1


def test_schedule_meetings_gap_between_days_is_not_a_break() -> None:
    slots = [
        Slot(id="mon-1", day="mon", half=Half.MORNING),
        Slot(id="mon-2", day="mon", half=Half.AFTERNOON),
        Slot(id="tue-1", day="tue", half=Half.MORNING),
        Slot(id="tue-2", day="tue", half=Half.AFTERNOON),
    ]
    p = problem(
        [meeting(1, "a", "b", locked_slot="mon-1"), meeting(2, "a", "c", locked_slot="tue-2")],
        slots,
    )
    schedule = solve_valid(p)
    assert schedule.status == SolveStatus.OPTIMAL
    assert schedule.total_breaks == 0


def test_schedule_meetings_keeps_locked_meetings_on_rerun() -> None:
    fair = generate_fair(40, 150, 16, seed=3, time_limit_s=2.0)
    first = solve_valid(fair)
    published = dict(list(first.slot_of.items())[::2])
    locked = [replace(m, locked_slot=published[m.id]) if m.id in published else m for m in fair.meetings]
    newcomers = generate_fair(40, 170, 16, seed=4).meetings[-20:]
    extra = [replace(m, id=1000 + i) for i, m in enumerate(newcomers)]
    second = solve_valid(replace(fair, meetings=locked + extra))
    assert second.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    for meeting_id, slot_id in published.items():
        assert second.slot_of[meeting_id] == slot_id


def test_schedule_meetings_respects_the_time_limit() -> None:
    fair = generate_fair(300, 2400, 32, seed=5, time_limit_s=1.5)
    started = time.monotonic()
    schedule = solve_valid(fair)
    # a generous margin for a busy CI machine
    assert time.monotonic() - started < 1.5 + 4.5
    assert schedule.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert schedule.timings.total_s < 1.5 + 4.5


def test_schedule_meetings_stop_request_returns_the_best_so_far() -> None:
    fair = generate_fair(200, 1500, 24, seed=6, time_limit_s=60.0)
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    started = time.monotonic()
    schedule = solve_valid(fair, stop=stop)
    timer.cancel()
    # the limit is 60 s: well under it means the stop request was heard
    assert time.monotonic() - started < 10.0
    assert schedule.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert schedule.scheduled_weight > 0


def test_schedule_meetings_reports_progress() -> None:
    seen: list[Progress] = []
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "a", "d")],
        day_slots(4),
        unavailable={"a": {2}},
    )
    schedule = solve_valid(p, progress=seen.append)
    assert seen[0].phase == "greedy"
    assert [s.elapsed_s for s in seen] == sorted(s.elapsed_s for s in seen)
    assert seen[-1].total_breaks == schedule.total_breaks
