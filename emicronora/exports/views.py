"""The organiser's exports page: CSV tables (downloaded at once or prepared in the background), the
calendar exports of the calendar area, and the printable programme of each day."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from emicronora.audit import record_action
from emicronora.exports import csvfile, jobs, operations, queries
from emicronora.exports.forms import read_period
from emicronora.exports.tables import EXPORTS, MEETINGS, Context, Export
from emicronora.forms import Form
from emicronora.i18n import _, current_locale
from emicronora.models import Day, ExportJob, User
from emicronora.periods import Period, query_form
from emicronora.programme import queries as programme
from emicronora.spreadsheets import CSV_TYPE
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.downloads import csv_download
from emicronora.web.formdata import read_form
from emicronora.web.lookups import found_or_404, get_or_404
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.templating import render

# Above this many rows a download would hold a database connection and the client for long: the page
# offers the background export instead.
DIRECT_MAX_ROWS = 50_000
NO_STORE = {"Cache-Control": "no-store"}


def _now() -> datetime:
    return datetime.now(UTC)


async def _page(
    request: Request, user: User, form: Form, period: Period, *, status: int = 200, alert: str = ""
) -> Response:
    settings = settings_of(request)
    now = _now()
    number = page_number(request)
    async with sessionmaker_of(request)() as db:
        async with db.begin():
            await operations.remove_expired(db, settings, now)
        counts = await queries.row_counts(db, period, now) if form.ok else {}
        days = await programme.list_days(db)
        my_jobs = existing_page(await queries.jobs_of(db, user.id, number))
    return render(
        request,
        "exports/index.html",
        {
            "form": form,
            "period": period,
            "exports": list(EXPORTS.values()),
            "counts": counts,
            "direct_max_rows": DIRECT_MAX_ROWS,
            "days": days,
            "page": my_jobs,
            "jobs": [(job, queries.progress_view(job, now)) for job in my_jobs.items],
            "alert": alert,
        },
        status_code=status,
    )


async def exports_page(request: Request) -> Response:
    user = require_organiser(request)
    form = query_form(request.query_params)
    period = read_period(form, settings_of(request).tz)
    return await _page(request, user, form, period, status=200 if form.ok else 400)


def _export_of(slug: str) -> Export:
    export = EXPORTS.get(slug)
    if export is None:
        raise HTTPException(404)
    return export


async def _audit_export(
    db: AsyncSession, request: Request, action: str, slug: str, period: Period, target: object
) -> None:
    await record_action(
        db, actor_of(request), action, "export", target, {"kind": slug, "period": period.suffix() or "all"}
    )


async def _download(request: Request, export: Export) -> Response:
    """A small export, streamed straight from the database cursor to the browser."""
    user = require_organiser(request)
    settings = settings_of(request)
    form = query_form(request.query_params)
    period = read_period(form, settings.tz)
    if not form.ok:
        return await _page(request, user, form, period, status=400)
    sessionmaker = sessionmaker_of(request)
    async with sessionmaker() as db:
        rows = await queries.row_count(db, export, period, _now())
        if rows <= DIRECT_MAX_ROWS:
            # Exports carry personal data: who took which, and when, is in the audit log.
            await _audit_export(db, request, "export.download", export.slug, period, rows)
            await db.commit()
    if rows > DIRECT_MAX_ROWS:
        alert = _(
            "%(export)s: %(rows)s rows. Prepare it in the background below, then download it.",
            export=_(export.title),
            rows=rows,
        )
        return await _page(request, user, form, period, status=400, alert=alert)
    ctx = Context(tz=settings.tz, locale=current_locale.get())
    # Personal data: never kept by a cache (csv_download says no-store).
    return csv_download(
        f"e-micronora-{export.slug}{period.suffix()}.csv", csvfile.stream(sessionmaker, export, period, ctx)
    )


async def download_csv(request: Request) -> Response:
    # Who asks comes first: a non-organiser learns nothing about which exports exist.
    require_organiser(request)
    return await _download(request, _export_of(request.path_params["kind"]))


async def meetings_csv(request: Request) -> Response:
    """Every B2B meeting, from the B2B organiser pages: the meetings export, the same file."""
    return await _download(request, MEETINGS)


async def start_job(request: Request) -> Response:
    user = require_organiser(request)
    settings = settings_of(request)
    form = await read_form(request)
    slug = form.choice("kind", tuple(EXPORTS))
    period = read_period(form, settings.tz)
    if not form.ok:
        return await _page(request, user, form, period, status=400)

    async def audited(db: AsyncSession, job_id: int) -> None:
        # In the job's own transaction: a job exists exactly when its entry does.
        await _audit_export(db, request, "export.start", slug, period, job_id)

    try:
        job_id = await jobs.start(
            sessionmaker_of(request),
            settings,
            user_id=user.id,
            export=EXPORTS[slug],
            period=period,
            locale=current_locale.get(),
            on_created=audited,
        )
    except operations.StartError as error:
        return await _page(request, user, form, period, status=409, alert=error.message)
    return RedirectResponse(f"/organiser/exports/jobs/{job_id}", status_code=303)


async def _my_job(request: Request, user: User) -> tuple[ExportJob, dict[str, Any]]:
    async with sessionmaker_of(request)() as db:
        job = found_or_404(await queries.job_of(db, request.path_params["job_id"], user.id))
    return job, queries.progress_view(job, _now())


async def job_page(request: Request) -> Response:
    user = require_organiser(request)
    job, progress = await _my_job(request, user)
    export = EXPORTS.get(job.kind)
    return render(request, "exports/job.html", {"job": job, "progress": progress, "export": export})


async def job_progress(request: Request) -> Response:
    user = require_organiser(request)
    _job, progress = await _my_job(request, user)
    return JSONResponse(progress, headers=NO_STORE)


async def job_download(request: Request) -> Response:
    user = require_organiser(request)
    job, _progress = await _my_job(request, user)
    if queries.state(job, _now()) != "done":
        raise HTTPException(404)
    path = queries.file_of(job, settings_of(request))
    if path is None or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=CSV_TYPE, filename=queries.download_name(job), headers=NO_STORE)


async def printable_programme(request: Request) -> Response:
    """One day's sessions by time, with speakers and theme, laid out for paper by the print stylesheet."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        day = await get_or_404(db, Day, request.path_params["day_id"])
        sessions = await programme.list_sessions(db, day_id=day.id)
    return render(request, "exports/programme_print.html", {"day": day, "sessions": sessions})
