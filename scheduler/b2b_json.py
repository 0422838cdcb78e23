"""The B2B problem and schedule as JSON, and the schedule as text (for `python -m scheduler solve`).

Problem file (ids are strings or integers, kept as given; optional fields show their default):

    {
      "time_limit_s": 10.0, "workers": 2, "seed": 0,     optional; --time-limit / --workers override
      "fairness": null,                                   optional: bound on break-count differences
      "slots": [                                          in time order, each day's slots together,
        {"id": "d1s1", "day": 1, "half": "morning",       mornings before afternoons
         "capacity": null}                                tables in the slot; null: unlimited
      ],
      "participants": [
        {"id": "b1", "unavailable": ["d1s1"], "max_meetings": null}
      ],
      "meetings": [
        {"id": 1, "participants": ["b1", "s7"], "window": "any",     "morning", "afternoon" or "any"
         "weight": 1, "mandatory": false, "locked_slot": null}
      ],
      "precedences": [{"before": 1, "after": 2}]           optional
    }

Schedule (`--json`): {"status", "scheduled" (number of meetings), "unscheduled" ([{"meeting", "reason",
"detail"}]), "breaks", "max_breaks", "bound" ({"weight", "breaks"}), "seconds", "assignments"
([{"meeting", "slot"}])}. For a `.dzn` instance, meetings and slots are the 1-based numbers of the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scheduler.b2b_data import B2BProblem, B2BSchedule, Id, Meeting, Participant, Precedence, Slot


class B2BInputError(ValueError):
    """The problem file does not describe a valid problem; the message says where."""


def problem_from_json(data: object) -> B2BProblem:
    root = _object(data, "the file")
    try:
        slots = [
            Slot(
                id=_id(item, "id", f"slots[{i}]"),
                day=_id(item, "day", f"slots[{i}]") if "day" in item else 1,
                half=item.get("half", "morning"),
                capacity=item.get("capacity"),
            )
            for i, item in enumerate(_objects(root, "slots"))
        ]
        participants = [
            Participant(
                id=_id(item, "id", f"participants[{i}]"),
                unavailable=frozenset(_ids(item, "unavailable", f"participants[{i}]")),
                max_meetings=item.get("max_meetings"),
            )
            for i, item in enumerate(_objects(root, "participants"))
        ]
        meetings = [_meeting(item, f"meetings[{i}]") for i, item in enumerate(_objects(root, "meetings"))]
        precedences = [
            Precedence(
                before=_id(item, "before", f"precedences[{i}]"), after=_id(item, "after", f"precedences[{i}]")
            )
            for i, item in enumerate(_objects(root, "precedences"))
        ]
        options: dict[str, Any] = {}
        for name, kinds in (("time_limit_s", (int, float)), ("workers", (int,)), ("seed", (int,))):
            if name in root:
                value = root[name]
                if isinstance(value, bool) or not isinstance(value, kinds):
                    raise B2BInputError(f"{name}: expected a number, got {value!r}")
                options[name] = value
        return B2BProblem(
            participants=tuple(participants),
            slots=tuple(slots),
            meetings=tuple(meetings),
            precedences=tuple(precedences),
            fairness=root.get("fairness"),
            **options,
        )
    except B2BInputError:
        raise
    except (ValueError, TypeError) as exc:
        raise B2BInputError(str(exc)) from exc


def _meeting(item: Mapping[str, Any], where: str) -> Meeting:
    pair = item.get("participants")
    if not isinstance(pair, list) or len(pair) != 2:
        raise B2BInputError(f"{where}.participants: expected a list of two participant ids")
    return Meeting(
        id=_id(item, "id", where),
        participants=(
            _check_id(pair[0], f"{where}.participants[0]"),
            _check_id(pair[1], f"{where}.participants[1]"),
        ),
        window=item.get("window", "any"),
        weight=item.get("weight", 1),
        mandatory=_flag(item, "mandatory", where),
        locked_slot=None if item.get("locked_slot") is None else _id(item, "locked_slot", where),
    )


def problem_to_json(problem: B2BProblem) -> dict[str, Any]:
    return {
        "time_limit_s": problem.time_limit_s,
        "workers": problem.workers,
        "seed": problem.seed,
        "fairness": problem.fairness,
        "slots": [
            {"id": s.id, "day": s.day, "half": str(s.half), "capacity": s.capacity} for s in problem.slots
        ],
        "participants": [
            {
                "id": p.id,
                "unavailable": sorted(p.unavailable, key=lambda slot: (str(type(slot)), slot)),
                "max_meetings": p.max_meetings,
            }
            for p in problem.participants
        ],
        "meetings": [
            {
                "id": m.id,
                "participants": list(m.participants),
                "window": str(m.window),
                "weight": m.weight,
                "mandatory": m.mandatory,
                "locked_slot": m.locked_slot,
            }
            for m in problem.meetings
        ],
        "precedences": [{"before": p.before, "after": p.after} for p in problem.precedences],
    }


def schedule_to_json(schedule: B2BSchedule) -> dict[str, Any]:
    return {
        "status": str(schedule.status),
        "scheduled": len(schedule.assignments),
        "unscheduled": [
            {"meeting": item.meeting_id, "reason": str(item.reason), "detail": item.detail}
            for item in schedule.unscheduled
        ],
        "breaks": schedule.total_breaks,
        "max_breaks": schedule.max_breaks,
        "bound": {"weight": schedule.weight_bound, "breaks": schedule.breaks_bound},
        "seconds": round(schedule.timings.total_s, 3),
        "assignments": [{"meeting": a.meeting_id, "slot": a.slot_id} for a in schedule.assignments],
    }


def format_schedule(problem: B2BProblem, schedule: B2BSchedule) -> str:
    """A summary line, the meetings of each slot, and the meetings left out with their reasons."""
    lines = [
        f"status {schedule.status}: {len(schedule.assignments)} of {len(problem.meetings)} meetings scheduled, "
        f"weight {schedule.scheduled_weight} (bound {schedule.weight_bound}), "
        f"{schedule.total_breaks} breaks (bound {schedule.breaks_bound}), worst participant "
        f"{schedule.max_breaks}, {schedule.timings.total_s:.2f} s"
    ]
    by_slot: dict[Id, list[Id]] = {}
    for assignment in schedule.assignments:
        by_slot.setdefault(assignment.slot_id, []).append(assignment.meeting_id)
    if by_slot:
        lines.append("")
        for slot in problem.slots:
            meetings = by_slot.get(slot.id, [])
            lines.append(f"slot {slot.id} (day {slot.day}, {slot.half}): " + " ".join(map(str, meetings)))
    if schedule.unscheduled:
        lines += ["", "not scheduled:"]
        lines += [f"  {item.meeting_id}: {item.reason} - {item.detail}" for item in schedule.unscheduled]
    return "\n".join(lines)


def _flag(item: Mapping[str, Any], name: str, where: str) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise B2BInputError(f"{where}.{name}: expected true or false, got {value!r}")
    return value


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise B2BInputError(f"{where}: expected an object")
    return value


def _objects(root: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = root.get(name, [])
    if not isinstance(value, list):
        raise B2BInputError(f"{name}: expected a list")
    return [_object(item, f"{name}[{i}]") for i, item in enumerate(value)]


def _check_id(value: object, where: str) -> Id:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise B2BInputError(f"{where}: expected a string or an integer, got {value!r}")
    return value


def _id(item: Mapping[str, Any], name: str, where: str) -> Id:
    if name not in item:
        raise B2BInputError(f"{where}.{name}: missing")
    return _check_id(item[name], f"{where}.{name}")


def _ids(item: Mapping[str, Any], name: str, where: str) -> list[Id]:
    value = item.get(name, [])
    if not isinstance(value, list):
        raise B2BInputError(f"{where}.{name}: expected a list")
    return [_check_id(v, f"{where}.{name}[{i}]") for i, v in enumerate(value)]
