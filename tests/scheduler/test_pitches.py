from __future__ import annotations

import ast
import itertools
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler import (
    Interval,
    Pitch,
    PitchProblem,
    PitchSchedule,
    PitchSession,
    Placement,
    SlotRef,
    SolveStatus,
    Unplaced,
    UnplacedReason,
    schedule_pitches,
)
from scheduler.pitch_analysis import analyse_pitches, count_same_sector_neighbours

PARIS = ZoneInfo("Europe/Paris")
T0 = datetime(2020, 9, 22, 14, 0, tzinfo=PARIS)
REPO = Path(__file__).resolve().parents[2]


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def session(id: str = "s1", theme: str = "laser", start: int = 0, minutes: int = 28) -> PitchSession:
    return PitchSession(id=id, theme=theme, starts_at=at(start), ends_at=at(start + minutes), slot_minutes=7)


def pitch(
    id: str,
    *,
    company: str | None = None,
    theme: str = "laser",
    sector: str | None = None,
    busy: tuple[tuple[int, int], ...] = (),
    locked: SlotRef | None = None,
    priority: int = 1,
) -> Pitch:
    return Pitch(
        id=id,
        company=company or f"company-{id}",
        theme=theme,
        sector=sector,
        speaker_busy=tuple(Interval(at(start), at(end)) for start, end in busy),
        locked=locked,
        priority=priority,
    )


def sectored(sectors: str) -> list[Pitch]:
    return [pitch(f"p{n}", sector=sector) for n, sector in enumerate(sectors, 1)]


def solve(sessions: list[PitchSession], pitches: list[Pitch]) -> PitchSchedule:
    return schedule_pitches(PitchProblem(sessions, pitches, time_limit_s=5.0, workers=1))


def slots_of(schedule: PitchSchedule) -> dict[str | int, tuple[str | int, int]]:
    return {p.pitch_id: (p.session_id, p.slot_index) for p in schedule.placements}


def sectors_in_order(schedule: PitchSchedule, pitches: list[Pitch], session_id: str) -> list[str | None]:
    sector = {p.id: p.sector for p in pitches}
    return [sector[p.pitch_id] for p in schedule.placements if p.session_id == session_id]


def test_pitch_session_slot_count_floors_the_duration() -> None:
    thirty = session(minutes=30)
    assert thirty.slot_count == 4
    assert thirty.slot(3) == Interval(at(21), at(28))
    with pytest.raises(IndexError):
        thirty.slot(4)


def test_pitch_session_slot_count_counts_real_minutes_across_dst_change() -> None:
    night = PitchSession(
        id="night",
        theme="laser",
        starts_at=datetime(2020, 10, 25, 1, 30, tzinfo=PARIS),
        ends_at=datetime(2020, 10, 25, 2, 30, fold=1, tzinfo=PARIS),
        slot_minutes=10,
    )
    assert night.slot_count == 12
    assert night.slot(11).ends_at.isoformat() == "2020-10-25T02:30:00+01:00"


def test_pitch_problem_rejects_naive_times_and_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        PitchSession("s", "laser", datetime(2020, 9, 22, 14), at(28), 7)
    with pytest.raises(ValueError, match="two pitches share the id 'p'"):
        PitchProblem([session()], [pitch("p"), pitch("p")])
    with pytest.raises(ValueError, match="priority"):
        pitch("p", priority=0)


def test_schedule_pitches_places_four_of_five_and_reports_capacity() -> None:
    pitches = [pitch(f"p{n}", priority=2) for n in range(1, 5)] + [pitch("p5", priority=1)]

    schedule = solve([session()], pitches)

    assert schedule.status == SolveStatus.OPTIMAL == "optimal"
    assert sorted(slots_of(schedule)) == ["p1", "p2", "p3", "p4"]
    assert [p.slot_index for p in schedule.placements] == [0, 1, 2, 3]
    assert schedule.unplaced == (
        Unplaced(
            pitch_id="p5",
            reason_code=UnplacedReason.CAPACITY,
            detail="theme 'laser' has 4 slots for 5 pitches; the 4 slot(s) this pitch could take all hold "
            "other pitches",
            params=(("theme", "laser"), ("slots", 4), ("pitches", 5), ("candidate_slots", 4)),
        ),
    )
    # weights: slot indexes add up to at most 6, so a neighbour costs 7 and a placement 7 * (3 + 1) = 28
    assert schedule.objective == schedule.bound == 28 * 2 * 4 - (0 + 1 + 2 + 3)


