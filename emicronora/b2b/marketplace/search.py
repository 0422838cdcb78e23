"""The B2B marketplace: active participants with their offers and needs, searched by text (ignoring case and
accents) and filtered by theme, sector, country, role and kind of item, a page at a time. Reading only; the
pages decide who sees what (the marketplace is public)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import ColumnOperators
from sqlalchemy.sql.functions import FunctionElement

from emicronora.b2b.marketplace.queries import (
    Participant,
    Vocabulary,
    active,
    participants_statement,
    with_items,
)
from emicronora.db.paging import Page, paginate_rows
from emicronora.db.search import any_contains_folded, contains_folded, json_list_contains
from emicronora.models import ITEM_KINDS, B2BProfile, Company, CooperationItem, User

PAGE_SIZE = 20
MAX_SEARCH_LENGTH = 100
# Participants of each role a "buyer" or "supplier" filter lists: those who are both count as each.
ROLE_FILTERS: dict[str, tuple[str, ...]] = {"buyer": ("buyer", "both"), "supplier": ("supplier", "both")}


@dataclass(frozen=True)
class MarketplaceFilter:
    """What the visitor asked for; theme, sector, country, role and kind are checked with `known`."""

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

    def known(self, names: Vocabulary, country_names: Mapping[str, str]) -> bool:
        """Whether every filter names something that exists (otherwise the link is broken)."""
        return (
            (self.theme is None or self.theme in names.themes)
            and (self.sector is None or self.sector in names.sectors)
            and (self.country is None or self.country in country_names)
            and (self.role is None or self.role in ROLE_FILTERS)
            and (self.kind is None or self.kind in ITEM_KINDS)
        )


# --- conditions -------------------------------------------------------------------------------------------


class JsonListText(FunctionElement[str]):
    """The strings of a JSON list, decoded and joined by ";" (which no keyword holds): keywords are stored
    as json.dumps writes them, accented letters as \\uXXXX escapes, which no folding of the JSON text could
    match."""

    type = String()
    name = "json_list_text"
    inherit_cache = True


def json_list_text(column: ColumnOperators) -> JsonListText:
    return JsonListText(column)


@compiles(JsonListText, "sqlite")
def _json_list_text_sqlite(element: JsonListText, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    # The column's name, compiled by SQLAlchemy: no text from outside reaches this SQL.
    return f"(SELECT group_concat(value, ';') FROM json_each({column}))"  # noqa: S608


@compiles(JsonListText, "postgresql")
def _json_list_text_postgresql(element: JsonListText, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.clauses, **kw)
    # A JSON null or scalar (never written by the application) is read as no keyword rather than an error.
    array = f"CASE WHEN json_typeof({column}) = 'array' THEN {column} END"
    return f"(SELECT string_agg(value, ';') FROM json_array_elements_text({array}))"  # noqa: S608


def _item_conditions(criteria: MarketplaceFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.kind:
        conditions.append(CooperationItem.kind == criteria.kind)
    if criteria.theme:
        conditions.append(json_list_contains(CooperationItem.themes, criteria.theme))
    if criteria.sector:
        conditions.append(json_list_contains(CooperationItem.sectors, criteria.sector))
    return conditions


def _has_item(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return select(CooperationItem.id).where(CooperationItem.profile_id == B2BProfile.id, *conditions).exists()


def _company() -> ColumnElement[str]:
    # Participants without a company record are named by the company typed at registration.
    return func.coalesce(Company.name, User.company_name)


def _text_condition(text: str, item_conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    """The text in the profile (headline, description, company) or in one of its items (title,
    description, keywords). With a filter on items, an item's text counts only if that item passes it."""
    profile_columns: list[ColumnOperators] = [B2BProfile.headline, B2BProfile.description, _company()]
    in_profile = any_contains_folded(profile_columns, text)
    in_item = or_(
        any_contains_folded([CooperationItem.title, CooperationItem.description], text),
        contains_folded(json_list_text(CooperationItem.keywords), text),
    )
    if item_conditions:
        return or_(and_(in_profile, _has_item(*item_conditions)), _has_item(*item_conditions, in_item))
    return or_(in_profile, _has_item(in_item))


def _country() -> ColumnElement[str]:
    # Participants without a company record are placed by the country of their account.
    return func.coalesce(Company.country, User.country)


def _matches(criteria: MarketplaceFilter) -> list[ColumnElement[bool]]:
    conditions = active()
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


# --- reading ----------------------------------------------------------------------------------------------


async def marketplace(db: AsyncSession, criteria: MarketplaceFilter, number: int = 1) -> Page[Participant]:
    """Page `number` of the active participants matching `criteria`, by company name."""
    statement = (
        participants_statement().where(*_matches(criteria)).order_by(func.lower(_company()), B2BProfile.id)
    )
    page = await paginate_rows(db, statement, number, PAGE_SIZE)
    participants = await with_items(db, page.items)
    return Page(items=participants, total=page.total, number=page.number, size=page.size)


async def countries_present(db: AsyncSession) -> set[str]:
    """The countries of active participants: the country filter offers only these."""
    statement = (
        select(_country())
        .select_from(B2BProfile)
        .join(User, User.id == B2BProfile.user_id)
        .outerjoin(Company, Company.id == User.company_id)
        .where(*active())
        .distinct()
    )
    return {code for code in (await db.scalars(statement)).all() if code}
