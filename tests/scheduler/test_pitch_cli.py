from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from scheduler import Interval, Pitch, PitchProblem, PitchSession, SlotRef
from scheduler.cli import main
from scheduler.pitch_json import PitchInputError, pitch_problem_from_json

REPO = Path(__file__).resolve().parents[2]
CEST = timezone(timedelta(hours=2))

PROBLEM = {
    "workers": 1,
    "sessions": [
        {
            "id": "laser-pm",
            "theme": "laser",
            "starts_at": "2020-09-22T14:00:00+02:00",
            "ends_at": "2020-09-22T14:21:00+02:00",
            "slot_minutes": 7,
        }
    ],
    "pitches": [
        {"id": 1, "company": "acme", "theme": "laser", "sector": "health"},
        {
            "id": 2,
            "company": "optique",
            "theme": "laser",
            "sector": None,
            "speaker_busy": [{"starts_at": "2020-09-22T12:00:00Z", "ends_at": "2020-09-22T12:07:00Z"}],
            "priority": 2,
        },
        {
            "id": 3,
            "company": "bolt",
            "theme": "laser",
            "sector": "health",
            "locked": {"session_id": "laser-pm", "slot_index": 2},
        },
        {"id": 4, "company": "nano", "theme": "nano", "sector": "health"},
    ],
}


def write_problem(tmp_path: Path, problem: object) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem), encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args], capture_output=True, text=True, cwd=REPO, timeout=60
    )


def test_pitch_problem_from_json_reads_every_field() -> None:
    at = datetime(2020, 9, 22, 14, 0, tzinfo=CEST)

    problem = pitch_problem_from_json(PROBLEM)

    assert problem == PitchProblem(
        sessions=(PitchSession("laser-pm", "laser", at, at + timedelta(minutes=21), 7),),
        pitches=(
            Pitch(1, "acme", "laser", "health"),
            Pitch(
                2,
                "optique",
                "laser",
                None,
                speaker_busy=(Interval(at, at + timedelta(minutes=7)),),
                priority=2,
            ),
            Pitch(3, "bolt", "laser", "health", locked=SlotRef("laser-pm", 2)),
            Pitch(4, "nano", "nano", "health"),
        ),
        workers=1,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p["pitches"][0].pop("theme"), "pitches[0].theme: missing"),
        (
            lambda p: p["sessions"][0].update(starts_at="2020-09-22T14:00:00"),
            "sessions[0].starts_at: expected an ISO 8601 time with an offset, got '2020-09-22T14:00:00'",
        ),
        (lambda p: p["pitches"][1].update(priority=0), "pitches[1]: pitch 2: priority must be an int >= 1"),
        (lambda p: p.update(workers="two"), "workers: expected an integer, got 'two'"),
    ],
)
def test_pitch_problem_from_json_says_where_the_input_is_wrong(
    change: Callable[[dict[str, Any]], object], message: str
) -> None:
    problem = json.loads(json.dumps(PROBLEM))
    change(problem)
    with pytest.raises(PitchInputError) as error:
        pitch_problem_from_json(problem)
    assert str(error.value) == message


def test_cli_pitches_prints_the_schedule_as_json(tmp_path: Path) -> None:
    result = run_cli("pitches", str(write_problem(tmp_path, PROBLEM)), "--json", "--time-limit", "5")

    assert (result.returncode, result.stderr) == (0, "")
    schedule = json.loads(result.stdout)
    assert schedule.pop("wall_time_s") > 0
    assert schedule == {
        "status": "optimal",
        # 3 slots: indexes add up to at most 3, a neighbour weighs 4, a placement 4 * (2 + 1) = 12
        "objective": 12 * (1 + 2 + 1) - (0 + 1 + 2),
        "bound": 45,
        "same_sector_neighbours": 0,
        "placements": [
            {
                "pitch_id": 1,
                "session_id": "laser-pm",
                "slot_index": 0,
                "starts_at": "2020-09-22T14:00:00+02:00",
                "ends_at": "2020-09-22T14:07:00+02:00",
            },
            {
                "pitch_id": 2,
                "session_id": "laser-pm",
                "slot_index": 1,
                "starts_at": "2020-09-22T14:07:00+02:00",
                "ends_at": "2020-09-22T14:14:00+02:00",
            },
            {
                "pitch_id": 3,
                "session_id": "laser-pm",
                "slot_index": 2,
                "starts_at": "2020-09-22T14:14:00+02:00",
                "ends_at": "2020-09-22T14:21:00+02:00",
            },
        ],
        "unplaced": [
            {
                "pitch_id": 4,
                "reason_code": "no_session_for_theme",
                "detail": "there is no pitch session for theme 'nano'",
                "params": {"theme": "nano"},
            }
        ],
    }


def test_cli_pitches_prints_the_schedule_as_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pitches", str(write_problem(tmp_path, PROBLEM))]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "status optimal, 3 of 4 pitches placed, 0 same-sector neighbours, objective 45 (bound 45), "
    )
    assert lines[1:] == [
        "",
        "session   slot  starts            ends   pitch  company  sector",
        "laser-pm  0     2020-09-22 14:00  14:07  1      acme     health",
        "laser-pm  1     2020-09-22 14:07  14:14  2      optique  -",
        "laser-pm  2     2020-09-22 14:14  14:21  3      bolt     health",
        "",
        "not placed:",
        "pitch  reason                detail",
        "4      no_session_for_theme  there is no pitch session for theme 'nano'",
    ]


def test_cli_pitches_rejects_a_bad_file_with_exit_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "problem.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(SystemExit) as exit_:
        main(["pitches", str(path)])

    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: {path} is not JSON: ")
