"""Reads of the exports: row counts, an organiser's background jobs and what their progress shows.

Only the organiser who started a job sees and downloads it: the file holds personal data, and whoever asked
for it is the one accountable for it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.db.paging import Page, paginate
from emicronora.exports.tables import EXPORTS, Export
from emicronora.i18n import _, lazy
from emicronora.models import ExportJob
from emicronora.periods import Period
from emicronora.settings import Settings

# A job still marked running after this died with its worker; jobs and files older than KEEP_FOR are removed.
STALE_AFTER = timedelta(minutes=30)
KEEP_FOR = timedelta(days=1)
JOBS_PER_PAGE = 10
# Stored in English and translated when shown, in the reader's language.
WORKER_DIED = lazy("its worker stopped.")


async def row_count(db: AsyncSession, export: Export, period: Period, now: datetime) -> int:
    return await db.scalar(export.count(period, now)) or 0


async def row_counts(db: AsyncSession, period: Period, now: datetime) -> dict[str, int]:
    """The rows of every export in the period, by slug."""
    return {slug: await row_count(db, export, period, now) for slug, export in EXPORTS.items()}


async def running_jobs(db: AsyncSession, user_id: int, now: datetime) -> int:
    """This organiser's jobs still running (those gone stale are not)."""
    statement = (
        select(func.count())
        .select_from(ExportJob)
        .where(
            ExportJob.user_id == user_id,
            ExportJob.status == "running",
            ExportJob.created_at >= now - STALE_AFTER,
        )
    )
    return await db.scalar(statement) or 0


async def jobs_of(db: AsyncSession, user_id: int, number: int = 1) -> Page[ExportJob]:
    """Page `number` of this organiser's jobs, the latest first."""
    statement = (
        select(ExportJob)
        .where(ExportJob.user_id == user_id)
        .order_by(ExportJob.created_at.desc(), ExportJob.id.desc())
    )
    return await paginate(db, statement, number, JOBS_PER_PAGE)


async def job_of(db: AsyncSession, job_id: int, user_id: int) -> ExportJob | None:
    """The job if this user started it; another organiser's job is as good as absent."""
    job = await db.get(ExportJob, job_id)
    return job if job is not None and job.user_id == user_id else None


async def expired_jobs(db: AsyncSession, now: datetime) -> list[ExportJob]:
    """The jobs started more than `KEEP_FOR` ago (finished or dead by then)."""
    return list((await db.scalars(select(ExportJob).where(ExportJob.created_at < now - KEEP_FOR))).all())


def folder(settings: Settings) -> Path:
    return Path(settings.media_dir) / "exports"


def file_of(job: ExportJob, settings: Settings) -> Path | None:
    # The name is ours (see operations.create_job), never the user's; the check keeps a tampered row inside
    # the folder.
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
