"""The public side of the B2B event and the URL table of profiles, marketplace and suggestions.

The marketplace and participants' pages are public, as a fair's catalogue is; joining, editing one's
profile and suggestions need a login. Meeting requests (/b2b/requests/...) live in meeting_routes.py."""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emicronora.accounts.operations import countries
from emicronora.b2b import marketplace, profile_pages, profiles, suggestions
from emicronora.models import ITEM_KINDS, User
from emicronora.showroom import domain
from emicronora.web.context import current_user, require_user, sessionmaker_of
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 60
MAX_PAGE_DIGITS = 6


def _page_number(raw: str) -> int:
    if not raw:
        return 1
    if not raw.isdigit() or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise HTTPException(404)
    return int(raw)


def request_url(profile_id: int) -> str:
    """Where "request a meeting" leads (the requests area's form)."""
    return f"/b2b/requests/new?to={profile_id}"


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="")


def _criteria(request: Request) -> marketplace.MarketplaceFilter:
    params = request.query_params
    return marketplace.MarketplaceFilter(
        text=params.get("q", "").strip()[: marketplace.MAX_SEARCH_LENGTH],
        theme=params.get("theme", "")[:MAX_FILTER_LENGTH] or None,
        sector=params.get("sector", "")[:MAX_FILTER_LENGTH] or None,
        country=params.get("country", "")[:MAX_FILTER_LENGTH].upper() or None,
        role=params.get("role", "")[:MAX_FILTER_LENGTH] or None,
        kind=params.get("kind", "")[:MAX_FILTER_LENGTH] or None,
    )


def _known(
    criteria: marketplace.MarketplaceFilter, names: profiles.Vocabulary, country_names: dict[str, str]
) -> bool:
    return (
        (criteria.theme is None or criteria.theme in names.themes)
        and (criteria.sector is None or criteria.sector in names.sectors)
        and (criteria.country is None or criteria.country in country_names)
        and (criteria.role is None or criteria.role in marketplace.ROLE_FILTERS)
        and (criteria.kind is None or criteria.kind in ITEM_KINDS)
    )


async def marketplace_page(request: Request) -> Response:
    """/b2b: the participants, searched and filtered; for a logged-in user without a profile, the
    invitation to join."""
    user = current_user(request)
    criteria = _criteria(request)
    page = _page_number(request.query_params.get("page", ""))
    country_names = dict(countries())
    async with sessionmaker_of(request)() as db:
        names = await profiles.vocabulary(db, request.state.locale)
        # A filter on something that does not exist is a broken link, as in the exhibitor directory.
        if not _known(criteria, names, country_names):
            raise HTTPException(404)
        result = await marketplace.marketplace(db, criteria, page)
        if page > result.pages:
            raise HTTPException(404)
        present = await marketplace.countries_present(db)
        own = await profiles.profile_of(db, user) if user is not None else None
    context = {
        "result": result,
        "criteria": criteria,
        # With a filter on items, a card lists the items that pass it.
        "shown": {
            found.profile.id: [i for i in found.items if criteria.shows(i)] for found in result.participants
        },
        "own": own,
        "names": names,
        "country_names": country_names,
        "country_options": [(code, name) for code, name in country_names.items() if code in present],
        "role_label": profiles.role_label,
        "kind_label": profiles.kind_label,
        "join_url": profile_pages.PROFILE_URL if user is not None else login_url(profile_pages.PROFILE_URL),
    }
    return render(request, "b2b/marketplace.html", context)


def _may_see(viewer: User | None, found: marketplace.Participant) -> bool:
    """Active participants are public; a paused one only to its owner and the organisers."""
    if found.profile.is_active and found.user.is_active:
        return True
    return viewer is not None and (viewer.id == found.user.id or viewer.is_organiser)


async def participant_page(request: Request) -> Response:
    """/b2b/participants/{profile_id}: the profile, its offers and needs, and "request a meeting"."""
    user = current_user(request)
    async with sessionmaker_of(request)() as db:
        found = await marketplace.participant(db, request.path_params["profile_id"])
        if found is None or not _may_see(user, found):
            raise HTTPException(404)
        own = user is not None and user.id == found.user.id
        viewer = await profiles.profile_of(db, user) if user is not None and not own else None
        names = await profiles.vocabulary(db, request.state.locale)
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
        "role_label": profiles.role_label,
        "kind_label": profiles.kind_label,
    }
    return render(request, "b2b/participant.html", context)


async def suggestions_page(request: Request) -> Response:
    """/b2b/suggestions: the participant's best partners, each with the reason."""
    user = require_user(request)
    async with sessionmaker_of(request)() as db:
        profile = await profiles.profile_of(db, user)
        partners = []
        has_items = False
        if profile is not None:
            has_items = bool(await profiles.items_of(db, profile.id))
            partners = await suggestions.suggested_partners(db, profile, request.state.locale)
    context = {
        "profile": profile,
        "has_items": has_items,
        "partners": partners,
        "country_name": domain.country_name,
        "role_label": profiles.role_label,
        "request_url": request_url,
    }
    return render(request, "b2b/suggestions.html", context)


routes: list[BaseRoute] = [
    Route("/b2b", marketplace_page, methods=["GET"]),
    Route("/b2b/profile", profile_pages.edit_profile, methods=["GET", "POST"]),
    Route("/b2b/profile/items/new", profile_pages.new_item, methods=["GET", "POST"]),
    Route("/b2b/profile/items/{item_id:int}/edit", profile_pages.edit_item, methods=["GET", "POST"]),
    Route("/b2b/profile/items/{item_id:int}/delete", profile_pages.delete_item, methods=["POST"]),
    Route("/b2b/participants/{profile_id:int}", participant_page, methods=["GET"]),
    Route("/b2b/suggestions", suggestions_page, methods=["GET"]),
]
