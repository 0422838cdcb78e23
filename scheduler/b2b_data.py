"""The B2B meeting problem as data: what the organiser gives the scheduler and what it gives back.

Slots are given in time order and grouped: the slots of one day are consecutive, and within a day the
morning slots come before the afternoon slots. A participant holds at most one meeting per slot. A *break*
is a maximal run of idle slots between two meetings of the same participant within one day; idle slots
before the first or after the last meeting of the day are not breaks, and the gap between two days is
never one.

Ids (of slots, participants, meetings) are ints or strings, used as given. Every collection may be given
as a list; it is stored as a tuple (or frozenset).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeAlias

from scheduler.solving import SolveStatus

Id: TypeAlias = int | str


class Half(StrEnum):
    """The half-day of a slot."""

    MORNING = "morning"
    AFTERNOON = "afternoon"


class Window(StrEnum):
    """When a meeting may take place."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    ANY = "any"

    def admits(self, half: Half) -> bool:
        return self is Window.ANY or self.value == half.value


def _check_int(owner: str, name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{owner}: {name} must be an int >= {minimum}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Slot:
    """One meeting slot. `capacity` is the number of tables (or rooms) in the slot; None: unlimited."""

    id: Id
    day: Id = 1
    half: Half = Half.MORNING
    capacity: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "half", Half(self.half))
        if self.capacity is not None:
            _check_int(f"slot {self.id!r}", "capacity", self.capacity, 0)


@dataclass(frozen=True, slots=True)
class Participant:
    """A buyer or supplier. `unavailable` holds slot ids; `max_meetings` caps its meetings (None: no cap)."""

    id: Id
    unavailable: frozenset[Id] = frozenset()
    max_meetings: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "unavailable", frozenset(self.unavailable))
        if self.max_meetings is not None:
            _check_int(f"participant {self.id!r}", "max_meetings", self.max_meetings, 0)


@dataclass(frozen=True, slots=True)
class Meeting:
    """An accepted meeting request between two participants.

    `weight` (>= 1) is its priority: one meeting of weight 3 outweighs two of weight 1. A `mandatory`
    meeting must be scheduled (a problem where that is impossible is infeasible). `locked_slot` pins the
    meeting to one slot, for instance because its time is already published.
    """

    id: Id
    participants: tuple[Id, Id]
    window: Window = Window.ANY
    weight: int = 1
    mandatory: bool = False
    locked_slot: Id | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "participants", tuple(self.participants))
        object.__setattr__(self, "window", Window(self.window))
        if len(self.participants) != 2:
            raise ValueError(f"meeting {self.id!r}: exactly two participants, got {len(self.participants)}")
        if self.participants[0] == self.participants[1]:
            raise ValueError(f"meeting {self.id!r}: a participant cannot meet itself")
        _check_int(f"meeting {self.id!r}", "weight", self.weight, 1)


@dataclass(frozen=True, slots=True)
class Precedence:
    """When both meetings are scheduled, `before` takes an earlier slot than `after`."""

    before: Id
    after: Id


