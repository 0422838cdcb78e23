"""Changing showrooms: the company's page, its innovations, the organisers' approval. Each runs inside the
caller's transaction and validates everything before it writes anything, so a refused form leaves no trace."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.media.storage import MediaStorage
from emicronora.media.uploads import Upload
from emicronora.models import Company, Innovation, User
from emicronora.programme.operations import Direction
from emicronora.settings import Settings
from emicronora.showroom import forms, queries
from emicronora.showroom.images import store_image


@dataclass(frozen=True)
class ImageContext:
    """Where an uploaded image goes and who sent it (the media area records both)."""

    storage: MediaStorage
    user: User
    settings: Settings


async def save_showroom(
    db: AsyncSession, form: Form, company: Company, logo: Upload | None, images: ImageContext
) -> bool:
    """Updates the company's showroom from the form (and its logo when one was sent); False when refused."""
    theme_slugs = (await queries.themes_by_slug(db)).keys()
    fields = await forms.validate_showroom(db, form, company, theme_slugs)
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
        company.slug = await queries.unique_slug(db, company.name, company.id)
    company.is_approved = approved


# --- innovations ----------------------------------------------------------------------------------------


async def save_innovation(
    db: AsyncSession,
    form: Form,
    company: Company,
    innovation: Innovation | None,
    photo: Upload | None,
    images: ImageContext,
) -> Innovation | None:
    """Adds an innovation at the end of the company's list (innovation=None) or updates one."""
    fields = forms.validate_innovation(form)
    if fields is None:
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
    innovation.title = fields.title
    innovation.description = fields.description
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
