"""What the worker can run: a handler per job kind, declared with `@handler(kind)` in the area's jobs.py, and
the periodic jobs (a kind and its period) that the workers queue once per period between them."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Job
from emicronora.settings import Settings

# The modules that declare handlers: the worker imports them all before it claims anything.
HANDLER_MODULES: tuple[str, ...] = (
    "emicronora.jobs.maintenance",
    "emicronora.mail.jobs",
    "emicronora.exports.jobs",
    "emicronora.dashboard.jobs",
    "emicronora.b2b.meetings.jobs",
    "emicronora.b2b.scheduling.jobs",
    "emicronora.pitches.jobs",
)


@dataclass
class JobContext:
    """What a handler gets beside its payload: its job's id and attempt (1 on the first run), a sessionmaker
    for its own transactions, and the settings."""

    job_id: int
    attempt: int
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings

    async def progress(self, done: int, total: int, text: str = "") -> None:
        """Stored on the job's row at once (its own transaction), so that any web worker can show it."""
        async with self.sessionmaker() as db, db.begin():
            await db.execute(
                update(Job)
                .where(Job.id == self.job_id)
                .values(progress_done=done, progress_total=total, progress_text=text[:200])
            )

    async def keep_result(self, db: AsyncSession, result: dict[str, Any]) -> None:
        """Stores what the page that queued this job shows of its end, in the handler's transaction `db`: it
        commits with the handler's own writes."""
        await db.execute(update(Job).where(Job.id == self.job_id).values(result=result))

    async def cancel_requested(self) -> bool:
        """Someone asked to cancel this job: a long handler checks between steps and ends early."""
        async with self.sessionmaker() as db:
            return bool(await db.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)))


Handler = Callable[[JobContext, dict[str, Any]], Awaitable[None]]


# What a kind's own rows become when its job is cancelled before it ran (in the cancelling transaction).
CancelHook = Callable[[AsyncSession, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Kind:
    name: str
    run: Handler
    queue: str
    timeout_s: float | None
    on_cancel: CancelHook | None = None


@dataclass(frozen=True)
class Periodic:
    kind: str
    period: timedelta


KINDS: dict[str, Kind] = {}
PERIODIC: dict[str, Periodic] = {}


def handler(
    kind: str, *, queue: str = "default", timeout_s: float | None = None, on_cancel: CancelHook | None = None
) -> Callable[[Handler], Handler]:
    """Declares the handler of `kind`; `timeout_s` fails a run that takes longer (it is retried); `on_cancel`
    closes the area's own record of a job cancelled before it started (a running one ends in its handler)."""

    def register(function: Handler) -> Handler:
        KINDS[kind] = Kind(kind, function, queue, timeout_s, on_cancel)
        return function

    return register


def periodic(kind: str, period: timedelta) -> None:
    """`kind` (a handler taking an empty payload) runs once every `period`, counted from the Unix epoch,
    however many workers there are: each period's job has the key `<kind>@<period start>`."""
    PERIODIC[kind] = Periodic(kind, period)


def load_handlers() -> dict[str, Kind]:
    for module in HANDLER_MODULES:
        importlib.import_module(module)
    return KINDS
