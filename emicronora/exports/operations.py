"""Writes of the exports: a background job's row (created within the per-organiser limit, its progress, its
end) and the removal of old jobs with their files."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.exports.queries import expired_jobs, file_of, folder, row_count, running_jobs
from emicronora.exports.tables import Export
from emicronora.i18n import _, lazy
from emicronora.models import ExportJob
from emicronora.periods import Period
from emicronora.settings import Settings

log = logging.getLogger("emicronora.exports")

MAX_RUNNING_PER_USER = 3
# Stored in English and translated when shown, in the reader's language.
SERVER_STOPPED = lazy("the server stopped.")


class StartError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def remove_expired(db: AsyncSession, settings: Settings, now: datetime) -> int:
    """Deletes the jobs started more than a day ago with their files (finished or dead by then)."""
    old = await expired_jobs(db, now)
    paths = [p for job in old if (p := file_of(job, settings)) is not None]
    paths += [p.with_suffix(".part") for p in paths]
    await anyio.to_thread.run_sync(unlink, paths)
    if old:
        await db.execute(delete(ExportJob).where(ExportJob.id.in_([job.id for job in old])))
    return len(old)


async def create_job(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    user_id: int,
    export: Export,
    period: Period,
    locale: str,
    now: datetime,
    on_created: Callable[[AsyncSession, int], Awaitable[None]] | None = None,
) -> tuple[int, Path]:
    """The new running job's id and the path of its file, or StartError when the organiser already has
    `MAX_RUNNING_PER_USER` running. `on_created` runs in the transaction that creates the job (its audit
    entry): if it fails, there is no job."""
    async with sessionmaker() as db, db.begin():
        await remove_expired(db, settings, now)
        running = await running_jobs(db, user_id, now)
        if running >= MAX_RUNNING_PER_USER:
            raise StartError(
                _("You already have %(count)s exports in progress: wait for one to finish.", count=running)
            )
        job = ExportJob(
            user_id=user_id,
            kind=export.slug,
            params={**period.params(), "locale": locale},
            status="running",
            total_rows=await row_count(db, export, period, now),
            created_at=now,
        )
        db.add(job)
        await db.flush()
        job.filename = f"{job.id}-{export.slug}-{secrets.token_hex(8)}.csv"
        job_id, path = job.id, folder(settings) / job.filename
        if on_created is not None:
            await on_created(db, job_id)
    return job_id, path


async def write_progress(sessionmaker: async_sessionmaker[AsyncSession], job_id: int, done_rows: int) -> None:
    """A failed write only delays the progress bar: the export goes on."""
    try:
        async with sessionmaker() as db, db.begin():
            (await db.get_one(ExportJob, job_id)).done_rows = done_rows
    except Exception:
        log.warning("export job %s: could not write its progress", job_id, exc_info=True)


async def finish(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, status: str, done_rows: int, error: str
) -> None:
    async with sessionmaker() as db, db.begin():
        job = await db.get_one(ExportJob, job_id)
        job.status, job.done_rows, job.error = status, done_rows, error[:500]
        job.finished_at = datetime.now(UTC)
        if status == "done":
            # Rows added or removed since the count: the file is the truth.
            job.total_rows = done_rows


async def give_up(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: int, done_rows: int, partial: Path, reason: str
) -> None:
    try:
        # The file too: a job stopped while recording its success is failed, its file never offered.
        await anyio.to_thread.run_sync(unlink, [partial, partial.with_suffix(".csv")])
        await finish(sessionmaker, job_id, "failed", done_rows, reason)
    except Exception:
        log.exception("export job %s: could not record the failure", job_id)