@dataclass(frozen=True, slots=True)
class B2BProblem:
    """Everything one press of 'schedule meetings' needs.

    `fairness` (None: off) bounds the difference between any two participants' break counts (every
    participant counts, including those with no meeting). The solver stops after `time_limit_s`;
    `workers` is the number of CP-SAT workers (1 with a fixed `seed`: the same answer on every run).
    """

    participants: tuple[Participant, ...]
    slots: tuple[Slot, ...]
    meetings: tuple[Meeting, ...]
    precedences: tuple[Precedence, ...] = ()
    fairness: int | None = None
    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("participants", "slots", "meetings", "precedences"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        participant_ids = _unique("participants", [p.id for p in self.participants])
        slot_ids = _unique("slots", [s.id for s in self.slots])
        meeting_ids = _unique("meetings", [m.id for m in self.meetings])
        _check_grouping(self.slots)
        for participant in self.participants:
            unknown = participant.unavailable - slot_ids
            if unknown:
                raise ValueError(
                    f"participant {participant.id!r}: unknown unavailable slot {min(map(str, unknown))}"
                )
        for meeting in self.meetings:
            for who in meeting.participants:
                if who not in participant_ids:
                    raise ValueError(f"meeting {meeting.id!r}: unknown participant {who!r}")
            if meeting.locked_slot is not None and meeting.locked_slot not in slot_ids:
                raise ValueError(f"meeting {meeting.id!r}: unknown locked slot {meeting.locked_slot!r}")
        for precedence in self.precedences:
            for end in (precedence.before, precedence.after):
                if end not in meeting_ids:
                    raise ValueError(f"precedence: unknown meeting {end!r}")
            if precedence.before == precedence.after:
                raise ValueError(f"precedence: meeting {precedence.before!r} cannot precede itself")
        if self.fairness is not None:
            _check_int("the problem", "fairness", self.fairness, 0)
        if not self.time_limit_s > 0:
            raise ValueError("time_limit_s must be positive")
        _check_int("the problem", "workers", self.workers, 1)


def _unique(kind: str, ids: list[Id]) -> set[Id]:
    seen: set[Id] = set()
    for item_id in ids:
        if item_id in seen:
            raise ValueError(f"two {kind} share the id {item_id!r}")
        seen.add(item_id)
    return seen


def _check_grouping(slots: tuple[Slot, ...]) -> None:
    finished_days: set[Id] = set()
    for previous, slot in itertools.pairwise(slots):
        if slot.day != previous.day:
            finished_days.add(previous.day)
            if slot.day in finished_days:
                raise ValueError(f"slot {slot.id!r}: the slots of day {slot.day!r} are not consecutive")
        elif previous.half is Half.AFTERNOON and slot.half is Half.MORNING:
            raise ValueError(f"slot {slot.id!r}: a morning slot after an afternoon slot of the same day")


class UnscheduledReason(StrEnum):
    """Why a meeting got no slot. Codes for the web application to translate; equal to their string value."""

    NO_COMMON_SLOT = "no_common_slot"
    """The two participants share no available slot in the meeting's window."""
    LOCK_INVALID = "lock_invalid"
    """Its locked slot is outside its window or a participant is unavailable then."""
    CAP_REACHED = "cap_reached"
    """A participant already has as many meetings as its cap allows."""
    SLOTS_TAKEN = "slots_taken"
    """Every common available slot holds another meeting of one of the two, or all its tables are taken."""
    PRECEDENCE = "precedence"
    """A free common slot exists, but none in the order that its precedences require."""
    FAIRNESS = "fairness"
    """A free common slot exists, but using it would break the fairness bound on breaks."""
    NOT_PLACED = "not_placed"
    """None of the above: the solver stopped before placing it (time limit or stop request)."""


@dataclass(frozen=True, slots=True)
class Assignment:
    meeting_id: Id
    slot_id: Id


@dataclass(frozen=True, slots=True)
class Unscheduled:
    """A meeting left out; `detail` is an English sentence for logs and the command line."""

    meeting_id: Id
    reason: UnscheduledReason
    detail: str


@dataclass(frozen=True, slots=True)
class Timings:
    """Seconds spent: the greedy start, placing weight, reducing breaks, and the whole call."""

    greedy_s: float = 0.0
    weight_s: float = 0.0
    breaks_s: float = 0.0
    total_s: float = 0.0


@dataclass(frozen=True, slots=True)
class B2BSchedule:
    """The scheduler's answer.

    `assignments` follow the input order of the meetings; `unscheduled` too. With status infeasible or
    no_solution there are no assignments and every meeting is listed as unscheduled.

    Objective terms: `scheduled_weight` (sum of the weights of scheduled meetings), `total_breaks` and
    `max_breaks` (the worst participant's). Bounds: no schedule has more weight than `weight_bound`, and
    none with `scheduled_weight` has fewer breaks than `breaks_bound` (None when not computed). Status
    optimal means both are reached.
    """

    status: SolveStatus
    assignments: tuple[Assignment, ...]
    unscheduled: tuple[Unscheduled, ...]
    scheduled_weight: int
    total_breaks: int
    max_breaks: int
    weight_bound: int
    breaks_bound: int | None
    timings: Timings = field(default_factory=Timings)

    @property
    def slot_of(self) -> dict[Id, Id]:
        return {a.meeting_id: a.slot_id for a in self.assignments}


@dataclass(frozen=True, slots=True)
class Progress:
    """What a progress callback receives: the best schedule's terms so far, the bound, the time spent."""

    phase: str
    """'greedy', 'weight' or 'breaks'."""
    scheduled_weight: int
    total_breaks: int
    weight_bound: int
    breaks_bound: int | None
    elapsed_s: float
