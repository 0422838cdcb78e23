from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.b2b_dzn import read_dzn
from scheduler.b2b_json import problem_from_json, problem_to_json
from scheduler.b2b_validate import validate_assignments
from scheduler.cli import main
from tests.scheduler.b2b_factories import day_slots, meeting, problem
from tests.scheduler.b2b_jair import jair_file

REPO = Path(__file__).resolve().parents[2]
KEYS = ["status", "scheduled", "unscheduled", "breaks", "max_breaks", "bound", "seconds", "assignments"]


def forced_break_file(tmp_path: Path) -> Path:
    p = problem(
        [meeting(1, "a", "b"), meeting(2, "a", "c"), meeting(3, "a", "d"), meeting(4, "b", "c", weight=2)],
        day_slots(4),
        unavailable={"a": {2}, "d": {1, 3, 4}},
    )
    path = tmp_path / "fair.json"
    path.write_text(json.dumps(problem_to_json(p)), encoding="utf-8")
    return path


def test_cli_solve_prints_the_schedule_as_one_json_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(forced_break_file(tmp_path)), "--json", "--time-limit", "5"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == KEYS
    assert out["seconds"] > 0
    # d can only meet in slot 2, when a is away: meeting 3 stays out; then a, b or c has one break
    assert {k: out[k] for k in KEYS if k not in ("seconds", "assignments")} == {
        "status": "optimal",
        "scheduled": 3,
        "unscheduled": [
            {
                "meeting": 3,
                "reason": "no_common_slot",
                "detail": "'a' and 'd' have no common available slot in the any window",
            }
        ],
        "breaks": 1,
        "max_breaks": 1,
        "bound": {"weight": 4, "breaks": 1},
    }
    slots = {a["meeting"]: a["slot"] for a in out["assignments"]}
    assert set(slots) == {1, 2, 4}
    assert (
        validate_assignments(
            problem_from_json(json.loads((tmp_path / "fair.json").read_text())), slots
        ).violations
        == ()
    )


def test_cli_solve_prints_a_text_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(forced_break_file(tmp_path)), "--time-limit", "5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("status optimal: 3 of 4 meetings scheduled, weight 4 (bound 4), 1 breaks (bound 1)")
    assert "  3: no_common_slot - 'a' and 'd' have no common available slot in the any window" in out


def test_cli_solve_reads_a_dzn_instance_with_one_based_numbers() -> None:
    path = jair_file("tic-12")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scheduler",
            "solve",
            str(path),
            "--json",
            "--time-limit",
            "10",
            "--fairness",
            "2",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    out = json.loads(result.stdout)
    assert (out["status"], out["scheduled"], out["unscheduled"], out["breaks"]) == ("optimal", 125, [], 0)
    slots = {a["meeting"]: a["slot"] for a in out["assignments"]}
    assert sorted(slots) == list(range(1, 126))
    assert set(slots.values()) <= set(range(1, 9))
    assert validate_assignments(read_dzn(path, fairness=2).problem, slots).violations == ()


def test_cli_solve_rejects_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"slots": [{"id": 1}], "meetings": [{"id": 1, "participants": ["a", "b"]}]}))
    with pytest.raises(SystemExit) as exit_:
        main(["solve", str(path)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == f"error: {path}: meeting 1: unknown participant 'a'\n"


def test_cli_generate_writes_a_fair_that_solves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fair.json"
    args = ["generate", "--participants", "30", "--requests", "100", "--slots", "16", "--seed", "4"]
    assert main([*args, "--output", str(path)]) == 0
    fair = problem_from_json(json.loads(path.read_text()))
    assert (len(fair.participants), len(fair.meetings), len(fair.slots)) == (30, 100, 16)
    assert main(["solve", str(path), "--json", "--time-limit", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    slots = {a["meeting"]: a["slot"] for a in out["assignments"]}
    assert validate_assignments(fair, slots).violations == ()
    assert out["scheduled"] == len(slots) > 0


def test_cli_bench_prints_the_jair_table(capsys: pytest.CaptureFixture[str]) -> None:
    jair_file("tic-12")
    assert main(["bench", "--skip", "fair", "scale", "--instances", "tic-12", "--jair-time-limit", "5"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("tic-12 "))
    assert row.split()[:8] == ["tic-12", "42", "125", "8", "21", "0", "0", "0"]
    assert "optimum reached 1/1, proved optimal 1/1, total breaks 0 (published optima sum to 0)" in out
