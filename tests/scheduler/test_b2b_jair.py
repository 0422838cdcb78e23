from __future__ import annotations

import time

import pytest

from scheduler.b2b_dzn import read_dzn
from scheduler.b2b_solve import schedule_meetings
from scheduler.b2b_validate import validate_schedule
from tests.scheduler.b2b_jair import jair_file


@pytest.mark.parametrize(("name", "optimum"), [("tic-12", 0), ("forumt-14crafd", 4)])
def test_jair_instance_reaches_the_published_optimum(name: str, optimum: int) -> None:
    # about a second each on an idle 2-core machine; the limit leaves room for a busy one
    problem = read_dzn(jair_file(name), fairness=2, time_limit_s=20).problem
    started = time.monotonic()
    schedule = schedule_meetings(problem)
    assert time.monotonic() - started < 20
    assert validate_schedule(problem, schedule).violations == ()
    assert schedule.status == "optimal"
    assert (schedule.total_breaks, schedule.breaks_bound) == (optimum, optimum)
    assert len(schedule.assignments) == len(problem.meetings)
    assert schedule.max_breaks <= 2
