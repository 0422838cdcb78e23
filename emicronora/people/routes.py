"""/organiser/people: search accounts, one account's roles and state, exhibitors awaiting approval and session
moderators. Thin handlers: organisers only, one transaction per action, each action in the audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora import audit
from emicronora.audit.entries import AuditFilter, audit_page, detail_lines
from emicronora.audit.routes import page_number
from emicronora.forms import Form
from emicronora.i18n import _, lazy
from emicronora.live import moderators
from emicronora.models import Company, Session, User
from emicronora.people import directory, roles
from emicronora.programme import queries as programme
from emicronora.showroom import operations as showrooms
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

BASE = "/organiser/people"
EXHIBITORS_PAGE = BASE + "/exhibitors"
RECENT_ACTIONS = 10
# The confirmation shown after each action, keyed by the action's audit name (`?done=`).
NOTICES = {
    "user.organiser_grant": lazy("This person is now an organiser."),
    "user.organiser_revoke": lazy("This person is no longer an organiser."),
    "user.enable": lazy("The account is enabled: the person can log in again."),
    "user.disable": lazy("The account is disabled and its login sessions have ended."),
    "session.moderator_appoint": lazy("This person now moderates the session."),
    "session.moderator_remove": lazy("This person no longer moderates the session."),
}


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def people_list(request: Request) -> Response:
    require_organiser(request)
    params = request.query_params
    role = params.get("role", "")
    if role and role not in directory.ROLE_FILTERS:
        raise HTTPException(404)
    criteria = directory.PeopleFilter(
        text=params.get("q", "")[: directory.MAX_SEARCH_LENGTH].strip(), role=role
    )
    page = page_number(params.get("page", ""))
    async with sessionmaker_of(request)() as db:
        result = await directory.search(db, criteria, page)
    if page > result.pages:
        raise HTTPException(404)
    role_options = [
        ("organiser", _("Organisers")),
        ("exhibitor", _("Exhibitors")),
        ("b2b", _("B2B participants")),
        ("disabled", _("Disabled accounts")),
    ]
    return render(
        request, "people/list.html", {"result": result, "criteria": criteria, "role_options": role_options}
    )


async def _person_context(db: AsyncSession, person: User) -> dict[str, Any]:
    history = await audit_page(
        db, AuditFilter(target_type="user", target_id=str(person.id)), page_size=RECENT_ACTIONS
    )
    # Only an active non-organiser can be appointed (the live area's rules): nobody else sees the choice.
    appointable = person.is_active and not person.is_organiser
    return {
        "person": person,
        "moderated": await directory.moderated_sessions(db, person.id),
        "session_options": (
            [s for s in await programme.list_sessions(db) if not s.is_cancelled] if appointable else []
        ),
        "login_sessions": await directory.open_login_sessions(db, person.id),
        "organisers": await directory.organiser_count(db),
        "history": history.entries,
        "history_total": history.total,
        "detail_lines": detail_lines,
    }


async def _person_or_404(db: AsyncSession, user_id: int) -> User:
    person = await db.get(User, user_id)
    if person is None:
        raise HTTPException(404)
    return person


async def person_page(
    request: Request, error: str = "", form: Form | None = None, status_code: int = 200
) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        person = await _person_or_404(db, request.path_params["user_id"])
        context = await _person_context(db, person)
    done = request.query_params.get("done", "")
    notice = _(NOTICES[done]) if done in NOTICES else ""
    return render(
        request,
        "people/person.html",
        {**context, "error": error, "form": form or Form(), "notice": notice},
        status_code=status_code,
    )


# Path ending -> (operation, value, audited action).
ACCOUNT_ACTIONS = {
    "grant": (roles.set_organiser, True, "user.organiser_grant"),
    "revoke": (roles.set_organiser, False, "user.organiser_revoke"),
    "enable": (roles.set_active, True, "user.enable"),
    "disable": (roles.set_active, False, "user.disable"),
}


async def account_action(request: Request) -> Response:
    """Organiser role given or taken, account enabled or disabled; a refusal is shown on the page (409)."""
    actor = require_organiser(request)
    user_id: int = request.path_params["user_id"]
    operation, value, action = ACCOUNT_ACTIONS[request.url.path.rsplit("/", 1)[1]]
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            person = await _person_or_404(db, user_id)
            details: dict[str, object] = {"email": person.email}
            if action == "user.disable":
                # Counted before the operation ends them.
                details["ended_sessions"] = await directory.open_login_sessions(db, person.id)
            if await operation(db, person, actor, value):
                await audit.record_action(db, request, action, "user", person.id, details)
    except roles.RoleRefused as refused:
        return await person_page(request, refused.message, status_code=409)
    return _see_other(f"{BASE}/{user_id}?done={action}")


async def appoint_moderator(request: Request) -> Response:
    """Makes the person a moderator of the chosen session (the live area's rules: an active non-organiser)."""
    require_organiser(request)
    user_id: int = request.path_params["user_id"]
    form = await read_form(request)
    session_id = form.integer("session_id")
    async with sessionmaker_of(request)() as db, db.begin():
        person = await _person_or_404(db, user_id)
        session = await db.get(Session, session_id) if session_id is not None else None
        if session is None:
            form.error("session_id", _("Choose one of the sessions."))
        else:
            appointment = Form(values={"email": person.email})
            if await moderators.appoint(db, session.id, appointment) is None:
                form.error("session_id", appointment.errors["email"])
            else:
                details = {"email": person.email, "title": session.title}
                await audit.record_action(
                    db, request, "session.moderator_appoint", "session", session.id, details
                )
    if not form.ok:
        return await person_page(request, form=form, status_code=400)
    return _see_other(f"{BASE}/{user_id}?done=session.moderator_appoint#moderation")


async def remove_moderator(request: Request) -> Response:
    require_organiser(request)
    user_id: int = request.path_params["user_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        person = await _person_or_404(db, user_id)
        session = await db.get(Session, request.path_params["session_id"])
        if session is None or not await moderators.remove(db, session.id, person.id):
            raise HTTPException(404)
        details = {"email": person.email, "title": session.title}
        await audit.record_action(db, request, "session.moderator_remove", "session", session.id, details)
    return _see_other(f"{BASE}/{user_id}?done=session.moderator_remove#moderation")


async def exhibitors_page(request: Request) -> Response:
    """Exhibiting companies whose showroom awaits approval."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        waiting = await directory.companies_awaiting_approval(db)
    approved = request.query_params.get("approved", "")[:80]
    return render(request, "people/exhibitors.html", {"waiting": waiting, "approved": approved})


async def approve_exhibitor(request: Request) -> Response:
    """The showroom area's approval, from the people pages; it comes back here."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        company = await db.get(Company, request.path_params["company_id"])
        if company is None or not company.is_exhibitor:
            raise HTTPException(404)
        if not company.is_approved:
            await showrooms.set_approved(db, company, True)
            await audit.record_action(
                db, request, "showroom.approve", "company", company.id, {"name": company.name}
            )
    return _see_other(f"{EXHIBITORS_PAGE}?{urlencode({'approved': company.name})}")


routes: list[BaseRoute] = [
    Route(BASE, people_list, methods=["GET"]),
    Route(EXHIBITORS_PAGE, exhibitors_page, methods=["GET"]),
    Route(EXHIBITORS_PAGE + "/{company_id:int}/approve", approve_exhibitor, methods=["POST"]),
    Route(BASE + "/{user_id:int}", person_page, methods=["GET"]),
    Route(BASE + "/{user_id:int}/organiser/grant", account_action, methods=["POST"]),
    Route(BASE + "/{user_id:int}/organiser/revoke", account_action, methods=["POST"]),
    Route(BASE + "/{user_id:int}/enable", account_action, methods=["POST"]),
    Route(BASE + "/{user_id:int}/disable", account_action, methods=["POST"]),
    Route(BASE + "/{user_id:int}/moderation", appoint_moderator, methods=["POST"]),
    Route(BASE + "/{user_id:int}/moderation/{session_id:int}/remove", remove_moderator, methods=["POST"]),
]
