"""A run's progress: what its row's `progress` column holds while the engine works, and what the progress bar
shows of it (as JSON), whichever worker serves the page."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from emicronora.b2b.scheduling import engine, queries
from emicronora.i18n import _
from emicronora.models import SolveRun


def progress_record(plan: engine.Plan, snapshot: engine.Snapshot | None, elapsed_s: float) -> dict[str, Any]:
    """What a run's `progress` column holds: the engine's latest terms, the time spent and the time limit."""
    progress: dict[str, Any] = {
        "time_limit_s": plan.time_limit_s,
        "elapsed_s": round(elapsed_s, 2),
        "meetings": plan.meeting_count,
        "kept": len(plan.kept),
    }
    if snapshot is not None:
        progress.update(asdict(snapshot), elapsed_s=round(max(elapsed_s, snapshot.elapsed_s), 2))
    return progress


def run_state(run: SolveRun, now: datetime) -> str:
    """The run's status, where a run still marked running long after its time limit died with its worker."""
    if run.status == "running" and not queries.is_live(run, now):
        return "interrupted"
    return run.status


def progress_view(run: SolveRun, now: datetime) -> dict[str, Any]:
    """What the progress bar shows, as JSON: the best schedule so far, the bound, the time spent."""
    progress = run.progress
    state = run_state(run, now)
    limit = float(str(progress.get("time_limit_s") or 1))
    elapsed = float(str(progress.get("elapsed_s") or 0))
    done = state != "running"
    view: dict[str, Any] = {
        "id": run.id,
        "status": state,
        "done": done,
        "stop_requested": run.stop_requested,
        "elapsed_s": elapsed,
        "time_limit_s": limit,
        "fraction": 1.0 if done else round(min(1.0, elapsed / limit), 3),
        "meetings": progress.get("meetings", 0),
    }
    for key in ("phase", "scheduled_weight", "weight_bound", "total_breaks", "breaks_bound"):
        view[key] = progress.get(key)
    clock = _("%(elapsed)s s of %(limit)s s", elapsed=f"{elapsed:.1f}", limit=f"{limit:.0f}")
    if view["scheduled_weight"] is None:
        text = _("Preparing %(meetings)s meetings…", meetings=view["meetings"])
    else:
        text = _(
            "Best so far: score %(score)s (at most %(bound)s), %(breaks)s breaks",
            score=view["scheduled_weight"],
            bound=view["weight_bound"],
            breaks=view["total_breaks"],
        )
        if view["breaks_bound"] is not None:
            text += " " + _("(at least %(bound)s)", bound=view["breaks_bound"])
    view["text"] = f"{text} · {clock}"
    return view
