"""/organiser/jobs: every background job with its state, progress and error, a retry for failed ones and a
cancel for waiting or running ones; /health: the queue's depth for monitoring (no personal data)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emicronora.audit import record_action
from emicronora.db.paging import paginate
from emicronora.jobs import operations, queries
from emicronora.models import JOB_STATUSES
from emicronora.models.base import utcnow
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

log = logging.getLogger("emicronora.jobs")
PAGE_SIZE = 25


async def jobs_page(request: Request) -> Response:
    require_organiser(request)
    status = request.query_params.get("status", "")
    if status not in JOB_STATUSES:
        status = ""
    number = page_number(request)
    async with sessionmaker_of(request)() as db:
        page = existing_page(await paginate(db, queries.jobs_listed(status), number, PAGE_SIZE))
        counts = await queries.status_counts(db)
    done = request.query_params.get("done", "")
    return render(
        request,
        "jobs/list.html",
        {"page": page, "status": status, "statuses": JOB_STATUSES, "counts": counts, "done": done},
    )


async def retry_job(request: Request) -> Response:
    require_organiser(request)
    await read_form(request)
    job_id: int = request.path_params["job_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        if not await operations.retry(db, job_id):
            raise HTTPException(404)
        await record_action(db, actor_of(request), "job.retry", "job", job_id)
    return see_other("/organiser/jobs?done=retry")


async def cancel_job(request: Request) -> Response:
    require_organiser(request)
    await read_form(request)
    job_id: int = request.path_params["job_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        state = await operations.cancel(db, job_id)
        if state is None:
            raise HTTPException(404)
        await record_action(db, actor_of(request), "job.cancel", "job", job_id, {"state": state})
    return see_other(f"/organiser/jobs?done={state}")


async def health(request: Request) -> Response:
    """200 while the database answers, with the queue's figures; 503 when it does not."""
    try:
        async with sessionmaker_of(request)() as db:
            figures = await queries.health(db, utcnow())
    except (SQLAlchemyError, OSError):
        log.exception("health check: the database does not answer")
        return JSONResponse({"status": "error", "database": False}, status_code=503)
    return JSONResponse(
        {
            "status": "ok",
            "jobs": {
                "queued": figures.queued,
                "running": figures.running,
                "due": figures.due,
                "oldest_due_age_s": round(figures.oldest_due_age_s, 1),
            },
        },
        headers={"Cache-Control": "no-store"},
    )
