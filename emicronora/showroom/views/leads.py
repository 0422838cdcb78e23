"""The company's leads, for its team only: a page and a CSV export."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emicronora.showroom import domain, leads
from emicronora.showroom.views.workspace import company_workspace
from emicronora.web.context import sessionmaker_of, settings_of
from emicronora.web.downloads import csv_download
from emicronora.web.templating import render


async def lead_list(request: Request) -> Response:
    """/exhibitor-area/leads: what visitors sent, newest first."""
    async with sessionmaker_of(request)() as db:
        workspace = await company_workspace(request, db, organisers=False)
        rows = await leads.leads_of(db, workspace.company.id)
    return render(
        request,
        "showroom/leads.html",
        {"workspace": workspace, "company": workspace.company, "rows": rows, "paragraphs": domain.paragraphs},
    )


async def leads_csv(request: Request) -> Response:
    """/exhibitor-area/leads.csv, to open in a spreadsheet or import in a CRM. Personal data: the download
    is never kept by a shared cache (csv_download says no-store)."""
    async with sessionmaker_of(request)() as db:
        workspace = await company_workspace(request, db, organisers=False)
        rows = await leads.leads_of(db, workspace.company.id)
    filename = f"leads-{workspace.company.slug or workspace.company.id}.csv"
    return csv_download(filename, leads.leads_csv(rows, settings_of(request)))
