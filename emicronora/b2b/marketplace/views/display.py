"""The public side of the B2B event: the marketplace, a participant's page, and a participant's suggested
partners. The marketplace and participants' pages are public, as a fair's catalogue is; suggestions need a
login. Meeting requests (/b2b/requests/...) are the meetings area's."""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.accounts.forms import countries
from emicronora.b2b.marketplace import queries, search, suggestions
from emicronora.b2b.marketplace.permissions import may_see
from emicronora.b2b.marketplace.views.profile import PROFILE_URL
from emicronora.showroom import domain
from emicronora.web.context import current_user, require_user, sessionmaker_of
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 60


def request_url(profile_id: int) -> str:
    """Where "request a meeting" leads (the meetings area's form)."""
    return f"/b2b/requests/new?to={profile_id}"


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="")


def _criteria(request: Request) -> search.MarketplaceFilter:
    params = request.query_params
    return search.MarketplaceFilter(
        text=params.get("q", "").strip()[: search.MAX_SEARCH_LENGTH],
        theme=params.get("theme", "")[:MAX_FILTER_LENGTH] or None,
        sector=params.get("sector", "")[:MAX_FILTER_LENGTH] or None,
        country=params.get("country", "")[:MAX_FILTER_LENGTH].upper() or None,
        role=params.get("role", "")[:MAX_FILTER_LENGTH] or None,
        kind=params.get("kind", "")[:MAX_FILTER_LENGTH] or None,
    )


async def marketplace_page(request: Request) -> Response:
    """/b2b: the participants, searched and filtered; for a logged-in user without a profile, the
    invitation to join."""
    user = current_user(request)
    criteria = _criteria(request)
    number = page_number(request)
    country_names = dict(countries())
    async with sessionmaker_of(request)() as db:
        names = await queries.vocabulary(db, request.state.locale)
        # A filter on something that does not exist is a broken link, as in the exhibitor directory.
        if not criteria.known(names, country_names):
            raise HTTPException(404)
        page = existing_page(await search.marketplace(db, criteria, number))
        present = await search.countries_present(db)
        own = await queries.profile_of(db, user) if user is not None else None
    context = {
        "page": page,
        "criteria": criteria,
        # With a filter on items, a card lists the items that pass it.
        "shown": {found.profile.id: [i for i in found.items if criteria.shows(i)] for found in page.items},
        "own": own,
        "names": names,
        "country_names": country_names,
        "country_options": [(code, name) for code, name in country_names.items() if code in present],
        "role_label": queries.role_label,
        "kind_label": queries.kind_label,
        "join_url": PROFILE_URL if user is not None else login_url(PROFILE_URL),
    }
    return render(request, "b2b/marketplace.html", context)


async def participant_page(request: Request) -> Response:
    """/b2b/participants/{profile_id}: the profile, its offers and needs, and "request a meeting"."""
    user = current_user(request)
    async with sessionmaker_of(request)() as db:
        found = await queries.participant(db, request.path_params["profile_id"])
        if found is None or not may_see(user, found):
            raise HTTPException(404)
        own = user is not None and user.id == found.user.id
        viewer = await queries.profile_of(db, user) if user is not None and not own else None
        names = await queries.vocabulary(db, request.state.locale)
    target = request_url(found.profile.id)
    context = {
        "participant": found,
        "own": own,
        "viewer": viewer,
        "is_active": found.profile.is_active and found.user.is_active,
        "request_url": target,
        "login_url": login_url(target),
        "names": names,
        "country_name": domain.country_name(found.country),
        "paragraphs": domain.paragraphs,
        "role_label": queries.role_label,
        "kind_label": queries.kind_label,
    }
    return render(request, "b2b/participant.html", context)


async def suggestions_page(request: Request) -> Response:
    """/b2b/suggestions: the participant's best partners, each with the reason."""
    user = require_user(request)
    async with sessionmaker_of(request)() as db:
        profile = await queries.profile_of(db, user)
        partners = []
        has_items = False
        if profile is not None:
            has_items = bool(await queries.items_of(db, profile.id))
            partners = await suggestions.suggested_partners(db, profile, request.state.locale)
    context = {
        "profile": profile,
        "has_items": has_items,
        "partners": partners,
        "country_name": domain.country_name,
        "role_label": queries.role_label,
        "request_url": request_url,
    }
    return render(request, "b2b/suggestions.html", context)
