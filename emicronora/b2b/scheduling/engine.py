"""The web application's one door to the meeting scheduler: rows in, engine dataclasses, plain values out.

No other module of `emicronora` imports `scheduler`; when the engine's API changes, only this file follows.
Slots are grouped by day (their date in the event zone) and half-day (morning: starting before 13:00 event
time); each slot holds `tables` meetings (0: unlimited). Meetings kept where they are (published or locked
ones) go to the engine as locks, so that every other meeting is placed around them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

from emicronora.b2b.scheduling.solver import SCHEDULED as SCHEDULED
from emicronora.b2b.scheduling.solver import Outcome as Outcome
from emicronora.b2b.scheduling.solver import Plan as Plan
from emicronora.b2b.scheduling.solver import Snapshot as Snapshot
from emicronora.b2b.scheduling.solver import solve as solve
from emicronora.i18n import _
from emicronora.models import MeetingSlot
from scheduler.b2b_data import B2BProblem, Half, Id, Participant, Slot
from scheduler.b2b_data import Meeting as EngineMeeting
from scheduler.b2b_validate import validate_assignments

AFTERNOON_FROM = time(13, 0)
WORKERS = 2
# Set by the web layer, not the engine: the schedule could not be stored as found because a booking or an
# unavailability changed during the solve.
CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """An accepted meeting as the scheduler needs it. `kept`: it stays in `slot_id` (published or locked)."""

    id: int
    first_id: int
    second_id: int
    slot_id: int | None
    priority: int = 1
    kept: bool = False


def day_and_half(slot: MeetingSlot, tz: ZoneInfo) -> tuple[str, Half]:
    local = slot.starts_at.astimezone(tz)
    return local.date().isoformat(), Half.MORNING if local.time() < AFTERNOON_FROM else Half.AFTERNOON


def _slots(slots: Sequence[MeetingSlot], tz: ZoneInfo, tables: int) -> tuple[Slot, ...]:
    ordered = sorted(slots, key=lambda s: (s.starts_at, s.id))
    capacity = tables if tables > 0 else None
    return tuple(Slot(s.id, *day_and_half(s, tz), capacity=capacity) for s in ordered)


def build_plan(
    slots: Sequence[MeetingSlot],
    meetings: Sequence[MeetingRow],
    *,
    caps: Mapping[int, int | None],
    unavailable: Mapping[int, Iterable[int]],
    tables: int,
    tz: ZoneInfo,
    time_limit_s: float,
) -> Plan:
    """The engine's problem: the participants of `meetings` (with their caps and unavailable slots)."""
    slot_ids = {s.id for s in slots}
    profile_ids = sorted({p for m in meetings for p in (m.first_id, m.second_id)})
    participants = tuple(
        Participant(
            p,
            unavailable=frozenset(unavailable.get(p, ())) & slot_ids,
            max_meetings=caps.get(p),
        )
        for p in profile_ids
    )
    kept = {m.id for m in meetings if m.kept and m.slot_id in slot_ids}
    engine_meetings = tuple(
        EngineMeeting(
            m.id,
            (m.first_id, m.second_id),
            weight=max(1, m.priority),
            locked_slot=m.slot_id if m.id in kept else None,
        )
        for m in meetings
    )
    problem = B2BProblem(
        participants=participants,
        slots=_slots(slots, tz, tables),
        meetings=engine_meetings,
        time_limit_s=time_limit_s,
        workers=WORKERS,
    )
    return Plan(problem, frozenset(kept), frozenset(m.id for m in meetings) - kept)


def breaks_per_participant(
    slots: Sequence[MeetingSlot], placed: Iterable[tuple[int, int, int, int]], tz: ZoneInfo
) -> dict[int, int]:
    """Breaks (runs of idle slots between two meetings of a day) of each participant of `placed`, given as
    (meeting id, first profile, second profile, slot id). Counted by the engine's independent checker."""
    slot_ids = {s.id for s in slots}
    rows = [(m, a, b, s) for m, a, b, s in placed if s in slot_ids]
    if not rows:
        return {}
    participants = sorted({p for _m, a, b, _s in rows for p in (a, b)})
    problem = B2BProblem(
        participants=tuple(Participant(p) for p in participants),
        slots=_slots(slots, tz, 0),
        meetings=tuple(EngineMeeting(m, (a, b)) for m, a, b, _s in rows),
    )
    slot_of: dict[Id, Id] = {m: s for m, _a, _b, s in rows}
    report = validate_assignments(problem, slot_of)
    return {int(p): n for p, n in report.breaks.items()}


def reason_text(code: str) -> str:
    """The organiser's sentence for a reason code of the engine (or `CHANGED`)."""
    texts = {
        "no_common_slot": _("The two participants have no available slot in common."),
        "lock_invalid": _(
            "Its slot is kept (published or locked) but no longer possible: a participant is unavailable "
            "then, or another kept meeting holds the slot. Move it or unlock it."
        ),
        "cap_reached": _("A participant already has as many meetings as their limit allows."),
        "slots_taken": _(
            "Every slot where both are available already holds a meeting of one of them, "
            "or has no table left."
        ),
        "precedence": _("Its free slots are all on the wrong side of a meeting that must come first."),
        "fairness": _("Every free slot would leave one participant with far more breaks than the others."),
        "not_placed": _("The scheduler stopped before placing it: give it more time or place it by hand."),
        CHANGED: _("A booking or an availability changed during the run: place it by hand or run again."),
    }
    return texts.get(code, _("Not placed."))
