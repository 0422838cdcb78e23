"""/organiser/audit: the audit log, newest first, filtered by area of action, actor or target."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emicronora.audit.entries import detail_lines
from emicronora.audit.queries import AuditFilter, action_areas, audit_page
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 100
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


def _filter_value(request: Request, name: str) -> str:
    return request.query_params.get(name, "")[:MAX_FILTER_LENGTH].strip()


async def audit_log(request: Request) -> Response:
    require_organiser(request)
    criteria = AuditFilter(
        area=_filter_value(request, "area"),
        actor=_filter_value(request, "actor"),
        target_type=_filter_value(request, "target_type"),
        target_id=_filter_value(request, "target_id"),
    )
    number = page_number(request)
    async with sessionmaker_of(request)() as db:
        page = existing_page(await audit_page(db, criteria, number))
        areas = await action_areas(db)
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "criteria": criteria,
            "areas": areas,
            "detail_lines": detail_lines,
            "target_url": target_url,
        },
    )