def test_schedule_pitches_routes_pitches_to_sessions_of_their_theme() -> None:
    sessions = [session("s-laser", "laser", minutes=14), session("s-metro", "metrology", minutes=14)]
    pitches = [pitch("l1"), pitch("l2"), pitch("m1", theme="metrology"), pitch("n1", theme="nano")]

    schedule = solve(sessions, pitches)

    assert {p.pitch_id: p.session_id for p in schedule.placements} == {
        "l1": "s-laser",
        "l2": "s-laser",
        "m1": "s-metro",
    }
    assert [(p.session_id, p.slot_index) for p in schedule.placements] == [
        ("s-laser", 0),
        ("s-laser", 1),
        ("s-metro", 0),
    ]
    assert schedule.unplaced == (
        Unplaced(
            "n1",
            UnplacedReason.NO_SESSION_FOR_THEME,
            "there is no pitch session for theme 'nano'",
            (("theme", "nano"),),
        ),
    )


def test_schedule_pitches_reports_theme_whose_sessions_hold_no_slot() -> None:
    schedule = solve([session(minutes=5)], [pitch("p1")])

    assert schedule.placements == ()
    assert schedule.unplaced == (
        Unplaced(
            "p1",
            UnplacedReason.NO_SESSION_FOR_THEME,
            "the 1 session(s) of theme 'laser' are shorter than one slot",
            (("theme", "laser"),),
        ),
    )


def test_schedule_pitches_speaker_busy_forces_the_free_slot() -> None:
    # webinars 14:00-14:14 and 14:21-14:28: only slot 2 (14:14-14:21) is free; touching ends do not clash
    pitches = [pitch("busy", busy=((0, 14), (21, 28))), pitch("free")]

    schedule = solve([session()], pitches)

    assert slots_of(schedule) == {"free": ("s1", 0), "busy": ("s1", 2)}
    assert schedule.placement_of("busy") == Placement("busy", "s1", 2, at(14), at(21))


def test_schedule_pitches_reports_speaker_always_busy() -> None:
    schedule = solve([session()], [pitch("p1", busy=((-30, 60),))])

    assert schedule.unplaced == (
        Unplaced(
            "p1",
            UnplacedReason.SPEAKER_ALWAYS_BUSY,
            "the speaker is in a webinar during every one of the 4 slots of theme 'laser'",
            (("theme", "laser"), ("slots", 4)),
        ),
    )


def test_schedule_pitches_company_never_in_parallel_sessions_at_once() -> None:
    sessions = [session("a", minutes=14), session("b", minutes=14)]
    pitches = [pitch("x1", company="x"), pitch("x2", company="x"), pitch("d"), pitch("e")]

    schedule = solve(sessions, pitches)

    assert schedule.unplaced == ()
    x1, x2 = schedule.placement_of("x1"), schedule.placement_of("x2")
    assert x1 is not None and x2 is not None
    assert {x1.slot_index, x2.slot_index} == {0, 1}
    assert not Interval(x1.starts_at, x1.ends_at).overlaps(Interval(x2.starts_at, x2.ends_at))


def test_schedule_pitches_reports_company_clash() -> None:
    sessions = [session("a", minutes=7), session("b", minutes=7)]
    pitches = [pitch("x1", company="x", priority=2), pitch("x2", company="x")]

    schedule = solve(sessions, pitches)

    assert [p.pitch_id for p in schedule.placements] == ["x1"]
    assert schedule.unplaced == (
        Unplaced(
            "x2",
            UnplacedReason.COMPANY_CLASH,
            "every free slot this pitch could take overlaps pitch(es) 'x1' of the same company",
            (("others", "x1"),),
        ),
    )


