"""The pitch problem and schedule as JSON, and the schedule as a text table (for `python -m scheduler`).

Problem file (times are ISO 8601 with an offset or Z; ids are strings or integers, kept as given):

    {
      "time_limit_s": 10.0,            optional (default 10), overridden by --time-limit
      "workers": 2,                    optional (default 2)
      "seed": 0,                       optional (default 0)
      "sessions": [
        {"id": "laser-pm", "theme": "laser", "starts_at": "2020-09-22T14:00:00+02:00",
         "ends_at": "2020-09-22T15:00:00+02:00", "slot_minutes": 7}
      ],
      "pitches": [
        {"id": 17, "company": "acme", "theme": "laser", "sector": "health",     sector may be null
         "speaker_busy": [{"starts_at": "...", "ends_at": "..."}],              optional, default []
         "locked": {"session_id": "laser-pm", "slot_index": 3},                 optional, default null
         "priority": 1}                                                         optional, default 1
      ]
    }

Schedule (`--json`): {"status", "objective", "bound", "wall_time_s", "same_sector_neighbours",
"placements": [{"pitch_id", "session_id", "slot_index", "starts_at", "ends_at"}],
"unplaced": [{"pitch_id", "reason_code", "detail", "params": {name: value}}]}.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from scheduler.pitch_data import (
    Id,
    Interval,
    Pitch,
    PitchProblem,
    PitchSchedule,
    PitchSession,
    SlotRef,
)

T = TypeVar("T")


class PitchInputError(ValueError):
    """The problem file does not describe a valid problem; the message says where."""


def pitch_problem_from_json(data: object) -> PitchProblem:
    """Build a problem from parsed JSON (see the module docstring for the format)."""
    root = _object(data, "the file")
    sessions = [
        _parse(_session, item, f"sessions[{index}]")
        for index, item in enumerate(_list(root, "sessions", "the file"))
    ]
    pitches = [
        _parse(_pitch, item, f"pitches[{index}]")
        for index, item in enumerate(_list(root, "pitches", "the file"))
    ]
    options: dict[str, Any] = {}
    for name, kind, expected in (
        ("time_limit_s", int | float, "a number"),
        ("workers", int, "an integer"),
        ("seed", int, "an integer"),
    ):
        if name in root:
            value = root[name]
            if isinstance(value, bool) or not isinstance(value, kind):
                raise PitchInputError(f"{name}: expected {expected}, got {value!r}")
            options[name] = value
    try:
        return PitchProblem(sessions=tuple(sessions), pitches=tuple(pitches), **options)
    except ValueError as exc:
        raise PitchInputError(str(exc)) from exc


def pitch_schedule_to_json(schedule: PitchSchedule) -> dict[str, Any]:
    return {
        "status": str(schedule.status),
        "objective": schedule.objective,
        "bound": schedule.bound,
        "wall_time_s": round(schedule.wall_time_s, 3),
        "same_sector_neighbours": schedule.same_sector_neighbours,
        "placements": [
            {
                "pitch_id": placement.pitch_id,
                "session_id": placement.session_id,
                "slot_index": placement.slot_index,
                "starts_at": placement.starts_at.isoformat(),
                "ends_at": placement.ends_at.isoformat(),
            }
            for placement in schedule.placements
        ],
        "unplaced": [
            {
                "pitch_id": item.pitch_id,
                "reason_code": str(item.reason_code),
                "detail": item.detail,
                "params": dict(item.params),
            }
            for item in schedule.unplaced
        ],
    }


def format_pitch_schedule(problem: PitchProblem, schedule: PitchSchedule) -> str:
    """The schedule as text tables; times in each session's own zone, as the problem gives them."""
    pitches = {pitch.id: pitch for pitch in problem.pitches}
    bound = "" if schedule.bound is None else f" (bound {schedule.bound})"
    lines = [
        f"status {schedule.status}, {len(schedule.placements)} of {len(problem.pitches)} pitches placed, "
        f"{schedule.same_sector_neighbours} same-sector neighbours, objective {schedule.objective}{bound}, "
        f"{schedule.wall_time_s:.2f} s",
    ]
    if schedule.placements:
        lines.append("")
        lines += _table(
            ("session", "slot", "starts", "ends", "pitch", "company", "sector"),
            [
                (
                    placement.session_id,
                    placement.slot_index,
                    placement.starts_at.strftime("%Y-%m-%d %H:%M"),
                    placement.ends_at.strftime("%H:%M"),
                    placement.pitch_id,
                    pitches[placement.pitch_id].company,
                    pitches[placement.pitch_id].sector or "-",
                )
                for placement in schedule.placements
            ],
        )
    if schedule.unplaced:
        lines += ["", "not placed:"]
        lines += _table(
            ("pitch", "reason", "detail"),
            [(item.pitch_id, item.reason_code, item.detail) for item in schedule.unplaced],
        )
    return "\n".join(lines)


