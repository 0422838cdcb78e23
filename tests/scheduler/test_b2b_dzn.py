from __future__ import annotations

import pytest

from scheduler.b2b_data import Half, Window
from scheduler.b2b_dzn import DznError, parse_dzn, read_dzn
from tests.scheduler.b2b_jair import jair_file

# P, M, T, L of the README table of ../shared/benchmarks/b2b-jair
SIZES = {
    "forum-13": (70, 154, 21, 14),
    "forum-13crafb": (76, 195, 22, 14),
    "forum-13crafc": (70, 154, 21, 12),
    "forum-14": (78, 302, 22, 22),
    "forumt-14": (60, 237, 10, 27),
    "forumt-14crafc": (60, 237, 10, 25),
    "forumt-14crafd": (60, 236, 10, 25),
    "forumt-14crafe": (60, 236, 10, 24),
    "tic-12": (42, 125, 8, 21),
    "tic-12crafc": (42, 125, 8, 16),
    "tic-13": (47, 180, 10, 21),
    "tic-13crafb": (46, 184, 10, 21),
    "tic-13crafc": (47, 180, 10, 19),
    "tic-14crafa": (60, 237, 10, 27),
    "tic-14crafc": (60, 237, 10, 25),
    "tic-14crafd": (60, 236, 10, 25),
    "ticf-13crafa": (70, 154, 21, 14),
    "ticf-13crafb": (76, 195, 22, 14),
    "ticf-13crafc": (70, 154, 21, 12),
    "ticf-14crafa": (78, 302, 22, 22),
}

SMALL = """
% a hand-made instance in the benchmark's format
nBusiness = 3;
nMeetings = 3;
nTables = 1;
nTotalSlots = 4;
nMorningSlots = 2;
requested = [|1, 2,1,
|1, 3,2,
|2, 3,3,
|];
meetingsxBusiness = [{1,2,3},{1,2,4},{1,3,4}];
nMeetingsBusiness = [2,2,2];
forbidden = [{0},{1,4},{0}];
fixed = [0,3,0];
precedences = [{},{},{1}];
"""


@pytest.mark.parametrize("name", sorted(SIZES))
def test_read_dzn_counts_match_the_published_table(name: str) -> None:
    instance = read_dzn(jair_file(name), fairness=2)
    assert (instance.participants, instance.meetings, instance.slots, instance.tables) == SIZES[name]
    problem = instance.problem
    assert (len(problem.participants), len(problem.meetings), len(problem.slots)) == SIZES[name][:3]
    assert {slot.capacity for slot in problem.slots} == {SIZES[name][3]}
    assert all(m.mandatory for m in problem.meetings)
    assert problem.fairness == 2


def test_parse_dzn_reads_windows_forbidden_fixed_and_precedences() -> None:
    instance = parse_dzn(SMALL)
    problem = instance.problem
    assert [(s.id, s.half) for s in problem.slots] == [
        (1, Half.MORNING),
        (2, Half.MORNING),
        (3, Half.AFTERNOON),
        (4, Half.AFTERNOON),
    ]
    assert [(m.id, m.participants, m.window, m.locked_slot) for m in problem.meetings] == [
        (1, (1, 2), Window.MORNING, None),
        (2, (1, 3), Window.AFTERNOON, 3),
        (3, (2, 3), Window.ANY, None),
    ]
    assert [p.unavailable for p in problem.participants] == [frozenset(), frozenset({1, 4}), frozenset()]
    assert [(p.before, p.after) for p in problem.precedences] == [(1, 3)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("nMeetings = 3;", "nMeetings = 4;"), "requested has 3 rows for nMeetings = 4"),
        (("|2, 3,3,", "|2, 3,5,"), "requested row 3: session 5 is not 1, 2 or 3"),
        (("|2, 3,3,", "|2, 9,3,"), "requested row 3: participant 9 is not within 1..3"),
        (("fixed = [0,3,0];", "fixed = [0,3];"), "fixed has 2 entries for nMeetings = 3"),
        (("nTables = 1;", ""), "nTables is missing"),
        (
            ("forbidden = [{0},{1,4},{0}];", "forbidden = [{0},{1,7},{0}];"),
            "forbidden[2]: 7 is not within 1..4",
        ),
    ],
)
def test_parse_dzn_rejects_a_broken_instance(change: tuple[str, str], message: str) -> None:
    with pytest.raises(DznError) as error:
        parse_dzn(SMALL.replace(*change))
    assert str(error.value) == message
