"""Background exports: an `ExportJob` row, a task of the app's export `TaskRunner` (in the worker that started
it), and a file under the media folder.

The task reads rows through a database cursor (asynchronous I/O) and hands the CPU and disk work of each
batch (CSV encoding, appending to the file) to a worker thread, so the event loop keeps serving pages. The
progress lives in the row, so any worker answers the progress poll. The file is written under a temporary
name and renamed when complete: a half-written file is never offered. A job still marked running after
`STALE_AFTER` died with its worker and is shown as failed; jobs and files older than `KEEP_FOR` are removed
(queries.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.background import TaskRunner
from emicronora.exports import csvfile, operations
from emicronora.exports.tables import Context, Export, Row
from emicronora.i18n import lazy
from emicronora.periods import Period
from emicronora.settings import Settings
from emicronora.spreadsheets import header

log = logging.getLogger("emicronora.exports")

PROGRESS_EVERY_S = 0.5
INTERNAL_ERROR = lazy("an internal error; try again.")


async def start(
    tasks: TaskRunner,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    user_id: int,
    export: Export,
    period: Period,
    locale: str,
    on_created: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
) -> int:
    """Creates the job and starts writing its file in the background; returns its id at once.
    `on_created` runs in the transaction that creates the job (its audit entry): if it fails, there is no
    job and nothing starts."""
    now = datetime.now(UTC)
    # Two requests of one worker do not both pass the limit.
    async with tasks.starting:
        job_id, path = await operations.create_job(
            sessionmaker,
            settings,
            user_id=user_id,
            export=export,
            period=period,
            locale=locale,
            now=now,
            on_created=on_created,
        )
        ctx = Context(tz=settings.tz, locale=locale)
        tasks.start(job_id, _run(sessionmaker, job_id, export, period, ctx, path, now))
    return job_id


async def mark_stopped(sessionmaker: async_sessionmaker[AsyncSession], job_ids: list[int]) -> None:
    """At shutdown (the runner's `on_stop`): the jobs still running are marked failed rather than left
    running for the timeout to catch (a task cancelled before its first step never ran its own handler)."""
    await operations.mark_stopped(sessionmaker, job_ids)


def _create(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _encode_and_append(path: Path, export: Export, rows: Sequence[Row], ctx: Context) -> None:
    with path.open("ab") as handle:
        handle.write(csvfile.encode_rows(export, rows, ctx))


async def _run(
    sessionmaker: async_sessionmaker[AsyncSession],
    job_id: int,
    export: Export,
    period: Period,
    ctx: Context,
    path: Path,
    now: datetime,
) -> None:
    partial = path.with_suffix(".part")
    done_rows = 0
    try:
        await anyio.to_thread.run_sync(_create, partial, header(export.columns))
        last_report = time.monotonic()
        async with sessionmaker() as db:
            ctx = await export.context(db, period, now, ctx)
            async for batch in csvfile.row_batches(db, export, period, now):
                await anyio.to_thread.run_sync(_encode_and_append, partial, export, batch, ctx)
                done_rows += len(batch)
                if time.monotonic() - last_report >= PROGRESS_EVERY_S:
                    await operations.write_progress(sessionmaker, job_id, done_rows)
                    last_report = time.monotonic()
        await anyio.to_thread.run_sync(partial.replace, path)
        await operations.finish(sessionmaker, job_id, "done", done_rows, "")
    except asyncio.CancelledError:
        await operations.give_up(sessionmaker, job_id, done_rows, partial, operations.SERVER_STOPPED)
        raise
    except Exception:
        log.exception("export job %s failed", job_id)
        await operations.give_up(sessionmaker, job_id, done_rows, partial, INTERNAL_ERROR)
