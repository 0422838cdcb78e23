"""The team page of the exhibitor area (members, invitations) and the invitation link a colleague opens."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.showroom import invitations, queries
from emicronora.showroom.views.workspace import Workspace, company_workspace
from emicronora.web.actors import actor_of
from emicronora.web.context import require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

TEAM_TEMPLATE = "showroom/team.html"


def _now() -> datetime:
    return datetime.now(UTC)


async def _team_page(
    request: Request,
    db: AsyncSession,
    workspace: Workspace,
    form: Form,
    *,
    invitation_url: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "workspace": workspace,
        "company": workspace.company,
        "members": await queries.team_of(db, workspace.company.id),
        "invitations": await invitations.pending_invitations(db, workspace.company.id, _now()),
        "form": form,
        "invitation_url": invitation_url,
    }
    return render(request, TEAM_TEMPLATE, context, status)


async def team(request: Request) -> Response:
    """/exhibitor-area/team: who is in the team, who is invited, and the form to invite a colleague."""
    async with sessionmaker_of(request)() as db:
        workspace = await company_workspace(request, db)
        return await _team_page(request, db, workspace, Form())


async def invite(request: Request) -> Response:
    """Creates the invitation and shows its link, once: only its digest is kept."""
    async with sessionmaker_of(request)() as db, db.begin():
        workspace = await company_workspace(request, db)
        form = await read_form(request)
        token = await invitations.invite(db, form, workspace.company, workspace.user, _now())
        if token is None:
            return await _team_page(request, db, workspace, form, status=400)
        if not workspace.as_member:
            details = {"email": form.values.get("email", "")}
            await audit.record_action(
                db, actor_of(request), "company.invite", "company", workspace.company.id, details
            )
        url = settings_of(request).site_origin + invitations.invitation_path(token)
        return await _team_page(request, db, workspace, Form(), invitation_url=url)


async def remove_member(request: Request) -> Response:
    async with sessionmaker_of(request)() as db, db.begin():
        workspace = await company_workspace(request, db)
        result = await invitations.remove_member(
            db, workspace.company, request.path_params["user_id"], workspace.user
        )
        if result == "removed" and not workspace.as_member:
            details = {"user_id": request.path_params["user_id"]}
            await audit.record_action(
                db, actor_of(request), "company.member_remove", "company", workspace.company.id, details
            )
    if result == "unknown":
        raise HTTPException(404)
    if result == "self":
        raise HTTPException(
            400, detail=_("You cannot remove yourself from the team; ask a colleague to do it.")
        )
    return see_other(workspace.team_url + "#members")


async def revoke_invitation(request: Request) -> Response:
    async with sessionmaker_of(request)() as db, db.begin():
        workspace = await company_workspace(request, db)
        revoked = await invitations.revoke(db, workspace.company, request.path_params["invitation_id"])
        if revoked and not workspace.as_member:
            details = {"invitation_id": request.path_params["invitation_id"]}
            await audit.record_action(
                db, actor_of(request), "company.invitation_revoke", "company", workspace.company.id, details
            )
    if not revoked:
        raise HTTPException(404)
    return see_other(workspace.team_url + "#invitations")


async def invitation(request: Request) -> Response:
    """/invitations/{token}: GET shows whose team it is and a button; POST joins it."""
    user = require_user(request)
    now = _now()
    async with sessionmaker_of(request)() as db, db.begin():
        found = await invitations.find_invitation(db, request.path_params["token"], now)
        company = await queries.get_company(db, found.company_id) if found is not None else None
        if found is None or company is None:
            raise HTTPException(
                404,
                detail=_(
                    "This invitation does not exist, has already been used or has expired. "
                    "Ask your colleague for a new one."
                ),
            )
        if request.method == "GET":
            problem = invitations.refusal(found, user)
        else:
            problem = await invitations.accept(db, found, user.id, now)
            if problem is None:
                return see_other("/exhibitor-area/team?joined=1")
        context = {"company": company, "problem": problem, "token": request.path_params["token"]}
        return render(request, "showroom/invitation.html", context, 200 if problem is None else 403)
