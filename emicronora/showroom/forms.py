"""The showroom's forms: what the editor and the innovation form may hold, checked field by field. A refused
form keeps one message per wrong field and nothing is written (operations.py writes what passed)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.forms import countries
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, Innovation
from emicronora.showroom import domain, queries

MAX_NAME = 200
MAX_TAGLINE = 300
MAX_DESCRIPTION = 10_000
MAX_PLACE = 120
MAX_WEBSITE = 300
MAX_INNOVATION_TITLE = 200
MAX_INNOVATION_DESCRIPTION = 5_000


@dataclass(frozen=True)
class ShowroomFields:
    name: str
    slug: str
    tagline: str
    description: str
    themes: list[str]
    sectors: list[str]
    country: str
    region: str
    city: str
    website: str


@dataclass(frozen=True)
class InnovationFields:
    title: str
    description: str


def showroom_values(company: Company) -> dict[str, str]:
    """The edit form filled from the company."""
    return {
        "name": company.name,
        "slug": company.slug or "",
        "tagline": company.tagline,
        "description": company.description,
        "themes": ",".join(company.themes or []),
        "sectors": ",".join(company.sectors or []),
        "country": company.country,
        "region": company.region,
        "city": company.city,
        "website": company.website,
    }


def innovation_values(innovation: Innovation) -> dict[str, str]:
    return {"title": innovation.title, "description": innovation.description}


def _checked_slugs(form: Form, field: str, allowed: Collection[str]) -> list[str]:
    chosen = domain.parse_slugs(form.values.get(field, ""))
    if any(slug not in allowed for slug in chosen):
        form.error(field, _("Choose among the options listed."))
    return chosen


async def _validate_slug(db: AsyncSession, form: Form, name: str, company: Company) -> str:
    slug = form.values.get("slug", "").strip()
    if not slug:
        return await queries.unique_slug(db, name, company.id) if name else ""
    if len(slug) > domain.MAX_SLUG:
        form.error("slug", _("At most %(max)s characters.", max=domain.MAX_SLUG))
    elif not domain.SLUG_PATTERN.match(slug):
        form.error("slug", _("Use lowercase letters a-z, digits and hyphens (for example lumicron-laser)."))
    elif await queries.slug_taken(db, slug, except_id=company.id):
        form.error("slug", _("Another exhibitor already uses this address."))
    return slug


async def validate_showroom(
    db: AsyncSession, form: Form, company: Company, theme_slugs: Collection[str]
) -> ShowroomFields | None:
    """The showroom's new values, or None with one message per wrong field."""
    name = form.text("name", max_length=MAX_NAME)
    slug = await _validate_slug(db, form, name, company)
    tagline = form.text("tagline", max_length=MAX_TAGLINE, required=False)
    description = form.text("description", max_length=MAX_DESCRIPTION, required=False, multiline=True)
    themes = _checked_slugs(form, "themes", theme_slugs)
    sectors = _checked_slugs(form, "sectors", domain.SECTORS)
    country = form.values.get("country", "").strip().upper()
    if country not in dict(countries()):
        form.error("country", _("Choose a country in the list."))
    region = form.text("region", max_length=MAX_PLACE, required=False)
    city = form.text("city", max_length=MAX_PLACE, required=False)
    website = form.text("website", max_length=MAX_WEBSITE, required=False)
    if website and "website" not in form.errors and not domain.is_web_address(website):
        form.error("website", _("Enter a web address that starts with http:// or https://."))
    if not form.ok:
        return None
    return ShowroomFields(
        name=name,
        slug=slug,
        tagline=tagline,
        description=description,
        themes=themes,
        sectors=sectors,
        country=country,
        region=region,
        city=city,
        website=website,
    )


def validate_innovation(form: Form) -> InnovationFields | None:
    """An innovation's title and description, or None with one message per wrong field."""
    title = form.text("title", max_length=MAX_INNOVATION_TITLE)
    description = form.text(
        "description", max_length=MAX_INNOVATION_DESCRIPTION, required=False, multiline=True
    )
    if not form.ok:
        return None
    return InnovationFields(title=title, description=description)
