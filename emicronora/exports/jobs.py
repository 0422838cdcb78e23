"""Background exports: an `ExportJob` row, a task on the event loop of the worker that started it, and a
file under the media folder.

The task reads rows through a database cursor (asynchronous I/O) and hands the CPU and disk work of each
batch (CSV encoding, appending to the file) to a worker thread, so the event loop keeps serving pages. The
progress lives in the row, so any worker answers the progress poll. The file is written under a temporary
name and renamed when complete: a half-written file is never offered. A job still marked running after
`STALE_AFTER` died with its worker and is shown as failed; jobs and files older than `KEEP_FOR` are removed.
Only the organiser who started a job sees and downloads it: the file holds personal data, and whoever asked
for it is the one accountable for it."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio.to_thread
from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from emicronora.exports import csvfile
from emicronora.exports.period import Period
from emicronora.exports.tables import Context, Export
from emicronora.i18n import _, lazy
from emicronora.models import ExportJob
from emicronora.settings import Settings

log = logging.getLogger("emicronora.exports")

STALE_AFTER = timedelta(minutes=30)
KEEP_FOR = timedelta(days=1)
MAX_RUNNING_PER_USER = 3
PROGRESS_EVERY_S = 0.5
# Stored in English and translated when shown, in the reader's language.
WORKER_DIED = lazy("its worker stopped.")
SERVER_STOPPED = lazy("the server stopped.")
INTERNAL_ERROR = lazy("an internal error; try again.")


class StartError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Runner:
    """The export tasks of one application instance (kept on `app.state`)."""

    def __init__(self) -> None:
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.sessionmaker: async_sessionmaker[AsyncSession] | None = None

    async def wait(self, job_id: int) -> None:
        task = self.tasks.get(job_id)
        if task is not None:
            await asyncio.shield(task)

    async def stop_all(self) -> None:
        """At shutdown: the jobs are marked failed rather than left running for the timeout to catch."""
        job_ids, tasks = list(self.tasks), list(self.tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if job_ids and self.sessionmaker is not None:
            # A task cancelled before its first step never ran its own handler.
            await _stopped(self.sessionmaker, job_ids)


def runner_of(app: Starlette) -> Runner:
    runner = getattr(app.state, "export_runner", None)
    if runner is None:
        runner = app.state.export_runner = Runner()
    return runner


def folder(settings: Settings) -> Path:
    return Path(settings.media_dir) / "exports"


def file_of(job: ExportJob, settings: Settings) -> Path | None:
    # The name is ours (see `start`), never the user's; the check keeps a tampered row inside the folder.
    if not job.filename or "/" in job.filename or job.filename.startswith("."):
        return None
    return folder(settings) / job.filename


def download_name(job: ExportJob) -> str:
    period = Period(_date(job.params.get("from")), _date(job.params.get("to")), ZoneInfo("UTC"))
    return f"e-micronora-{job.kind}{period.suffix()}.csv"


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def state(job: ExportJob, now: datetime) -> str:
    if job.status == "running" and now - job.created_at > STALE_AFTER:
        return "failed"
    return job.status


def progress_view(job: ExportJob, now: datetime) -> dict[str, Any]:
    status = state(job, now)
    done = status != "running"
    total = max(job.total_rows, job.done_rows)
    fraction = 1.0 if status == "done" else (round(job.done_rows / total, 3) if total else 0.0)
    if status == "done":
        text = _("Ready: %(rows)s rows.", rows=job.done_rows)
    elif status == "failed":
        text = _("The export failed: %(reason)s", reason=_(job.error or WORKER_DIED))
    else:
        text = _("%(done)s of %(total)s rows written…", done=job.done_rows, total=total)
    return {
        "id": job.id,
        "status": status,
        "done": done,
        "done_rows": job.done_rows,
        "total_rows": total,
        "fraction": fraction,
        "text": text,
        "download": f"/organiser/exports/jobs/{job.id}/download" if status == "done" else None,
    }


async def jobs_of(db: AsyncSession, user_id: int, limit: int = 10) -> list[ExportJob]:
    statement = (
        select(ExportJob)
        .where(ExportJob.user_id == user_id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
        .limit(limit)
    )
    return list((await db.scalars(statement)).all())


async def job_of(db: AsyncSession, job_id: int, user_id: int) -> ExportJob | None:
    """The job if this user started it; another organiser's job is as good as absent."""
    job = await db.get(ExportJob, job_id)
    return job if job is not None and job.user_id == user_id else None


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def remove_expired(db: AsyncSession, settings: Settings, now: datetime) -> int:
    """Deletes the jobs started more than `KEEP_FOR` ago with their files (finished or dead by then)."""
    old = list((await db.scalars(select(ExportJob).where(ExportJob.created_at < now - KEEP_FOR))).all())
    paths = [p for job in old if (p := file_of(job, settings)) is not None]
    paths += [p.with_suffix(".part") for p in paths]
    await anyio.to_thread.run_sync(_unlink, paths)
    if old:
        await db.execute(delete(ExportJob).where(ExportJob.id.in_([job.id for job in old])))
    return len(old)


