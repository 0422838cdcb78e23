"""The B2B problem in index form, for the solver's inner loops: everything is a list indexed by position.

Slots, participants and meetings are numbered by their position in the problem. A meeting's *candidates*
are the slots it may take on its own terms: in its window, both participants available, and its locked slot
only when it has one. A `Plan` is a solver-side schedule: `slot[m]` is the slot index of meeting m or -1.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.b2b_data import B2BProblem


@dataclass(frozen=True, slots=True)
class Instance:
    problem: B2BProblem
    n_slots: int
    day_of: list[int]
    """Day number (0, 1, ...) of each slot."""
    first_of_day: list[bool]
    """True for the first slot of each day."""
    days: list[range]
    """The slot indices of each day."""
    capacity: list[int | None]
    n_participants: int
    cap: list[int | None]
    """Meeting cap of each participant."""
    ends: list[tuple[int, int]]
    """The two participants of each meeting."""
    weight: list[int]
    mandatory: list[bool]
    locked: list[int | None]
    candidates: list[list[int]]
    meetings_of: list[list[int]]
    """The meetings of each participant."""
    before: list[list[int]]
    """before[m]: the meetings that must come before m when both are scheduled."""
    after: list[list[int]]

    @property
    def n_meetings(self) -> int:
        return len(self.ends)


def build_instance(problem: B2BProblem) -> Instance:
    slot_index = {slot.id: t for t, slot in enumerate(problem.slots)}
    participant_index = {p.id: i for i, p in enumerate(problem.participants)}
    meeting_index = {m.id: i for i, m in enumerate(problem.meetings)}

    day_of: list[int] = []
    first_of_day: list[bool] = []
    days: list[range] = []
    start = 0
    for t, slot in enumerate(problem.slots):
        new_day = t == 0 or slot.day != problem.slots[t - 1].day
        if new_day and t > 0:
            days.append(range(start, t))
            start = t
        first_of_day.append(new_day)
        day_of.append(len(days))
    if problem.slots:
        days.append(range(start, len(problem.slots)))

    available = [
        [t not in blocked for t in range(len(problem.slots))]
        for blocked in ({slot_index[s] for s in p.unavailable} for p in problem.participants)
    ]
    ends, candidates, locked = [], [], []
    for meeting in problem.meetings:
        a, b = (participant_index[who] for who in meeting.participants)
        ends.append((a, b))
        allowed = [
            t
            for t, slot in enumerate(problem.slots)
            if meeting.window.admits(slot.half) and available[a][t] and available[b][t]
        ]
        lock = None if meeting.locked_slot is None else slot_index[meeting.locked_slot]
        locked.append(lock)
        if lock is not None:
            allowed = [t for t in allowed if t == lock]
        candidates.append(allowed)
    meetings_of: list[list[int]] = [[] for _ in problem.participants]
    for m, (a, b) in enumerate(ends):
        meetings_of[a].append(m)
        meetings_of[b].append(m)
    before: list[list[int]] = [[] for _ in problem.meetings]
    after: list[list[int]] = [[] for _ in problem.meetings]
    for precedence in problem.precedences:
        first, second = meeting_index[precedence.before], meeting_index[precedence.after]
        before[second].append(first)
        after[first].append(second)
    return Instance(
        problem=problem,
        n_slots=len(problem.slots),
        day_of=day_of,
        first_of_day=first_of_day,
        days=days,
        capacity=[slot.capacity for slot in problem.slots],
        n_participants=len(problem.participants),
        cap=[p.max_meetings for p in problem.participants],
        ends=ends,
        weight=[m.weight for m in problem.meetings],
        mandatory=[m.mandatory for m in problem.meetings],
        locked=locked,
        candidates=candidates,
        meetings_of=meetings_of,
        before=before,
        after=after,
    )


def participant_breaks(instance: Instance, busy: list[bool]) -> int:
    """Breaks of one participant from its busy flag per slot."""
    breaks = 0
    for day in instance.days:
        seen_meeting = False
        idle_run = False
        for t in day:
            if busy[t]:
                if idle_run and seen_meeting:
                    breaks += 1
                seen_meeting = True
                idle_run = False
            else:
                idle_run = True
    return breaks


def busy_table(instance: Instance, slot: list[int]) -> list[list[bool]]:
    """busy[p][t] for the plan `slot`."""
    busy = [[False] * instance.n_slots for _ in range(instance.n_participants)]
    for m, t in enumerate(slot):
        if t >= 0:
            a, b = instance.ends[m]
            busy[a][t] = True
            busy[b][t] = True
    return busy


def plan_terms(instance: Instance, slot: list[int]) -> tuple[int, list[int]]:
    """(scheduled weight, breaks per participant) of the plan `slot`."""
    weight = sum(instance.weight[m] for m, t in enumerate(slot) if t >= 0)
    return weight, [participant_breaks(instance, row) for row in busy_table(instance, slot)]
