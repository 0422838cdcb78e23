"""B2B profiles and their cooperation items: joining the brokerage event, editing one's profile, adding,
changing and deleting offers and needs. Each write runs inside the caller's transaction and validates
everything before it writes anything, so a refused form leaves no trace. Usable from a seed script: no
request, only an AsyncSession and a Form."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.i18n import _, lazy
from emicronora.models import B2B_ROLES, ITEM_KINDS, B2BProfile, CooperationItem, User
from emicronora.showroom import domain, queries

MAX_HEADLINE = 200
MAX_DESCRIPTION = 5_000
MAX_ITEM_TITLE = 200
MAX_ITEM_DESCRIPTION = 5_000
# Enough for a company's real offers and needs; beyond that a profile reads like a catalogue.
MAX_ITEMS = 10
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 40
MAX_MEETINGS = 50
KEYWORD_SEPARATORS = re.compile(r"[,;\n]")
# Where the "too many items" message goes: it concerns the profile, not one field of the item form.
ITEMS_ERROR = "items"

ROLE_LABELS: dict[str, str] = {
    "buyer": lazy("Buyer"),
    "supplier": lazy("Supplier"),
    "both": lazy("Buyer and supplier"),
}
KIND_LABELS: dict[str, str] = {"offer": lazy("Offer"), "need": lazy("Need")}


def role_label(role: str) -> str:
    return _(ROLE_LABELS[role]) if role in ROLE_LABELS else role


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def company_name(user: User) -> str:
    """The company a participant represents: their company's record, or the name typed at registration."""
    return user.company.name if user.company is not None else user.company_name


def company_country(user: User) -> str:
    return user.company.country if user.company is not None else user.country


@dataclass(frozen=True)
class Vocabulary:
    """The names of the themes (programme order) and sectors items are tagged with, in one language."""

    themes: dict[str, str]
    sectors: dict[str, str]


async def vocabulary(db: AsyncSession, locale: str) -> Vocabulary:
    themes = await queries.themes_by_slug(db)
    return Vocabulary(
        themes={slug: theme.name(locale) for slug, theme in themes.items()},
        sectors={slug: domain.sector_label(slug) for slug in domain.SECTORS},
    )


# --- reading ----------------------------------------------------------------------------------------------


async def profile_of(db: AsyncSession, user: User) -> B2BProfile | None:
    """The user's B2B profile, active or not; None until they join the B2B event."""
    return await db.scalar(select(B2BProfile).where(B2BProfile.user_id == user.id))


async def items_of(db: AsyncSession, profile_id: int) -> list[CooperationItem]:
    """The profile's items, offers first, each kind in the order they were added."""
    statement = (
        select(CooperationItem)
        .where(CooperationItem.profile_id == profile_id)
        .order_by(CooperationItem.kind.desc(), CooperationItem.id)
    )
    return list((await db.scalars(statement)).all())


async def owned_item(db: AsyncSession, profile: B2BProfile | None, item_id: int) -> CooperationItem | None:
    """The item when it belongs to this profile; None otherwise, so that callers answer 404 whether the
    item exists or not."""
    if profile is None:
        return None
    item = await db.get(CooperationItem, item_id)
    return item if item is not None and item.profile_id == profile.id else None


# --- the profile ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileFields:
    role: str
    headline: str
    description: str
    max_meetings: int | None


def profile_values(profile: B2BProfile) -> dict[str, str]:
    return {
        "role": profile.role,
        "headline": profile.headline,
        "description": profile.description,
        "max_meetings": "" if profile.max_meetings is None else str(profile.max_meetings),
    }


def validate_profile(form: Form) -> ProfileFields | None:
    """The profile's new values (fields role, headline, description, max_meetings), or None with one message
    per wrong field."""
    role = form.choice("role", B2B_ROLES)
    headline = form.text("headline", max_length=MAX_HEADLINE)
    description = form.text("description", max_length=MAX_DESCRIPTION, required=False)
    max_meetings = form.integer("max_meetings", required=False)
    if max_meetings is not None and not 1 <= max_meetings <= MAX_MEETINGS:
        form.error("max_meetings", _("Enter a number from %(low)s to %(high)s.", low=1, high=MAX_MEETINGS))
    if not form.ok:
        return None
    return ProfileFields(role=role, headline=headline, description=description, max_meetings=max_meetings)