async def start(
    app: Starlette,
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
    async with sessionmaker() as db, db.begin():
        await remove_expired(db, settings, now)
        running = await db.scalar(
            select(func.count())
            .select_from(ExportJob)
            .where(
                ExportJob.user_id == user_id,
                ExportJob.status == "running",
                ExportJob.created_at >= now - STALE_AFTER,
            )
        )
        if (running or 0) >= MAX_RUNNING_PER_USER:
            raise StartError(
                _("You already have %(count)s exports in progress: wait for one to finish.", count=running)
            )
        total = await db.scalar(export.count(period, now)) or 0
        job = ExportJob(
            user_id=user_id,
            kind=export.slug,
            params={**period.params(), "locale": locale},
            status="running",
            total_rows=total,
            created_at=now,
        )
        db.add(job)
        await db.flush()
        job.filename = f"{job.id}-{export.slug}-{secrets.token_hex(8)}.csv"
        job_id, path = job.id, folder(settings) / job.filename
        if on_created is not None:
            await on_created(db, job_id)
    runner = runner_of(app)
    runner.sessionmaker = sessionmaker
    ctx = Context(tz=settings.tz, locale=locale)
    runner.tasks[job_id] = asyncio.get_running_loop().create_task(
        _run(runner, sessionmaker, job_id, export, period, ctx, path, now), name=f"export-{job_id}"
    )
    return job_id


def _create(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(data)


def _encode_and_append(path: Path, export: Export, rows: Any, ctx: Context) -> None:
    _append(path, csvfile.encode_rows(export, rows, ctx))


async def _run(
    runner: Runner,
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
        await anyio.to_thread.run_sync(_create, partial, csvfile.header(export))
        last_report = time.monotonic()
        async with sessionmaker() as db:
            ctx = await export.context(db, period, now, ctx)
            async for batch in csvfile.row_batches(db, export, period, now):
                await anyio.to_thread.run_sync(_encode_and_append, partial, export, batch, ctx)
                done_rows += len(batch)
                if time.monotonic() - last_report >= PROGRESS_EVERY_S:
                    await _write_progress(sessionmaker, job_id, done_rows)
                    last_report = time.monotonic()
        await anyio.to_thread.run_sync(partial.replace, path)
        await _finish(sessionmaker, job_id, "done", done_rows, "")
    except asyncio.CancelledError:
        await _give_up(sessionmaker, job_id, done_rows, partial, SERVER_STOPPED)
        raise
    except Exception:
        log.exception("export job %s failed", job_id)
        await _give_up(sessionmaker, job_id, done_rows, partial, INTERNAL_ERROR)
    finally:
        runner.tasks.pop(job_id, None)


async def _write_progress(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, done_rows: int
) -> None:
    """A failed write only delays the progress bar: the export goes on."""
    try:
        async with sessionmaker() as db, db.begin():
            (await db.get_one(ExportJob, job_id)).done_rows = done_rows
    except Exception:
        log.warning("export job %s: could not write its progress", job_id, exc_info=True)


async def _finish(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, status: str, done_rows: int, error: str
) -> None:
    async with sessionmaker() as db, db.begin():
        job = await db.get_one(ExportJob, job_id)
        job.status, job.done_rows, job.error = status, done_rows, error[:500]
        job.finished_at = datetime.now(UTC)
        if status == "done":
            # Rows added or removed since the count: the file is the truth.
            job.total_rows = done_rows


async def _stopped(sessionmaker: async_sessionmaker[AsyncSession], job_ids: list[int]) -> None:
    try:
        async with sessionmaker() as db, db.begin():
            await db.execute(
                update(ExportJob)
                .where(ExportJob.id.in_(job_ids), ExportJob.status == "running")
                .values(status="failed", error=SERVER_STOPPED, finished_at=datetime.now(UTC))
            )
    except Exception:
        log.exception("export jobs %s: could not record the shutdown", job_ids)


async def _give_up(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, done_rows: int, partial: Path, reason: str
) -> None:
    try:
        # The file too: a job stopped while recording its success is failed, its file never offered.
        await anyio.to_thread.run_sync(_unlink, [partial, partial.with_suffix(".csv")])
        await _finish(sessionmaker, job_id, "failed", done_rows, reason)
    except Exception:
        log.exception("export job %s: could not record the failure", job_id)
