"""The pitch solve as the worker's child process runs it (`emicronora.processes`): the problem in, the
schedule out, both the scheduler's frozen dataclasses. It imports the scheduler and nothing of the web
application, so that the child starts quickly."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from scheduler import PitchProblem, PitchSchedule, schedule_pitches


def solve(problem: PitchProblem, _progress: Callable[[Any], None], stop: threading.Event) -> PitchSchedule:
    """CP-SAT within the problem's time limit; a stop ends it early with the best schedule so far."""
    return schedule_pitches(problem, stop)
