"""The pitch programme as data: what the organiser gives the scheduler and what it gives back.

Times are timezone-aware datetimes in any zone; they are compared as instants, and slot arithmetic is done in
UTC so that a session across a daylight-saving change has its real length. Ids (of sessions, pitches,
companies, themes) are ints or strings, used as given and never sorted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TypeAlias

from scheduler.solving import SolveStatus

Id: TypeAlias = int | str


def _require_aware(owner: str, name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{owner}.{name} must be a timezone-aware datetime, got {value.isoformat()}")


@dataclass(frozen=True, slots=True)
class Interval:
    """The half-open time span [starts_at, ends_at)."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        _require_aware("Interval", "starts_at", self.starts_at)
        _require_aware("Interval", "ends_at", self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError(f"Interval ends at {self.ends_at} before it starts at {self.starts_at}")

    def overlaps(self, other: Interval) -> bool:
        """True when the spans share an instant; touching ends (one ends when the other starts) do not."""
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


@dataclass(frozen=True, slots=True)
class SlotRef:
    """One slot of one session: `slot_index` counts from 0 at the session's start."""

    session_id: Id
    slot_index: int


@dataclass(frozen=True, slots=True)
class PitchSession:
    """A pitch session of one theme, cut into `slot_count` consecutive slots of `slot_minutes` each.

    The remainder of the session after the last whole slot is left free.
    """

    id: Id
    theme: Id
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int

    def __post_init__(self) -> None:
        _require_aware("PitchSession", "starts_at", self.starts_at)
        _require_aware("PitchSession", "ends_at", self.ends_at)
        if self.ends_at < self.starts_at:
            raise ValueError(f"session {self.id!r} ends before it starts")
        if isinstance(self.slot_minutes, bool) or not isinstance(self.slot_minutes, int):
            raise ValueError(f"session {self.id!r}: slot_minutes must be an int")
        if self.slot_minutes <= 0:
            raise ValueError(f"session {self.id!r}: slot_minutes must be positive")

    @property
    def slot_count(self) -> int:
        """floor(duration / slot_minutes), the duration measured in real (UTC) minutes."""
        duration = self.ends_at.astimezone(UTC) - self.starts_at.astimezone(UTC)
        return duration // timedelta(minutes=self.slot_minutes)

    def slot(self, index: int) -> Interval:
        """The time span of slot `index`, in the session's own zone."""
        if not 0 <= index < self.slot_count:
            raise IndexError(f"session {self.id!r} has no slot {index}")
        zone = self.starts_at.tzinfo
        start = self.starts_at.astimezone(UTC) + index * timedelta(minutes=self.slot_minutes)
        end = start + timedelta(minutes=self.slot_minutes)
        return Interval(start.astimezone(zone), end.astimezone(zone))


@dataclass(frozen=True, slots=True)
class Pitch:
    """An accepted pitch waiting for a slot.

    `speaker_busy` holds the spans when the pitch's speaker is in a webinar (the caller computes them).
    `sector` is the company's sector; None never counts as the same sector as another pitch.
    `locked` pins the pitch to one slot (an organiser's hand placement). `priority` (>= 1) weighs the pitch
    when not every pitch fits: one pitch of priority 3 outweighs two of priority 1.
    """

    id: Id
    company: Id
    theme: Id
    sector: str | None
    speaker_busy: tuple[Interval, ...] = ()
    locked: SlotRef | None = None
    priority: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "speaker_busy", tuple(self.speaker_busy))
        priority: object = self.priority  # as given, which may be no int at all
        if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
            raise ValueError(f"pitch {self.id!r}: priority must be an int >= 1")


@dataclass(frozen=True, slots=True)
class PitchProblem:
    """Everything one press of 'schedule pitches' needs. The solver stops after `time_limit_s`.

    `workers` is the number of CP-SAT search workers; with `workers=1` the answer depends only on the input
    and `seed`. Sessions and pitches may be given as lists; they are stored as tuples.
    """

    sessions: tuple[PitchSession, ...]
    pitches: tuple[Pitch, ...]
    time_limit_s: float = 10.0
    workers: int = 2
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "sessions", tuple(self.sessions))
        object.__setattr__(self, "pitches", tuple(self.pitches))
        for kind, ids in (
            ("sessions", [s.id for s in self.sessions]),
            ("pitches", [p.id for p in self.pitches]),
        ):
            seen: set[Id] = set()
            for item_id in ids:
                if item_id in seen:
                    raise ValueError(f"two {kind} share the id {item_id!r}")
                seen.add(item_id)
        if not self.time_limit_s > 0:
            raise ValueError("time_limit_s must be positive")
        if self.workers < 1:
            raise ValueError("workers must be at least 1")


class UnplacedReason(StrEnum):
    """Why a pitch got no slot. Codes for the web application to translate; equal to their string value."""

    NO_SESSION_FOR_THEME = "no_session_for_theme"
    """No session of the pitch's theme has a slot."""
    SPEAKER_ALWAYS_BUSY = "speaker_always_busy"
    """Every slot of the theme's sessions overlaps a webinar of the speaker."""
    COMPANY_CLASH = "company_clash"
    """The slots it could take that are still free overlap another pitch of the same company."""
    CAPACITY = "capacity"
    """Every slot it could take holds another pitch: more pitches than slots."""
    LOCK_INVALID = "lock_invalid"
    """Its lock cannot hold; the `cause` parameter says why. The pitch is left out rather than moved."""
    NOT_PLACED = "not_placed"
    """None of the above: the solver stopped (time limit) before placing it."""


Param: TypeAlias = tuple[str, int | str]


@dataclass(frozen=True, slots=True)
class Placement:
    pitch_id: Id
    session_id: Id
    slot_index: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A pitch left out. `detail` is an English sentence for logs and the command line; `params` holds the
    figures of that sentence (`dict(params)`) for a translated message."""

    pitch_id: Id
    reason_code: UnplacedReason
    detail: str
    params: tuple[Param, ...] = ()


@dataclass(frozen=True, slots=True)
class PitchSchedule:
    """The scheduler's answer.

    `placements` are ordered by session (input order) then slot; `unplaced` follows the input order of the
    pitches. `same_sector_neighbours` counts, in every session's running order, consecutive pitches of the
    same sector. `objective` and `bound` are the weighted CP-SAT values (None without a solution);
    `wall_time_s` covers the whole call, model building included.
    """

    status: SolveStatus
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    same_sector_neighbours: int
    objective: int | None
    bound: int | None
    wall_time_s: float

    def placement_of(self, pitch_id: Id) -> Placement | None:
        return next((p for p in self.placements if p.pitch_id == pitch_id), None)
