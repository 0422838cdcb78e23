"""The organisers' list of showrooms, with approval. (Editing one is the exhibitor's page, see editor.py.)"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from emicronora import audit
from emicronora.models import Company
from emicronora.showroom import domain, operations, queries
from emicronora.web.context import require_organiser, sessionmaker_of
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
        company = await db.get(Company, request.path_params["company_id"])
        if company is None or not company.is_exhibitor:
            raise HTTPException(404)
        if company.is_approved != approve:
            await operations.set_approved(db, company, approve)
            verb = "approve" if approve else "unapprove"
            await audit.record_action(
                db, request, f"showroom.{verb}", "company", company.id, {"name": company.name}
            )
        company_id = company.id
    return RedirectResponse(f"{LIST_URL}#company-{company_id}", status_code=303)
