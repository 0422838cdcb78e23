"""The B2B marketplace: active participants with their offers and needs, searched by text and filtered by
theme, sector, country, role and kind of item, a page at a time. Reading only; the pages decide who sees
what (the marketplace is public)."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from emicronora.b2b.profiles import company_country, company_name
from emicronora.models import B2BProfile, Company, CooperationItem, User

PAGE_SIZE = 20
MAX_SEARCH_LENGTH = 100
# Participants of each role a "buyer" or "supplier" filter lists: those who are both count as each.
ROLE_FILTERS: dict[str, tuple[str, ...]] = {"buyer": ("buyer", "both"), "supplier": ("supplier", "both")}


@dataclass(frozen=True)
class MarketplaceFilter:
    """What the visitor asked for; theme, sector, country, role and kind are already known to exist."""

    text: str = ""
    theme: str | None = None
    sector: str | None = None
    country: str | None = None
    role: str | None = None
    kind: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.theme or self.sector or self.country or self.role or self.kind)

    def shows(self, item: CooperationItem) -> bool:
        """Whether a card lists this item: with a filter on items, only the items that pass it."""
        return (
            (self.kind is None or item.kind == self.kind)
            and (self.theme is None or self.theme in (item.themes or []))
            and (self.sector is None or self.sector in (item.sectors or []))
        )


@dataclass(frozen=True)
class Participant:
    """A participant as cards and pages show them."""

    profile: B2BProfile
    user: User
    company: str
    country: str
    items: list[CooperationItem]

    @property
    def offers(self) -> list[CooperationItem]:
        return [item for item in self.items if item.kind == "offer"]

    @property
    def needs(self) -> list[CooperationItem]:
        return [item for item in self.items if item.kind == "need"]


@dataclass(frozen=True)
class MarketplacePage:
    participants: list[Participant]
    total: int
    page: int
    pages: int


# --- conditions -------------------------------------------------------------------------------------------


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def case_variants(text: str) -> list[str]:
    """The spellings to look for. PostgreSQL's ILIKE folds every letter, SQLite's only A-Z: for a text with
    accented letters the usual capitalisations are searched as well, so that "étalonnage" finds
    "Étalonnage" on SQLite too."""
    if text.isascii():
        return [text]
    return list(dict.fromkeys([text, text.lower(), text.upper(), text.capitalize()]))


def _contains(column: ColumnElement[str], variants: list[str]) -> ColumnElement[bool]:
    return or_(*(column.ilike(f"%{_like_escape(variant)}%", escape="\\") for variant in variants))


def _json_contains_text(column: object, variants: list[str]) -> ColumnElement[bool]:
    # Keywords are a JSON list stored as json.dumps writes it, non-ASCII letters as \uXXXX escapes, on
    # SQLite and PostgreSQL alike: the searched text is escaped the same way before it is compared.
    escaped = [json.dumps(variant)[1:-1] for variant in variants]
    return _contains(cast(column, String), escaped)


def _json_list_contains(column: object, slug: str) -> ColumnElement[bool]:
    # Theme and sector slugs cannot contain a quote: the quoted slug matches one whole element of the list.
    return cast(column, String).like(f'%"{_like_escape(slug)}"%', escape="\\")


def _item_conditions(criteria: MarketplaceFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.kind:
        conditions.append(CooperationItem.kind == criteria.kind)
    if criteria.theme:
        conditions.append(_json_list_contains(CooperationItem.themes, criteria.theme))
    if criteria.sector:
        conditions.append(_json_list_contains(CooperationItem.sectors, criteria.sector))
    return conditions


def _has_item(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return select(CooperationItem.id).where(CooperationItem.profile_id == B2BProfile.id, *conditions).exists()


def _text_condition(text: str, item_conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """The text in the profile (headline, description, company) or in one of its items (title,
    description, keywords). With a filter on items, an item's text counts only if that item passes it."""
    variants = case_variants(text)
    in_profile = or_(
        _contains(B2BProfile.headline, variants),
        _contains(B2BProfile.description, variants),
        _contains(func.coalesce(Company.name, User.company_name), variants),
    )
    in_item = or_(
        _contains(CooperationItem.title, variants),
        _contains(CooperationItem.description, variants),
        _json_contains_text(CooperationItem.keywords, variants),
    )
    if item_conditions:
        return or_(and_(in_profile, _has_item(*item_conditions)), _has_item(*item_conditions, in_item))
    return or_(in_profile, _has_item(in_item))