def _table(headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> list[str]:
    cells = [list(headers), *[[str(value) for value in row] for row in rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(headers))]
    return [
        "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]


def _parse(build: Callable[[Mapping[str, Any], str], T], item: object, where: str) -> T:
    fields = _object(item, where)
    try:
        return build(fields, where)
    except PitchInputError:
        raise
    except ValueError as exc:
        raise PitchInputError(f"{where}: {exc}") from exc


def _session(fields: Mapping[str, Any], where: str) -> PitchSession:
    return PitchSession(
        id=_id(fields, "id", where),
        theme=_id(fields, "theme", where),
        starts_at=_time(fields, "starts_at", where),
        ends_at=_time(fields, "ends_at", where),
        slot_minutes=_required(fields, "slot_minutes", where),
    )


def _pitch(fields: Mapping[str, Any], where: str) -> Pitch:
    sector = fields.get("sector")
    if sector is not None and not isinstance(sector, str):
        raise PitchInputError(f"{where}.sector: expected a string or null, got {sector!r}")
    busy = fields.get("speaker_busy", [])
    if not isinstance(busy, list):
        raise PitchInputError(f"{where}.speaker_busy: expected a list")
    speaker_busy = tuple(
        _parse(
            lambda span, at: Interval(_time(span, "starts_at", at), _time(span, "ends_at", at)),
            span,
            f"{where}.speaker_busy[{index}]",
        )
        for index, span in enumerate(busy)
    )
    locked = None
    if fields.get("locked") is not None:
        lock = _object(fields["locked"], f"{where}.locked")
        slot_index = _required(lock, "slot_index", f"{where}.locked")
        if isinstance(slot_index, bool) or not isinstance(slot_index, int):
            raise PitchInputError(f"{where}.locked.slot_index: expected an integer")
        locked = SlotRef(session_id=_id(lock, "session_id", f"{where}.locked"), slot_index=slot_index)
    return Pitch(
        id=_id(fields, "id", where),
        company=_id(fields, "company", where),
        theme=_id(fields, "theme", where),
        sector=sector,
        speaker_busy=speaker_busy,
        locked=locked,
        priority=fields.get("priority", 1),
    )


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise PitchInputError(f"{where}: expected an object")
    return value


def _list(fields: Mapping[str, Any], name: str, where: str) -> list[Any]:
    value = fields.get(name, [])
    if not isinstance(value, list):
        raise PitchInputError(f"{where}: {name} must be a list")
    return value


def _required(fields: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in fields:
        raise PitchInputError(f"{where}.{name}: missing")
    return fields[name]


def _id(fields: Mapping[str, Any], name: str, where: str) -> Id:
    value = _required(fields, name, where)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PitchInputError(f"{where}.{name}: expected a string or an integer, got {value!r}")
    return value


def _time(fields: Mapping[str, Any], name: str, where: str) -> datetime:
    value = _required(fields, name, where)
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise PitchInputError(f"{where}.{name}: expected an ISO 8601 time with an offset, got {value!r}")
    return parsed
