"""Small B2B problems for the tests, built in a line or two."""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.b2b_data import B2BProblem, Half, Meeting, Participant, Slot, Window


def day_slots(
    count: int, *, morning: int | None = None, capacity: int | None = None, day: int = 1
) -> list[Slot]:
    """`count` slots of one day with ids 1..count, the first `morning` (default: half) in the morning."""
    morning = (count + 1) // 2 if morning is None else morning
    return [
        Slot(
            id=t + (day - 1) * 100,
            day=day,
            half=Half.MORNING if t <= morning else Half.AFTERNOON,
            capacity=capacity,
        )
        for t in range(1, count + 1)
    ]


def meeting(meeting_id: int, a: str, b: str, **fields: object) -> Meeting:
    return Meeting(id=meeting_id, participants=(a, b), **fields)  # type: ignore[arg-type]


def problem(
    meetings: Iterable[Meeting],
    slots: Iterable[Slot],
    *,
    unavailable: dict[str, set[int]] | None = None,
    caps: dict[str, int] | None = None,
    **options: object,
) -> B2BProblem:
    """A problem whose participants are those named by the meetings (and by `unavailable` / `caps`)."""
    meetings = list(meetings)
    unavailable = unavailable or {}
    caps = caps or {}
    names = sorted({who for m in meetings for who in m.participants} | set(unavailable) | set(caps))
    participants = [
        Participant(id=name, unavailable=frozenset(unavailable.get(name, ())), max_meetings=caps.get(name))
        for name in names
    ]
    options.setdefault("time_limit_s", 5.0)
    options.setdefault("workers", 2)
    return B2BProblem(participants=participants, slots=list(slots), meetings=meetings, **options)  # type: ignore[arg-type]


__all__ = ["Window", "day_slots", "meeting", "problem"]
