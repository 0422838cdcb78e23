"""`python -m scheduler`: the schedulers from the command line, one subcommand each.

    python -m scheduler pitches FILE.json [--time-limit S] [--workers N] [--json]

`pitches` reads a pitch problem (format in `scheduler.pitch_json`) and prints the schedule as tables, or
as JSON with --json. Exit status: 0 with a schedule, 1 when the solver found none, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from scheduler.pitch_json import (
    PitchInputError,
    format_pitch_schedule,
    pitch_problem_from_json,
    pitch_schedule_to_json,
)
from scheduler.pitches import schedule_pitches


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="Pure OR-Tools schedulers.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    pitches = commands.add_parser("pitches", help="place accepted pitches into the pitch sessions")
    pitches.add_argument("file", type=Path, help="problem as JSON")
    pitches.add_argument("--time-limit", type=float, metavar="S", help="solver time limit in seconds")
    pitches.add_argument("--workers", type=int, metavar="N", help="solver workers (1: reproducible)")
    pitches.add_argument("--json", action="store_true", help="print the schedule as JSON")
    pitches.set_defaults(run=_run_pitches)

    args = parser.parse_args(argv)
    return args.run(args, parser)


def _run_pitches(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
        problem = pitch_problem_from_json(data)
        if args.time_limit is not None:
            problem = replace(problem, time_limit_s=args.time_limit)
        if args.workers is not None:
            problem = replace(problem, workers=args.workers)
    except OSError as exc:
        parser.exit(2, f"error: cannot read {args.file}: {exc.strerror}\n")
    except json.JSONDecodeError as exc:
        parser.exit(2, f"error: {args.file} is not JSON: {exc}\n")
    except (PitchInputError, ValueError) as exc:
        parser.exit(2, f"error: {args.file}: {exc}\n")

    schedule = schedule_pitches(problem)
    if args.json:
        print(json.dumps(pitch_schedule_to_json(schedule), indent=2, ensure_ascii=False))
    else:
        print(format_pitch_schedule(problem, schedule))
    return 0 if schedule.placements or schedule.status in ("optimal", "feasible") else 1


if __name__ == "__main__":
    sys.exit(main())
