"""Run the command line: `python -m scheduler --help`."""

import sys

from scheduler.cli import main

sys.exit(main())
