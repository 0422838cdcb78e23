"""The B2B meeting scheduler against the published benchmark, a large synthetic fair and a scale case.

    .venv/bin/python benchmarks/b2b_scheduler.py                      # the three tables (5 to 25 minutes)
    .venv/bin/python benchmarks/b2b_scheduler.py --skip fair scale    # only the JAIR table
    .venv/bin/python benchmarks/b2b_scheduler.py --jair-time-limit 10 --fair-times 5 --skip scale

Same as `python -m scheduler bench`; the tables are described in `scheduler.b2b_bench`. The JAIR instances
are read from ../shared/benchmarks/b2b-jair beside the repository.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.b2b_bench import add_bench_arguments, run_bench

if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_bench_arguments(parser)
    sys.exit(run_bench(parser.parse_args()))