def test_schedule_pitches_alternates_sectors_when_possible() -> None:
    pitches = [
        pitch("a1", sector="A"),
        pitch("a2", sector="A"),
        pitch("b1", sector="B"),
        pitch("b2", sector="B"),
    ]

    schedule = solve([session()], pitches)

    assert schedule.same_sector_neighbours == 0
    assert sectors_in_order(schedule, pitches, "s1") in (["A", "B", "A", "B"], ["B", "A", "B", "A"])


def test_schedule_pitches_reports_minimum_neighbours_when_separation_impossible() -> None:
    pitches = [
        pitch("a1", sector="A"),
        pitch("a2", sector="A"),
        pitch("a3", sector="A"),
        pitch("b1", sector="B"),
    ]

    schedule = solve([session()], pitches)

    assert len(schedule.placements) == 4
    assert schedule.same_sector_neighbours == 1
    assert sectors_in_order(schedule, pitches, "s1") in (["A", "B", "A", "A"], ["A", "A", "B", "A"])
    assert schedule.objective == 28 * 4 - 7 * 1 - 6


def test_schedule_pitches_fills_from_first_slot_rather_than_separate_with_a_hole() -> None:
    schedule = solve([session()], sectored("AA"))

    assert sorted(slots_of(schedule).values()) == [("s1", 0), ("s1", 1)]
    assert schedule.same_sector_neighbours == 1


def test_schedule_pitches_keeps_locked_pitches_in_place() -> None:
    pitches = [pitch("p1"), pitch("late", locked=SlotRef("s1", 3)), pitch("p2")]

    schedule = solve([session()], pitches)

    assert schedule.placement_of("late") == Placement("late", "s1", 3, at(21), at(28))
    assert sorted(slots_of(schedule).values()) == [("s1", 0), ("s1", 1), ("s1", 3)]


@pytest.mark.parametrize(
    ("locked", "busy", "cause", "detail"),
    [
        (SlotRef("nowhere", 0), (), "unknown_session", "locked to session 'nowhere', which does not exist"),
        (
            SlotRef("metro", 0),
            (),
            "wrong_theme",
            "locked to slot 0 of session 'metro', a session of theme 'metrology'; the pitch is for theme "
            "'laser'",
        ),
        (
            SlotRef("s1", 4),
            (),
            "slot_out_of_range",
            "locked to slot 4 of session 's1', which has slots 0 to 3",
        ),
        (
            SlotRef("s1", 1),
            ((5, 10),),
            "speaker_busy",
            "locked to slot 1 of session 's1', when the speaker is in a webinar",
        ),
    ],
)
def test_schedule_pitches_reports_invalid_lock(
    locked: SlotRef, busy: tuple[tuple[int, int], ...], cause: str, detail: str
) -> None:
    sessions = [session(), session("metro", "metrology")]

    schedule = solve(sessions, [pitch("bad", locked=locked, busy=busy), pitch("ok")])

    assert slots_of(schedule) == {"ok": ("s1", 0)}
    [unplaced] = schedule.unplaced
    assert (unplaced.pitch_id, unplaced.reason_code, unplaced.detail) == ("bad", "lock_invalid", detail)
    assert dict(unplaced.params)["cause"] == cause


def test_schedule_pitches_clashing_locks_refuse_the_later_one_without_failing() -> None:
    # locks are taken by priority, then input order: x2 (priority 2) keeps its lock, x1 overlaps it
    pitches = [
        pitch("first", locked=SlotRef("s1", 2)),
        pitch("second", locked=SlotRef("s1", 2)),
        pitch("x1", company="x", locked=SlotRef("s1", 0)),
        pitch("x2", company="x", locked=SlotRef("s2", 0), priority=2),
    ]

    schedule = solve([session(), session("s2")], pitches)

    assert schedule.status == "optimal"
    assert [(u.pitch_id, dict(u.params)["cause"]) for u in schedule.unplaced] == [
        ("second", "slot_taken"),
        ("x1", "company_clash"),
    ]
    assert schedule.unplaced[0].detail == "locked to slot 2 of session 's1', already locked for pitch 'first'"
    assert slots_of(schedule) == {"first": ("s1", 2), "x2": ("s2", 0)}


def test_schedule_pitches_empty_problem() -> None:
    schedule = schedule_pitches(PitchProblem((), ()))

    assert (schedule.status, schedule.placements, schedule.unplaced) == ("optimal", (), ())
    assert (schedule.same_sector_neighbours, schedule.objective, schedule.bound) == (0, 0, 0)