def _country() -> ColumnElement[str]:
    # Participants without a company record are placed by the country of their account.
    return func.coalesce(Company.country, User.country)


def _active() -> list[ColumnElement[bool]]:
    return [B2BProfile.is_active.is_(True), User.is_active.is_(True)]


def _matches(criteria: MarketplaceFilter) -> list[ColumnElement[bool]]:
    conditions = _active()
    item_conditions = _item_conditions(criteria)
    text = criteria.text.strip()[:MAX_SEARCH_LENGTH]
    if text:
        conditions.append(_text_condition(text, item_conditions))
    elif item_conditions:
        conditions.append(_has_item(*item_conditions))
    if criteria.country:
        conditions.append(_country() == criteria.country)
    if criteria.role:
        conditions.append(B2BProfile.role.in_(ROLE_FILTERS[criteria.role]))
    return conditions


# --- queries ----------------------------------------------------------------------------------------------


def _participants_statement() -> Select[tuple[B2BProfile, User]]:
    return (
        select(B2BProfile, User)
        .join(User, User.id == B2BProfile.user_id)
        .outerjoin(Company, Company.id == User.company_id)
    )


async def items_by_profile(db: AsyncSession, profile_ids: Iterable[int]) -> dict[int, list[CooperationItem]]:
    """The items of each profile, offers first, each kind in the order they were added."""
    wanted = set(profile_ids)
    found: dict[int, list[CooperationItem]] = defaultdict(list)
    if not wanted:
        return found
    statement = (
        select(CooperationItem)
        .where(CooperationItem.profile_id.in_(wanted))
        .order_by(CooperationItem.kind.desc(), CooperationItem.id)
    )
    for item in (await db.scalars(statement)).all():
        found[item.profile_id].append(item)
    return found


async def _with_items(db: AsyncSession, rows: list[tuple[B2BProfile, User]]) -> list[Participant]:
    items = await items_by_profile(db, (profile.id for profile, _user in rows))
    return [
        Participant(
            profile=profile,
            user=user,
            company=company_name(user),
            country=company_country(user),
            items=items.get(profile.id, []),
        )
        for profile, user in rows
    ]


async def marketplace(db: AsyncSession, criteria: MarketplaceFilter, page: int = 1) -> MarketplacePage:
    """One page of the active participants matching `criteria`, by company name."""
    conditions = _matches(criteria)
    count = (
        select(func.count())
        .select_from(B2BProfile)
        .join(User, User.id == B2BProfile.user_id)
        .outerjoin(Company, Company.id == User.company_id)
        .where(*conditions)
    )
    total = await db.scalar(count) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    statement = (
        _participants_statement()
        .where(*conditions)
        .order_by(func.lower(func.coalesce(Company.name, User.company_name)), B2BProfile.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    rows = [(profile, user) for profile, user in (await db.execute(statement)).unique().all()]
    return MarketplacePage(participants=await _with_items(db, rows), total=total, page=page, pages=pages)


async def active_participants(db: AsyncSession) -> list[Participant]:
    """Every active participant with their items: what suggestions are chosen from."""
    statement = _participants_statement().where(*_active()).order_by(B2BProfile.id)
    rows = [(profile, user) for profile, user in (await db.execute(statement)).unique().all()]
    return await _with_items(db, rows)


async def participant(db: AsyncSession, profile_id: int) -> Participant | None:
    """One participant, active or not (the page decides who may see an inactive one)."""
    statement = _participants_statement().where(B2BProfile.id == profile_id)
    row = (await db.execute(statement)).unique().first()
    if row is None:
        return None
    profile, user = row
    return (await _with_items(db, [(profile, user)]))[0]


async def countries_present(db: AsyncSession) -> set[str]:
    """The countries of active participants: the country filter offers only these."""
    statement = (
        select(_country())
        .select_from(B2BProfile)
        .join(User, User.id == B2BProfile.user_id)
        .outerjoin(Company, Company.id == User.company_id)
        .where(*_active())
        .distinct()
    )
    return {code for code in (await db.scalars(statement)).all() if code}
