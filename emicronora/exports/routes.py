"""The organiser's exports page: CSV tables (downloaded at once or prepared in the background), the
calendar exports of the calendar area, and the printable programme of each day."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from emicronora.audit import record_action
from emicronora.exports import csvfile, jobs
from emicronora.exports.period import Period, read_period
from emicronora.exports.tables import EXPORTS, Context, Export
from emicronora.forms import Form
from emicronora.i18n import _, current_locale
from emicronora.models import Day, ExportJob, User
from emicronora.periods import query_form
from emicronora.programme import queries as programme
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
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
    async with sessionmaker_of(request)() as db:
        async with db.begin():
            await jobs.remove_expired(db, settings, now)
        counts: dict[str, int] = {}
        if form.ok:
            counts = {
                slug: await db.scalar(export.count(period, now)) or 0 for slug, export in EXPORTS.items()
            }
        days = await programme.list_days(db)
        my_jobs = await jobs.jobs_of(db, user.id)
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
            "jobs": [(job, jobs.progress_view(job, now)) for job in my_jobs],
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
        db, request, action, "export", target, {"kind": slug, "period": period.suffix() or "all"}
    )


async def download_csv(request: Request) -> Response:
    """A small export, streamed straight from the database cursor to the browser."""
    user = require_organiser(request)
    export = _export_of(request.path_params["kind"])
    settings = settings_of(request)
    form = query_form(request.query_params)
    period = read_period(form, settings.tz)
    if not form.ok:
        return await _page(request, user, form, period, status=400)
    sessionmaker = sessionmaker_of(request)
    async with sessionmaker() as db:
        rows = await db.scalar(export.count(period, _now())) or 0
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
    filename = f"e-micronora-{export.slug}{period.suffix()}.csv"
    return StreamingResponse(
        csvfile.stream(sessionmaker, export, period, ctx),
        media_type=csvfile.CSV_TYPE,
        # Personal data: never kept by a cache.
        headers={"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE},
    )


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
            request.app,
            sessionmaker_of(request),
            settings,
            user_id=user.id,
            export=EXPORTS[slug],
            period=period,
            locale=current_locale.get(),
            on_created=audited,
        )
    except jobs.StartError as error:
        return await _page(request, user, form, period, status=409, alert=error.message)
    return RedirectResponse(f"/organiser/exports/jobs/{job_id}", status_code=303)


async def _my_job(request: Request, user: User) -> tuple[ExportJob, dict[str, Any]]:
    async with sessionmaker_of(request)() as db:
        job = await jobs.job_of(db, request.path_params["job_id"], user.id)
    if job is None:
        raise HTTPException(404)
    return job, jobs.progress_view(job, _now())


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
    async with sessionmaker_of(request)() as db:
        job = await jobs.job_of(db, request.path_params["job_id"], user.id)
    if job is None or jobs.state(job, _now()) != "done":
        raise HTTPException(404)
    path = jobs.file_of(job, settings_of(request))
    if path is None or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=csvfile.CSV_TYPE, filename=jobs.download_name(job), headers=NO_STORE)


async def printable_programme(request: Request) -> Response:
    """One day's sessions by time, with speakers and theme, laid out for paper by the print stylesheet."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        day = await db.get(Day, request.path_params["day_id"])
        if day is None:
            raise HTTPException(404)
        sessions = await programme.list_sessions(db, day_id=day.id)
    return render(request, "exports/programme_print.html", {"day": day, "sessions": sessions})


routes = [
    Route("/organiser/exports", exports_page, methods=["GET"]),
    Route("/organiser/exports/csv/{kind:str}", download_csv, methods=["GET"]),
    Route("/organiser/exports/jobs", start_job, methods=["POST"]),
    Route("/organiser/exports/jobs/{job_id:int}", job_page, methods=["GET"]),
    Route("/organiser/exports/jobs/{job_id:int}/progress", job_progress, methods=["GET"]),
    Route("/organiser/exports/jobs/{job_id:int}/download", job_download, methods=["GET"]),
    Route("/organiser/exports/programme/{day_id:int}", printable_programme, methods=["GET"]),
]
