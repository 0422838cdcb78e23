"""What the before/after benchmarks share: the two code trees they compare and a free port for each server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Side:
    name: str  # "before" or "after"
    label: str  # what the table shows
    tree: Path


def unpack(rev: str, target: Path) -> str:
    """The files of `rev` in `target`, by git archive (the repository's worktrees are left alone); returns
    the short hash."""
    git = shutil.which("git") or "git"
    short = subprocess.run(  # noqa: S603
        [git, "rev-parse", "--short", rev], cwd=ROOT, check=True, capture_output=True, text=True, timeout=30
    ).stdout.strip()
    archive = target.with_suffix(".tar")
    with archive.open("wb") as out:
        subprocess.run([git, "archive", rev], cwd=ROOT, check=True, stdout=out, timeout=120)  # noqa: S603
    target.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()
    return short


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