async def save_profile(
    db: AsyncSession, form: Form, user: User, profile: B2BProfile | None
) -> B2BProfile | None:
    """Creates the user's profile (profile=None), which makes them a B2B participant, or updates it (their
    `profile_of`); None when refused."""
    fields = validate_profile(form)
    if fields is None:
        return None
    if profile is None:
        # Two creations at once (a double click on "join") are stopped by the unique user_id: the second
        # flush raises IntegrityError, which the caller answers as if the first had been seen.
        profile = B2BProfile(user_id=user.id, role=fields.role)
        db.add(profile)
    profile.role = fields.role
    profile.headline = fields.headline
    profile.description = fields.description
    profile.max_meetings = fields.max_meetings
    await db.flush()
    return profile


# --- cooperation items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFields:
    kind: str
    title: str
    description: str
    themes: list[str]
    sectors: list[str]
    keywords: list[str]


def item_values(item: CooperationItem) -> dict[str, str]:
    return {
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "themes": ",".join(item.themes or []),
        "sectors": ",".join(item.sectors or []),
        "keywords": ", ".join(item.keywords or []),
    }


def parse_keywords(raw: str) -> list[str]:
    """Keywords as typed, separated by commas, semicolons or lines; inner spaces collapsed, duplicates
    (whatever their case) dropped, the first spelling kept."""
    seen: set[str] = set()
    keywords = []
    for part in KEYWORD_SEPARATORS.split(raw):
        keyword = " ".join(part.split())
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return keywords


def _checked_slugs(form: Form, name: str, allowed: Collection[str]) -> list[str]:
    chosen = domain.parse_slugs(form.values.get(name, ""))
    if any(slug not in allowed for slug in chosen):
        form.error(name, _("Choose among the options listed."))
    return chosen


def validate_item(form: Form, theme_slugs: Collection[str]) -> ItemFields | None:
    """The item's values (fields kind, title, description, themes, sectors, keywords), or None with one
    message per wrong field. Themes are the programme's, sectors the showroom's (domain.SECTORS)."""
    kind = form.choice("kind", ITEM_KINDS)
    title = form.text("title", max_length=MAX_ITEM_TITLE)
    description = form.text("description", max_length=MAX_ITEM_DESCRIPTION, required=False)
    themes = _checked_slugs(form, "themes", theme_slugs)
    sectors = _checked_slugs(form, "sectors", domain.SECTORS)
    keywords = parse_keywords(form.values.get("keywords", ""))
    if len(keywords) > MAX_KEYWORDS:
        form.error("keywords", _("At most %(max)s keywords.", max=MAX_KEYWORDS))
    elif any(len(keyword) > MAX_KEYWORD_LENGTH for keyword in keywords):
        form.error("keywords", _("Each keyword has at most %(max)s characters.", max=MAX_KEYWORD_LENGTH))
    if not form.ok:
        return None
    return ItemFields(
        kind=kind, title=title, description=description, themes=themes, sectors=sectors, keywords=keywords
    )


async def _item_count(db: AsyncSession, profile: B2BProfile) -> int:
    # The profile's row is locked first (PostgreSQL), so that two additions at once cannot both see room
    # for one more item. SQLite serialises writers anyway.
    await db.execute(select(B2BProfile.id).where(B2BProfile.id == profile.id).with_for_update())
    count = await db.scalar(
        select(func.count()).select_from(CooperationItem).where(CooperationItem.profile_id == profile.id)
    )
    return count or 0


async def save_item(
    db: AsyncSession,
    form: Form,
    profile: B2BProfile,
    item: CooperationItem | None,
    theme_slugs: Collection[str],
) -> CooperationItem | None:
    """Adds an item to the profile (item=None) or updates one of its items; None when refused."""
    fields = validate_item(form, theme_slugs)
    if item is None and await _item_count(db, profile) >= MAX_ITEMS:
        form.error(
            ITEMS_ERROR,
            _(
                "A profile holds at most %(max)s offers and needs: edit or delete one instead.",
                max=MAX_ITEMS,
            ),
        )
    if fields is None or not form.ok:
        return None
    if item is None:
        item = CooperationItem(profile_id=profile.id, kind=fields.kind, title=fields.title)
        db.add(item)
    item.kind = fields.kind
    item.title = fields.title
    item.description = fields.description
    item.themes = fields.themes
    item.sectors = fields.sectors
    item.keywords = fields.keywords
    await db.flush()
    return item


async def delete_item(db: AsyncSession, item: CooperationItem) -> None:
    await db.delete(item)
    await db.flush()
