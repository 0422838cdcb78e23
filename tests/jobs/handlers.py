"""Job kinds for the tests, on their own queue: each leaves an effect (an audit row) that a test can count."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from emicronora.jobs.registry import JobContext, handler
from emicronora.models import AuditEntry

QUEUE = "test"


async def leave_effect(context: JobContext, name: str) -> None:
    async with context.sessionmaker() as db, db.begin():
        db.add(AuditEntry(action=f"test.{name}", target_type="job", target_id=str(context.job_id)))


@handler("test.flaky", queue=QUEUE)
async def flaky(context: JobContext, payload: dict[str, Any]) -> None:
    """Fails its first `failures` attempts, then leaves its effect."""
    if context.attempt <= int(payload["failures"]):
        raise RuntimeError(f"attempt {context.attempt} fails")
    await leave_effect(context, "flaky")


@handler("test.progress", queue=QUEUE)
async def stepwise(context: JobContext, payload: dict[str, Any]) -> None:
    """Reports each step, and ends early when asked to; waits at the step `pause_at` for `go` (a file)."""
    steps = int(payload["steps"])
    for step in range(1, steps + 1):
        await context.progress(step, steps, f"step {step}")
        if step == payload.get("pause_at"):
            while not Path(payload["go"]).exists():  # noqa: ASYNC240 (a test's tiny file)
                if await context.cancel_requested():
                    return
                await asyncio.sleep(0.02)
    await leave_effect(context, "progress")


@handler("test.hang_once", queue=QUEUE)
async def hang_once(context: JobContext, payload: dict[str, Any]) -> None:
    """First attempt: says so in a file, then never ends (its worker is killed); later ones leave the effect.
    Small files in the test's folder: blocking calls are fine here."""
    if context.attempt == 1:
        Path(payload["started"]).write_text(str(context.job_id))  # noqa: ASYNC240 (a test's tiny file)
        await asyncio.Event().wait()
    await leave_effect(context, "hang_once")


@handler("test.tick", queue=QUEUE)
async def tick(context: JobContext, _payload: dict[str, Any]) -> None:
    await leave_effect(context, "tick")
