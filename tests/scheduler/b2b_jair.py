"""Where the published B2B instances live (beside the repository, never copied into it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

JAIR_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks" / "b2b-jair"
IN_CI = os.environ.get("CI", "").lower() == "true"


def jair_file(name: str) -> Path:
    """The path of instance `name`; skips the test when the folder is absent, except in CI where it fails."""
    path = JAIR_DIR / f"{name}.original.dzn"
    if not path.is_file():
        if IN_CI:
            pytest.fail(f"CI=true but the JAIR instances are missing: {path.resolve()}")
        pytest.skip(f"the JAIR instances are not beside the repository ({JAIR_DIR.resolve()})")
    return path
