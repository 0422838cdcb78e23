"""/organiser/audit: the audit log, newest first, filtered by area of action, actor or target."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emicronora.audit.entries import AuditFilter, action_areas, audit_page, detail_lines
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 100
MAX_PAGE_DIGITS = 6
# Where an entry's target is seen in the console (a deleted one answers 404 there, which is truthful).
TARGET_PAGES = {
    "user": "/organiser/people/{}",
    "session": "/organiser/sessions/{}/edit",
    "day": "/organiser/days/{}/edit",
    "theme": "/organiser/themes/{}/edit",
    "speaker": "/organiser/speakers/{}/edit",
    "company": "/organiser/showrooms/{}/edit",
    "video": "/exhibitor-area/videos/{}/edit",
    "meeting": "/organiser/b2b/meetings/{}",
    "solve_run": "/organiser/b2b/runs/{}",
}


def target_url(target_type: str, target_id: str) -> str | None:
    page = TARGET_PAGES.get(target_type)
    return page.format(target_id) if page is not None and target_id.isdigit() else None


def page_number(raw: str) -> int:
    """The `page` query parameter; a page that cannot exist is a broken link (404)."""
    if not raw:
        return 1
    # isdigit() alone lets "²" through (int() refuses it: a 500) and other scripts' digits.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise HTTPException(404)
    return int(raw)


async def audit_log(request: Request) -> Response:
    require_organiser(request)
    params = request.query_params
    criteria = AuditFilter(
        area=params.get("area", "")[:MAX_FILTER_LENGTH].strip(),
        actor=params.get("actor", "")[:MAX_FILTER_LENGTH].strip(),
        target_type=params.get("target_type", "")[:MAX_FILTER_LENGTH].strip(),
        target_id=params.get("target_id", "")[:MAX_FILTER_LENGTH].strip(),
    )
    page = page_number(params.get("page", ""))
    async with sessionmaker_of(request)() as db:
        result = await audit_page(db, criteria, page)
        areas = await action_areas(db)
    if page > result.pages:
        raise HTTPException(404)
    return render(
        request,
        "audit/log.html",
        {
            "result": result,
            "criteria": criteria,
            "areas": areas,
            "detail_lines": detail_lines,
            "target_url": target_url,
        },
    )


routes: list[BaseRoute] = [Route("/organiser/audit", audit_log, methods=["GET"])]
