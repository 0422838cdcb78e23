"""`python -m scheduler`: the schedulers from the command line, one subcommand each.

    python -m scheduler pitches FILE.json [--time-limit S] [--workers N] [--json]
    python -m scheduler solve FILE [--time-limit S] [--workers N] [--fairness D] [--json]
    python -m scheduler generate --participants P --requests R --slots T [--unavailable F] [--seed S]
    python -m scheduler bench [--jair-time-limit S] [--quick]

`pitches` reads a pitch problem (format in `scheduler.pitch_json`) and prints the schedule as tables, or
as JSON with --json. `solve` reads a B2B meeting problem, either JSON (format in `scheduler.b2b_json`) or a
MiniZinc `.dzn` instance of the published benchmark (`scheduler.b2b_dzn`), and prints the meeting schedule.
`generate` writes a synthetic fair as JSON (`scheduler.b2b_generate`); `bench` prints the benchmark tables
(`scheduler.b2b_bench`). Exit status: 0 with a schedule, 1 when the solver found none, 2 for bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from scheduler.b2b_bench import add_bench_arguments, run_bench
from scheduler.b2b_dzn import DznError, read_dzn
from scheduler.b2b_generate import generate_fair
from scheduler.b2b_json import (
    B2BInputError,
    format_schedule,
    problem_from_json,
    problem_to_json,
    schedule_to_json,
)
from scheduler.b2b_solve import schedule_meetings
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

    solve = commands.add_parser("solve", help="schedule B2B meetings (JSON problem or .dzn instance)")
    solve.add_argument("file", type=Path, help="problem as JSON, or a .dzn instance of the JAIR benchmark")
    solve.add_argument("--time-limit", type=float, metavar="S", help="time limit in seconds (default 10)")
    solve.add_argument("--workers", type=int, metavar="N", help="CP-SAT workers (default 2)")
    solve.add_argument("--fairness", type=int, metavar="D", help="bound on break-count differences")
    solve.add_argument("--json", action="store_true", help="print the schedule as one JSON object")
    solve.set_defaults(run=_run_solve)

    generate = commands.add_parser("generate", help="write a synthetic fair as a JSON problem")
    generate.add_argument("--participants", type=int, required=True, metavar="P")
    generate.add_argument("--requests", type=int, required=True, metavar="R")
    generate.add_argument("--slots", type=int, required=True, metavar="T")
    generate.add_argument("--unavailable", type=float, default=0.15, metavar="F", help="share of slots away")
    generate.add_argument(
        "--cap", type=int, default=16, metavar="N", help="meetings per participant (0: none)"
    )
    generate.add_argument("--tables", type=int, metavar="L", help="tables per slot (default: unlimited)")
    generate.add_argument("--seed", type=int, default=0, metavar="S")
    generate.add_argument("--output", type=Path, metavar="FILE", help="write there instead of stdout")
    generate.set_defaults(run=_run_generate)

    bench = commands.add_parser("bench", help="print the benchmark tables of the meeting scheduler")
    add_bench_arguments(bench)
    bench.set_defaults(run=lambda args, parser: run_bench(args))

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


def _run_solve(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        if args.file.suffix == ".dzn":
            problem = read_dzn(args.file).problem
        else:
            problem = problem_from_json(json.loads(args.file.read_text(encoding="utf-8")))
        problem = replace(
            problem,
            time_limit_s=problem.time_limit_s if args.time_limit is None else args.time_limit,
            workers=problem.workers if args.workers is None else args.workers,
            fairness=problem.fairness if args.fairness is None else args.fairness,
        )
    except OSError as exc:
        parser.exit(2, f"error: cannot read {args.file}: {exc.strerror}\n")
    except json.JSONDecodeError as exc:
        parser.exit(2, f"error: {args.file} is not JSON: {exc}\n")
    except (B2BInputError, DznError, ValueError) as exc:
        parser.exit(2, f"error: {args.file}: {exc}\n")

    schedule = schedule_meetings(problem)
    if args.json:
        print(json.dumps(schedule_to_json(schedule), ensure_ascii=False))
    else:
        print(format_schedule(problem, schedule))
    return 0 if schedule.status in ("optimal", "feasible") else 1


def _run_generate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        problem = generate_fair(
            args.participants,
            args.requests,
            args.slots,
            unavailable=args.unavailable,
            cap=args.cap or None,
            tables=args.tables,
            seed=args.seed,
        )
    except ValueError as exc:
        parser.exit(2, f"error: {exc}\n")
    text = json.dumps(problem_to_json(problem), ensure_ascii=False)
    if args.output is None:
        print(text)
    else:
        args.output.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
