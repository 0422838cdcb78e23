"""/organiser/people: search accounts, one account's roles and state, exhibitors awaiting approval and session
moderators. Thin handlers: organisers only, one transaction per action, each action in the audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.audit.entries import detail_lines
from emicronora.audit.queries import AuditFilter, audit_page
from emicronora.forms import Form
from emicronora.i18n import _, lazy
from emicronora.models import User
from emicronora.people import operations, queries, roles
from emicronora.programme import queries as programme
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import found_or_404
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.redirects import see_other
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


async def people_list(request: Request) -> Response:
    require_organiser(request)
    params = request.query_params
    role = params.get("role", "")
    if role and role not in queries.ROLE_FILTERS:
        raise HTTPException(404)
    criteria = queries.PeopleFilter(text=params.get("q", "")[: queries.MAX_SEARCH_LENGTH].strip(), role=role)
    number = page_number(request)
    async with sessionmaker_of(request)() as db:
        page = existing_page(await queries.search(db, criteria, number))
    role_options = [
        ("organiser", _("Organisers")),
        ("exhibitor", _("Exhibitors")),
        ("b2b", _("B2B participants")),
        ("disabled", _("Disabled accounts")),
    ]
    return render(
        request, "people/list.html", {"page": page, "criteria": criteria, "role_options": role_options}
    )


async def _person_context(db: AsyncSession, person: User) -> dict[str, Any]:
    history = await audit_page(
        db, AuditFilter(target_type="user", target_id=str(person.id)), page_size=RECENT_ACTIONS
    )
    # Only an active non-organiser can be appointed (the live area's rules): nobody else sees the choice.
    appointable = person.is_active and not person.is_organiser
    return {
        "person": person,
        "moderated": await queries.moderated_sessions(db, person.id),
        "session_options": (
            [s for s in await programme.list_sessions(db) if not s.is_cancelled] if appointable else []
        ),
        "login_sessions": await queries.open_login_sessions(db, person.id),
        "organisers": await queries.organiser_count(db),
        "history": history.items,
        "history_total": history.total,
        "detail_lines": detail_lines,
    }


async def _person_or_404(db: AsyncSession, request: Request) -> User:
    return found_or_404(await queries.person(db, request.path_params["user_id"]))


async def person_page(
    request: Request, error: str = "", form: Form | None = None, status_code: int = 200
) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        person = await _person_or_404(db, request)
        context = await _person_context(db, person)
    done = request.query_params.get("done", "")
    notice = _(NOTICES[done]) if done in NOTICES else ""
    return render(
        request,
        "people/person.html",
        {**context, "error": error, "form": form or Form(), "notice": notice},
        status_code=status_code,
    )


async def account_action(request: Request) -> Response:
    """Organiser role given or taken, account enabled or disabled; a refusal is shown on the page (409)."""
    require_organiser(request)
    user_id: int = request.path_params["user_id"]
    change = request.url.path.rsplit("/", 1)[1]
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            person = await _person_or_404(db, request)
            action = await operations.change_account(db, person, actor_of(request), change)
    except roles.RoleRefused as refused:
        return await person_page(request, refused.message, status_code=409)
    return see_other(f"{BASE}/{user_id}?done={action}")


async def appoint_moderator(request: Request) -> Response:
    """Makes the person a moderator of the chosen session (the live area's rules: an active non-organiser)."""
    require_organiser(request)
    user_id: int = request.path_params["user_id"]
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        person = await _person_or_404(db, request)
        await operations.appoint_moderator(db, person, form.integer("session_id"), actor_of(request), form)
    if not form.ok:
        return await person_page(request, form=form, status_code=400)
    return see_other(f"{BASE}/{user_id}?done=session.moderator_appoint#moderation")


async def remove_moderator(request: Request) -> Response:
    require_organiser(request)
    user_id: int = request.path_params["user_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        person = await _person_or_404(db, request)
        session_id: int = request.path_params["session_id"]
        if not await operations.remove_moderator(db, person, session_id, actor_of(request)):
            raise HTTPException(404)
    return see_other(f"{BASE}/{user_id}?done=session.moderator_remove#moderation")


async def exhibitors_page(request: Request) -> Response:
    """Exhibiting companies whose showroom awaits approval."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        waiting = await queries.companies_awaiting_approval(db)
    approved = request.query_params.get("approved", "")[:80]
    return render(request, "people/exhibitors.html", {"waiting": waiting, "approved": approved})


async def approve_exhibitor(request: Request) -> Response:
    """The showroom area's approval, from the people pages; it comes back here."""
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        company = found_or_404(await queries.exhibitor(db, request.path_params["company_id"]))
        await operations.approve_exhibitor(db, company, actor_of(request))
    return see_other(f"{EXHIBITORS_PAGE}?{urlencode({'approved': company.name})}")
