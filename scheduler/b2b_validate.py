"""An independent check of a B2B schedule: every rule and every objective term recomputed from scratch.

It reads only the problem's dataclasses and the assignments; it shares no code with the solver, so that a
bug in the solver's bookkeeping cannot hide itself.

    report = validate_schedule(problem, schedule)
    assert report.violations == ()
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.b2b_data import B2BProblem, B2BSchedule, Half, Id, Window


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The rules broken (English sentences, empty when valid) and the objective terms of the schedule."""

    violations: tuple[str, ...]
    scheduled_weight: int
    breaks: Mapping[Id, int]
    total_breaks: int
    max_breaks: int


def count_breaks(busy_positions: list[int]) -> int:
    """Breaks of one participant on one day, given the positions (within the day) of its busy slots."""
    positions = sorted(busy_positions)
    return sum(1 for left, right in itertools.pairwise(positions) if right - left > 1)


def validate_assignments(problem: B2BProblem, slot_of: Mapping[Id, Id]) -> ValidationReport:
    """Check `slot_of` (meeting id -> slot id, scheduled meetings only) against every rule of `problem`."""
    violations: list[str] = []
    slots = {slot.id: slot for slot in problem.slots}
    position = {slot.id: index for index, slot in enumerate(problem.slots)}
    participants = {p.id: p for p in problem.participants}
    meetings = {m.id: m for m in problem.meetings}

    for meeting_id in slot_of:
        if meeting_id not in meetings:
            violations.append(f"meeting {meeting_id!r} does not exist")
    for meeting_id, given in slot_of.items():
        if meeting_id in meetings and given not in slots:
            violations.append(f"meeting {meeting_id!r} is in slot {given!r}, which does not exist")
    scheduled = {
        meeting_id: slot_id
        for meeting_id, slot_id in slot_of.items()
        if meeting_id in meetings and slot_id in slots
    }

    holder: dict[tuple[Id, Id], Id] = {}
    per_slot: dict[Id, int] = defaultdict(int)
    count_of: dict[Id, int] = defaultdict(int)
    for meeting in problem.meetings:
        slot_id = scheduled.get(meeting.id)
        if slot_id is None:
            if meeting.mandatory:
                violations.append(f"mandatory meeting {meeting.id!r} is not scheduled")
            if meeting.locked_slot is not None:
                violations.append(f"locked meeting {meeting.id!r} is not scheduled")
            continue
        slot = slots[slot_id]
        per_slot[slot_id] += 1
        if meeting.locked_slot is not None and slot_id != meeting.locked_slot:
            violations.append(
                f"locked meeting {meeting.id!r} is in slot {slot_id!r} instead of {meeting.locked_slot!r}"
            )
        if meeting.window is Window.MORNING and slot.half is not Half.MORNING:
            violations.append(f"morning meeting {meeting.id!r} is in afternoon slot {slot_id!r}")
        if meeting.window is Window.AFTERNOON and slot.half is not Half.AFTERNOON:
            violations.append(f"afternoon meeting {meeting.id!r} is in morning slot {slot_id!r}")
        for who in meeting.participants:
            count_of[who] += 1
            if slot_id in participants[who].unavailable:
                violations.append(f"meeting {meeting.id!r}: {who!r} is unavailable in slot {slot_id!r}")
            other = holder.get((who, slot_id))
            if other is not None:
                violations.append(
                    f"{who!r} is double-booked in slot {slot_id!r} (meetings {other!r} and {meeting.id!r})"
                )
            else:
                holder[(who, slot_id)] = meeting.id

    for slot_id, used in per_slot.items():
        capacity = slots[slot_id].capacity
        if capacity is not None and used > capacity:
            violations.append(f"slot {slot_id!r} holds {used} meetings for {capacity} tables")
    for participant in problem.participants:
        cap = participant.max_meetings
        if cap is not None and count_of[participant.id] > cap:
            violations.append(
                f"{participant.id!r} has {count_of[participant.id]} meetings, over its cap {cap}"
            )
    for precedence in problem.precedences:
        first, second = scheduled.get(precedence.before), scheduled.get(precedence.after)
        if first is not None and second is not None and not position[first] < position[second]:
            violations.append(f"meeting {precedence.before!r} is not before meeting {precedence.after!r}")

    breaks = _breaks(problem, holder)
    if problem.fairness is not None and breaks:
        spread = max(breaks.values()) - min(breaks.values())
        if spread > problem.fairness:
            violations.append(f"break counts differ by {spread}, over the fairness bound {problem.fairness}")
    return ValidationReport(
        violations=tuple(violations),
        scheduled_weight=sum(m.weight for m in problem.meetings if m.id in scheduled),
        breaks=breaks,
        total_breaks=sum(breaks.values()),
        max_breaks=max(breaks.values(), default=0),
    )


def _breaks(problem: B2BProblem, holder: Mapping[tuple[Id, Id], Id]) -> dict[Id, int]:
    day_position: dict[Id, tuple[Id, int]] = {}
    index_in_day: dict[Id, int] = defaultdict(int)
    for slot in problem.slots:
        day_position[slot.id] = (slot.day, index_in_day[slot.day])
        index_in_day[slot.day] += 1
    busy: dict[tuple[Id, Id], list[int]] = defaultdict(list)
    for who, slot_id in holder:
        day, index = day_position[slot_id]
        busy[(who, day)].append(index)
    breaks = {participant.id: 0 for participant in problem.participants}
    for (who, _day), positions in busy.items():
        breaks[who] += count_breaks(positions)
    return breaks


def validate_schedule(problem: B2BProblem, schedule: B2BSchedule) -> ValidationReport:
    """Check the assignments, and that the schedule reports its own terms and unscheduled meetings truly."""
    slot_of: dict[Id, Id] = {}
    duplicates: list[str] = []
    for assignment in schedule.assignments:
        if assignment.meeting_id in slot_of:
            duplicates.append(f"meeting {assignment.meeting_id!r} is assigned twice")
        slot_of[assignment.meeting_id] = assignment.slot_id
    report = validate_assignments(problem, slot_of)
    violations = duplicates
    if schedule.status in ("optimal", "feasible"):
        violations += report.violations
        if schedule.scheduled_weight != report.scheduled_weight:
            violations.append(
                f"reports weight {schedule.scheduled_weight}, the assignments weigh {report.scheduled_weight}"
            )
        if schedule.total_breaks != report.total_breaks:
            violations.append(
                f"reports {schedule.total_breaks} breaks, the assignments have {report.total_breaks}"
            )
        if schedule.max_breaks != report.max_breaks:
            violations.append(
                f"reports worst {schedule.max_breaks} breaks, the assignments have {report.max_breaks}"
            )
        if schedule.weight_bound < report.scheduled_weight:
            violations.append(f"weight bound {schedule.weight_bound} is below the weight reached")
        if schedule.breaks_bound is not None and schedule.breaks_bound > report.total_breaks:
            violations.append(f"breaks bound {schedule.breaks_bound} is above the breaks reached")
    elif schedule.assignments:
        violations.append(f"status {schedule.status} comes with assignments")
    unscheduled = [u.meeting_id for u in schedule.unscheduled]
    expected = [m.id for m in problem.meetings if m.id not in slot_of]
    if unscheduled != expected:
        violations.append("the unscheduled list is not the meetings without a slot, in input order")
    return ValidationReport(
        violations=tuple(violations),
        scheduled_weight=report.scheduled_weight,
        breaks=report.breaks,
        total_breaks=report.total_breaks,
        max_breaks=report.max_breaks,
    )
