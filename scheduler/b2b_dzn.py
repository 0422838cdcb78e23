"""The MiniZinc `.dzn` instances of the published B2B benchmark (Bofill et al., JAIR 2022) as a B2BProblem.

An instance gives `nBusiness` participants, `nMeetings` rows of `requested = [| p1, p2, session | ...|]`
(session 1: morning slots only, 2: afternoon only, 3: either), `nTotalSlots` slots of which the first
`nMorningSlots` are the morning, `nTables` tables per slot, and per participant `forbidden` slots ({0}:
none), per meeting a `fixed` slot (0: free) and `precedences` (per meeting, the meetings that must come
before it). All meetings are mandatory; everything happens on one day.

Participants, meetings and slots keep their 1-based numbers as ids: meeting i is row i of `requested`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scheduler.b2b_data import B2BProblem, Half, Meeting, Participant, Precedence, Slot, Window

_WINDOWS = {1: Window.MORNING, 2: Window.AFTERNOON, 3: Window.ANY}


class DznError(ValueError):
    """The file is not a B2B instance as the benchmark writes them; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class DznInstance:
    """The raw sizes of an instance (P participants, M meetings, T slots, L tables) and its problem."""

    participants: int
    meetings: int
    slots: int
    tables: int
    morning_slots: int
    problem: B2BProblem


def read_dzn(path: Path, *, fairness: int | None = None, time_limit_s: float = 10.0) -> DznInstance:
    return parse_dzn(path.read_text(encoding="utf-8"), fairness=fairness, time_limit_s=time_limit_s)


def parse_dzn(text: str, *, fairness: int | None = None, time_limit_s: float = 10.0) -> DznInstance:
    values = _assignments(text)
    n_participants = _int(values, "nBusiness")
    n_meetings = _int(values, "nMeetings")
    n_tables = _int(values, "nTables")
    n_slots = _int(values, "nTotalSlots")
    n_morning = _int(values, "nMorningSlots")
    if not 0 <= n_morning <= n_slots:
        raise DznError(f"nMorningSlots = {n_morning} is not within 0..nTotalSlots = {n_slots}")

    rows = _matrix(values, "requested", columns=3)
    if len(rows) != n_meetings:
        raise DznError(f"requested has {len(rows)} rows for nMeetings = {n_meetings}")
    forbidden = _sets(values, "forbidden", n_participants) if "forbidden" in values else None
    fixed = _ints(values, "fixed") if "fixed" in values else [0] * n_meetings
    if len(fixed) != n_meetings:
        raise DznError(f"fixed has {len(fixed)} entries for nMeetings = {n_meetings}")
    precedences = _sets(values, "precedences", n_meetings) if "precedences" in values else None

    slots = [
        Slot(id=t, day=1, half=Half.MORNING if t <= n_morning else Half.AFTERNOON, capacity=n_tables)
        for t in range(1, n_slots + 1)
    ]
    participants = []
    for p in range(1, n_participants + 1):
        blocked = {t for t in forbidden[p - 1] if t != 0} if forbidden else set()
        _check_range(blocked, n_slots, f"forbidden[{p}]")
        participants.append(Participant(id=p, unavailable=frozenset(blocked)))
    meetings = []
    for i, (first, second, session) in enumerate(rows, start=1):
        for who in (first, second):
            if not 1 <= who <= n_participants:
                raise DznError(f"requested row {i}: participant {who} is not within 1..{n_participants}")
        if session not in _WINDOWS:
            raise DznError(f"requested row {i}: session {session} is not 1, 2 or 3")
        lock = fixed[i - 1]
        if not 0 <= lock <= n_slots:
            raise DznError(f"fixed[{i}] = {lock} is not within 0..{n_slots}")
        meetings.append(
            Meeting(
                id=i,
                participants=(first, second),
                window=_WINDOWS[session],
                mandatory=True,
                locked_slot=lock or None,
            )
        )
    order = []
    for after, befores in enumerate(precedences or [], start=1):
        _check_range(befores, n_meetings, f"precedences[{after}]")
        order += [Precedence(before=before, after=after) for before in sorted(befores)]
    try:
        problem = B2BProblem(
            participants=tuple(participants),
            slots=tuple(slots),
            meetings=tuple(meetings),
            precedences=tuple(order),
            fairness=fairness,
            time_limit_s=time_limit_s,
        )
    except ValueError as exc:
        raise DznError(str(exc)) from exc
    return DznInstance(n_participants, n_meetings, n_slots, n_tables, n_morning, problem)


def _assignments(text: str) -> dict[str, str]:
    without_comments = re.sub(r"%[^\n]*", "", text)
    values: dict[str, str] = {}
    for statement in without_comments.split(";"):
        if not statement.strip():
            continue
        name, equals, value = statement.partition("=")
        if not equals or not re.fullmatch(r"\s*[A-Za-z_]\w*\s*", name):
            raise DznError(f"not an assignment: {statement.strip()[:40]!r}")
        values[name.strip()] = value.strip()
    return values


def _int(values: dict[str, str], name: str) -> int:
    if name not in values:
        raise DznError(f"{name} is missing")
    try:
        return int(values[name])
    except ValueError:
        raise DznError(f"{name} is not an integer: {values[name][:40]!r}") from None


def _numbers(text: str, name: str) -> list[int]:
    try:
        return [int(token) for token in re.split(r"[\s,]+", text.strip()) if token]
    except ValueError:
        raise DznError(f"{name}: expected integers in {text.strip()[:40]!r}") from None


def _matrix(values: dict[str, str], name: str, *, columns: int) -> list[tuple[int, ...]]:
    value = values.get(name)
    if value is None:
        raise DznError(f"{name} is missing")
    match = re.fullmatch(r"\[\|(.*)\|\]", value, flags=re.DOTALL)
    if match is None:
        raise DznError(f"{name} is not a [| ... |] matrix")
    rows = []
    for row in match.group(1).split("|"):
        numbers = _numbers(row, name)
        if not numbers:
            continue
        if len(numbers) != columns:
            raise DznError(f"{name}: a row has {len(numbers)} values instead of {columns}")
        rows.append(tuple(numbers))
    return rows


def _ints(values: dict[str, str], name: str) -> list[int]:
    match = re.fullmatch(r"\[(.*)\]", values[name], flags=re.DOTALL)
    if match is None:
        raise DznError(f"{name} is not a [ ... ] array")
    return _numbers(match.group(1), name)


def _sets(values: dict[str, str], name: str, length: int) -> list[set[int]]:
    match = re.fullmatch(r"\[(.*)\]", values[name], flags=re.DOTALL)
    if match is None:
        raise DznError(f"{name} is not a [ ... ] array of sets")
    body = match.group(1)
    sets = [set(_numbers(item, name)) for item in re.findall(r"\{([^{}]*)\}", body)]
    if re.sub(r"\{[^{}]*\}|[\s,]", "", body):
        raise DznError(f"{name}: expected only sets {{...}} in the array")
    if len(sets) != length:
        raise DznError(f"{name} has {len(sets)} sets instead of {length}")
    return sets


def _check_range(numbers: set[int], top: int, where: str) -> None:
    for number in numbers:
        if not 1 <= number <= top:
            raise DznError(f"{where}: {number} is not within 1..{top}")
