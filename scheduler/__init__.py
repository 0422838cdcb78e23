"""Pure OR-Tools schedulers: frozen dataclasses in, frozen dataclasses out.

The package never imports the web application, SQLAlchemy or Starlette, and runs on its own:
`python -m scheduler pitches FILE.json`, `python -m scheduler solve FILE` (see `scheduler.cli`).

The pitch programme: `schedule_pitches` (pitch_data, pitch_analysis, pitch_model, pitch_json).

The B2B meeting scheduler: `schedule_meetings(B2BProblem) -> B2BSchedule` (b2b_solve), with
- b2b_data: the problem and result dataclasses; b2b_validate: an independent check of any schedule;
- b2b_json, b2b_dzn: the JSON format and the published benchmark's MiniZinc instances; b2b_generate: fairs;
- b2b_instance (index form), b2b_greedy, b2b_bound (b-matching bound), b2b_model (the CP-SAT model),
  b2b_lns (neighbourhood search), b2b_polish (local search on breaks), b2b_weight and b2b_breaks (the
  two phases), b2b_state, b2b_reasons;
- b2b_bench: the benchmark tables.
"""

from scheduler.b2b_data import B2BProblem, B2BSchedule
from scheduler.b2b_solve import schedule_meetings
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
    "B2BProblem",
    "B2BSchedule",
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
    "schedule_meetings",
    "schedule_pitches",
]
