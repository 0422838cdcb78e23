"""Public showroom pages: the exhibitor directory, one exhibitor's showroom and its contact form."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.accounts.forms import countries
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, User
from emicronora.showroom import domain, leads, permissions, queries
from emicronora.showroom.images import media_url
from emicronora.web.context import current_user, require_user, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 60


async def directory(request: Request) -> Response:
    """/exhibitors: approved exhibitors, searched by text and filtered by theme, sector and country."""
    params = request.query_params
    text = params.get("q", "").strip()[: queries.MAX_SEARCH_LENGTH]
    theme = params.get("theme", "")[:MAX_FILTER_LENGTH]
    sector = params.get("sector", "")[:MAX_FILTER_LENGTH]
    country = params.get("country", "")[:MAX_FILTER_LENGTH].upper()
    page = page_number(request)
    country_names = dict(countries())
    # A filter on something that does not exist is a broken link, as on the programme page.
    async with sessionmaker_of(request)() as db:
        themes = await queries.themes_by_slug(db)
        if (theme and theme not in themes) or (sector and sector not in domain.SECTORS):
            raise HTTPException(404)
        if country and country not in country_names:
            raise HTTPException(404)
        criteria = queries.DirectoryFilter(
            text=text, theme=theme or None, sector=sector or None, country=country or None
        )
        result = existing_page(await queries.directory(db, criteria, page))
        present = await queries.facets(db)
        logos = await queries.media_keys(db, (c.logo_id for c in result.items))
    locale = request.state.locale
    return render(
        request,
        "showroom/directory.html",
        {
            "result": result,
            "criteria": criteria,
            "logos": {media_id: media_url(key) for media_id, key in logos.items()},
            # In programme order, whatever order the exhibitor ticked them in.
            "card_themes": {
                c.id: [t.name(locale) for slug, t in themes.items() if slug in (c.themes or [])]
                for c in result.items
            },
            "theme_options": [(slug, t.name(locale)) for slug, t in themes.items() if slug in present.themes],
            "sector_options": [
                (slug, domain.sector_label(slug)) for slug in domain.SECTORS if slug in present.sectors
            ],
            "country_options": [
                (code, name) for code, name in country_names.items() if code in present.countries
            ],
            "country_names": country_names,
        },
    )


async def _showroom_context(
    db: AsyncSession, company: Company, user: User | None, locale: str
) -> dict[str, Any]:
    themes = await queries.themes_by_slug(db)
    innovations = await queries.innovations_of(db, company.id)
    videos = await queries.published_videos_of(db, company.id)
    keys = await queries.media_keys(
        db, [company.logo_id, *(i.image_id for i in innovations), *(v.poster_id for v in videos)]
    )
    member = permissions.is_member(user, company)
    return {
        "company": company,
        "is_public": permissions.is_public(company),
        "can_edit": permissions.can_edit(user, company),
        "is_member": member,
        "edit_url": "/exhibitor-area/showroom" if member else f"/organiser/showrooms/{company.id}/edit",
        "media": {identifier: media_url(key) for identifier, key in keys.items()},
        "theme_names": [themes[slug].name(locale) for slug in themes if slug in (company.themes or [])],
        "sector_labels": [domain.sector_label(slug) for slug in company.sectors or []],
        "country_name": domain.country_name(company.country),
        # Saved addresses are checked, but rows written by other means are not shown as links unchecked.
        "website": company.website if domain.is_web_address(company.website) else "",
        "paragraphs": domain.paragraphs(company.description),
        "innovations": [(i, domain.paragraphs(i.description)) for i in innovations],
        "videos": videos,
        "team": await queries.team_of(db, company.id),
        "pitches": await queries.pitches_of(db, company.id),
        # Only outsiders write to the company, and only once its showroom is public.
        "can_contact": user is not None and not member and permissions.is_public(company),
    }


async def showroom(request: Request) -> Response:
    """/exhibitors/{slug}: public once approved; before that, a preview for its team and the organisers."""
    user = current_user(request)
    async with sessionmaker_of(request)() as db:
        company = await queries.get_company_by_slug(db, request.path_params["slug"])
        if company is None or not permissions.can_view(user, company):
            raise HTTPException(404)
        context = await _showroom_context(db, company, user, request.state.locale)
    form = Form(values=leads.contact_values(user)) if user is not None else Form()
    return render(request, "showroom/showroom.html", {**context, "form": form})


async def contact(request: Request) -> Response:
    """Sends the visitor's name, company, e-mail and message to the exhibitor as a lead."""
    user = require_user(request)
    form = await read_form(request)
    slug = request.path_params["slug"]
    async with sessionmaker_of(request)() as db, db.begin():
        company = await queries.get_company_by_slug(db, slug)
        if company is None or not permissions.is_public(company):
            raise HTTPException(404)
        if permissions.is_member(user, company):
            raise HTTPException(
                400, detail=_("You are in this company's team: there is no need to write to it.")
            )
        if await leads.create_lead(db, form, company, user) is None:
            context = await _showroom_context(db, company, user, request.state.locale)
            return render(request, "showroom/showroom.html", {**context, "form": form}, 400)
    return see_other(f"/exhibitors/{slug}?contacted=1#contact")
