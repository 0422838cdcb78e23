"""The organisers' list of showrooms, with approval. (Editing one is the exhibitor's page, see manage.py.)"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.showroom import domain, operations, queries
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

LIST_URL = "/organiser/showrooms"


async def showroom_list(request: Request) -> Response:
    """/organiser/showrooms: every exhibiting company, those awaiting approval first."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        rows = await queries.showroom_rows(db)
    return render(request, "showroom/organiser.html", {"rows": rows, "country_name": domain.country_name})


async def set_approval(request: Request) -> Response:
    """/organiser/showrooms/{company_id}/approve and /unapprove."""
    require_organiser(request)
    approve = request.url.path.endswith("/approve")
    async with sessionmaker_of(request)() as db, db.begin():
        company = await queries.get_company(db, request.path_params["company_id"])
        if company is None or not company.is_exhibitor:
            raise HTTPException(404)
        if company.is_approved != approve:
            await operations.set_approved(db, company, approve)
            verb = "approve" if approve else "unapprove"
            await audit.record_action(
                db, actor_of(request), f"showroom.{verb}", "company", company.id, {"name": company.name}
            )
        company_id = company.id
    return see_other(f"{LIST_URL}#company-{company_id}")
