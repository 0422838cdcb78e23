"""Pure OR-Tools schedulers: frozen dataclasses in, frozen dataclasses out.

The package never imports the web application, SQLAlchemy or Starlette, and runs on its own:
`python -m scheduler pitches FILE.json` (see `scheduler.cli`).
"""

from scheduler.pitches import (
    Interval,
    Pitch,
    PitchProblem,
    PitchSchedule,
    PitchSession,
    Placement,
    SlotRef,
    Unplaced,
    UnplacedReason,
    schedule_pitches,
)
from scheduler.solving import SolveStatus

__all__ = [
    "Interval",
    "Pitch",
    "PitchProblem",
    "PitchSchedule",
    "PitchSession",
    "Placement",
    "SlotRef",
    "SolveStatus",
    "Unplaced",
    "UnplacedReason",
    "schedule_pitches",
]
