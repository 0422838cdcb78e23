"""Background exports: an `ExportJob` row, an `exports.build` job queued with it (run by a worker process),
and a file under the media folder.

The task reads rows through a database cursor (asynchronous I/O) and hands the CPU and disk work of each
batch (CSV encoding, appending to the file) to a worker thread, so the event loop keeps serving pages. The
progress lives in the row, so any worker answers the progress poll. The file is written under a temporary
name and renamed when complete: a half-written file is never offered. A job still marked running after
`STALE_AFTER` is shown as failed (its job is retried after a dead worker's lease); jobs and files older
than `KEEP_FOR` are removed (queries.py), by the web pages and by a periodic job."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.exports import csvfile, operations
from emicronora.exports.queries import folder
from emicronora.exports.tables import EXPORTS, Context, Export, Row
from emicronora.i18n import lazy
from emicronora.jobs.queue import enqueue
from emicronora.jobs.registry import JobContext, handler, periodic
from emicronora.models import ExportJob
from emicronora.periods import Period
from emicronora.settings import Settings
from emicronora.spreadsheets import header

log = logging.getLogger("emicronora.exports")

PROGRESS_EVERY_S = 0.5
INTERNAL_ERROR = lazy("an internal error; try again.")


BUILD_KIND = "exports.build"


async def start(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    user_id: int,
    export: Export,
    period: Period,
    locale: str,
    on_created: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
) -> int:
    """Creates the export and queues the job that writes its file; returns its id at once.
    `on_created` runs in the transaction that creates them (its audit entry): if it fails, there is neither
    export nor job."""

    async def created(db: AsyncSession, export_id: int) -> None:
        if on_created is not None:
            await on_created(db, export_id)
        await enqueue(db, BUILD_KIND, {"export_id": export_id}, max_attempts=3, user_id=user_id)

    export_id, _path = await operations.create_job(
        sessionmaker,
        settings,
        user_id=user_id,
        export=export,
        period=period,
        locale=locale,
        now=datetime.now(UTC),
        on_created=created,
    )
    return export_id


@handler(BUILD_KIND, timeout_s=3600)
async def build(context: JobContext, payload: dict[str, Any]) -> None:
    sessionmaker, settings = context.sessionmaker, context.settings
    async with sessionmaker() as db, db.begin():
        job = await db.get(ExportJob, int(payload["export_id"]))
        if job is None or job.kind not in EXPORTS:
            return  # removed meanwhile (expired): nothing to write
        # A later attempt (its worker died or it failed) starts the file again.
        job.status, job.error, job.done_rows = "running", "", 0
    period = Period(_date(job.params.get("from")), _date(job.params.get("to")), settings.tz)
    ctx = Context(tz=settings.tz, locale=str(job.params.get("locale") or settings.default_locale))
    path = folder(settings) / job.filename
    await _run(sessionmaker, job.id, EXPORTS[job.kind], period, ctx, path, job.created_at)


@handler("exports.remove_expired")
async def remove_expired(context: JobContext, _payload: dict[str, Any]) -> None:
    async with context.sessionmaker() as db, db.begin():
        await operations.remove_expired(db, context.settings, datetime.now(UTC))


periodic("exports.remove_expired", timedelta(hours=1))


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


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
        raise