def test_schedule_pitches_same_input_same_output() -> None:
    sessions = [
        session("laser-a", "laser", minutes=35),
        session("laser-b", "laser", minutes=35),
        session("metro", "metrology", start=14, minutes=35),
    ]
    pitches = [
        pitch(
            f"p{n}",
            company=f"c{n % 7}",
            theme="metrology" if n % 3 == 0 else "laser",
            sector="ABC"[n % 3 - (n // 5) % 2],
            busy=((7 * (n % 4), 7 * (n % 4) + 7),) if n % 2 else (),
            priority=1 + n % 2,
        )
        for n in range(18)
    ]

    first, second = solve(sessions, pitches), solve(sessions, pitches)

    assert first.status == "optimal"
    assert (first.placements, first.unplaced, first.objective) == (
        second.placements,
        second.unplaced,
        second.objective,
    )
    assert len(first.placements) + len(first.unplaced) == 18


def test_scheduler_package_imports_no_web_stack() -> None:
    imported = set()
    for module in (REPO / "scheduler").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
    assert imported - set(sys.stdlib_module_names) == {"ortools", "scheduler"}


def best_by_exhaustive_search(problem: PitchProblem) -> tuple[int, int, int]:
    """(placed priority, -neighbours, -sum of slot indexes) of the best schedule, trying every assignment."""
    analysis = analyse_pitches(problem)
    pitches = {p.id: p for p in problem.pitches}
    ids = list(analysis.candidates)
    best = (0, 0, 0)
    for choice in itertools.product(*[[None, *analysis.candidates[i]] for i in ids]):
        placed = {i: ref for i, ref in zip(ids, choice, strict=True) if ref is not None}
        if any(placed.get(i) != ref for i, ref in analysis.locks.items()):
            continue
        if len(set(placed.values())) < len(placed):
            continue
        if any(
            pitches[a].company == pitches[b].company and analysis.slots[ra].overlaps(analysis.slots[rb])
            for (a, ra), (b, rb) in itertools.combinations(placed.items(), 2)
        ):
            continue
        best = max(
            best,
            (
                sum(pitches[i].priority for i in placed),
                -count_same_sector_neighbours(problem, placed),
                -sum(ref.slot_index for ref in placed.values()),
            ),
        )
    return best


def random_busy(rng: random.Random) -> tuple[tuple[int, int], ...]:
    if rng.random() < 0.6:
        return ()
    start = rng.choice([0, 3, 7, 14, 21])
    return ((start, start + rng.choice([5, 7, 14])),)


def random_problem(rng: random.Random) -> PitchProblem:
    sessions = [
        session(
            f"s{n}",
            rng.choice("LM") if n else "L",
            start=rng.choice([0, 7, 14]),
            minutes=rng.choice([14, 21, 28]),
        )
        for n in range(rng.randint(1, 2))
    ]
    pitches = [
        pitch(
            f"p{n}",
            company=rng.choice("xy"),
            theme=rng.choice("LLLLLMN"),
            sector=rng.choice(["A", "A", "B", None]),
            busy=random_busy(rng),
            locked=SlotRef(rng.choice(sessions).id, rng.randrange(4)) if rng.random() < 0.2 else None,
            priority=rng.randint(1, 3),
        )
        for n in range(rng.randint(0, 6))
    ]
    return PitchProblem(sessions, pitches, time_limit_s=5.0, workers=1)


def test_schedule_pitches_matches_exhaustive_search_on_small_problems() -> None:
    rng = random.Random(2020)
    for _ in range(100):
        problem = random_problem(rng)
        schedule = schedule_pitches(problem)
        placed = {p.pitch_id: SlotRef(p.session_id, p.slot_index) for p in schedule.placements}
        priority = {p.id: p.priority for p in problem.pitches}
        found = (
            sum(priority[i] for i in placed),
            -schedule.same_sector_neighbours,
            -sum(ref.slot_index for ref in placed.values()),
        )
        assert (schedule.status, found) == ("optimal", best_by_exhaustive_search(problem)), problem
        assert "not_placed" not in {u.reason_code for u in schedule.unplaced}
