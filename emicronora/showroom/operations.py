"""Changing showrooms: the company's page, its innovations, the organisers' approval. Each runs inside the
caller's transaction and validates everything before it writes anything, so a refused form leaves no trace."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.operations import countries
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.media.storage import MediaStorage
from emicronora.models import Company, Innovation, User
from emicronora.programme.operations import Direction
from emicronora.settings import Settings
from emicronora.showroom import domain, queries
from emicronora.showroom.images import Upload, store_image

MAX_NAME = 200
MAX_TAGLINE = 300
MAX_DESCRIPTION = 10_000
MAX_PLACE = 120
MAX_WEBSITE = 300
MAX_INNOVATION_TITLE = 200
MAX_INNOVATION_DESCRIPTION = 5_000
# Enough tries to get past any realistic run of companies sharing a name.
MAX_SLUG_TRIES = 100


@dataclass(frozen=True)
class ImageContext:
    """Where an uploaded image goes and who sent it (the media area records both)."""

    storage: MediaStorage
    user: User
    settings: Settings


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


async def unique_slug(db: AsyncSession, name: str, company_id: int | None) -> str:
    """An address made from the name, numbered when another company already has it."""
    base = domain.slugify(name)
    candidate = base
    for number in range(2, MAX_SLUG_TRIES + 2):
        if not await queries.slug_taken(db, candidate, except_id=company_id):
            return candidate
        candidate = domain.numbered_slug(base, number)
    raise RuntimeError(f"no free showroom address for {name!r}")


def _checked_slugs(form: Form, field: str, allowed: Collection[str]) -> list[str]:
    chosen = domain.parse_slugs(form.values.get(field, ""))
    if any(slug not in allowed for slug in chosen):
        form.error(field, _("Choose among the options listed."))
    return chosen


async def _validate_slug(db: AsyncSession, form: Form, name: str, company: Company) -> str:
    slug = form.values.get("slug", "").strip()
    if not slug:
        return await unique_slug(db, name, company.id) if name else ""
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
    description = form.text("description", max_length=MAX_DESCRIPTION, required=False)
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


async def save_showroom(
    db: AsyncSession, form: Form, company: Company, logo: Upload | None, images: ImageContext
) -> bool:
    """Updates the company's showroom from the form (and its logo when one was sent); False when refused."""
    theme_slugs = (await queries.themes_by_slug(db)).keys()
    fields = await validate_showroom(db, form, company, theme_slugs)
    if fields is None:
        return False
    stored = None
    if logo is not None:
        stored = await store_image(
            db,
            form,
            "logo",
            logo,
            storage=images.storage,
            company=company,
            user=images.user,
            settings=images.settings,
        )
        if stored is None:
            return False
    company.name = fields.name
    company.slug = fields.slug
    company.tagline = fields.tagline
    company.description = fields.description
    company.themes = fields.themes
    company.sectors = fields.sectors
    company.country = fields.country
    company.region = fields.region
    company.city = fields.city
    company.website = fields.website
    if stored is not None:
        company.logo_id = stored.id
    elif form.checkbox("remove_logo"):
        company.logo_id = None
    return True


async def set_approved(db: AsyncSession, company: Company, approved: bool) -> None:
    """Approving publishes the showroom; a company that never chose an address gets one from its name."""
    if approved and not company.slug:
        company.slug = await unique_slug(db, company.name, company.id)
    company.is_approved = approved


# --- innovations ----------------------------------------------------------------------------------------


def innovation_values(innovation: Innovation) -> dict[str, str]:
    return {"title": innovation.title, "description": innovation.description}


async def save_innovation(
    db: AsyncSession,
    form: Form,
    company: Company,
    innovation: Innovation | None,
    photo: Upload | None,
    images: ImageContext,
) -> Innovation | None:
    """Adds an innovation at the end of the company's list (innovation=None) or updates one."""
    title = form.text("title", max_length=MAX_INNOVATION_TITLE)
    description = form.text("description", max_length=MAX_INNOVATION_DESCRIPTION, required=False)
    if not form.ok:
        return None
    stored = None
    if photo is not None:
        stored = await store_image(
            db,
            form,
            "photo",
            photo,
            storage=images.storage,
            company=company,
            user=images.user,
            settings=images.settings,
        )
        if stored is None:
            return None
    if innovation is None:
        last = await db.scalar(
            select(func.max(Innovation.position)).where(Innovation.company_id == company.id)
        )
        innovation = Innovation(company_id=company.id, position=0 if last is None else last + 1)
        db.add(innovation)
    innovation.title = title
    innovation.description = description
    if stored is not None:
        innovation.image_id = stored.id
    elif form.checkbox("remove_photo"):
        innovation.image_id = None
    await db.flush()
    return innovation


async def delete_innovation(db: AsyncSession, innovation: Innovation) -> None:
    await db.delete(innovation)


async def move_innovation(db: AsyncSession, innovation: Innovation, direction: Direction) -> bool:
    """Swaps the innovation with its neighbour in the company's list; False at either end."""
    ordered = await queries.innovations_of(db, innovation.company_id)
    index = next(i for i, item in enumerate(ordered) if item.id == innovation.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    # Renumbered from scratch: positions may tie, and swapping two equal numbers would change nothing.
    for position, item in enumerate(ordered):
        item.position = position
    return True
