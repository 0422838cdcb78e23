"""Reading B2B profiles and their cooperation items: a user's own profile, who takes part in the brokerage
event, and how a participant is named on the pages of another."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _, lazy
from emicronora.models import B2BProfile, Company, CooperationItem, User
from emicronora.showroom import domain, queries

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


def profile_url(profile_id: int) -> str:
    return f"/b2b/participants/{profile_id}"


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


# --- one's own profile ------------------------------------------------------------------------------------


async def profile_of(db: AsyncSession, user: User) -> B2BProfile | None:
    """The user's B2B profile, active or not; None until they join the B2B event."""
    return await db.scalar(select(B2BProfile).where(B2BProfile.user_id == user.id))


async def items_of(db: AsyncSession, profile_id: int) -> list[CooperationItem]:
    """The profile's items, offers first, each kind in the order they were added."""
    return (await items_by_profile(db, [profile_id])).get(profile_id, [])


async def owned_item(db: AsyncSession, profile: B2BProfile | None, item_id: int) -> CooperationItem | None:
    """The item when it belongs to this profile; None otherwise, so that callers answer 404 whether the
    item exists or not."""
    if profile is None:
        return None
    item = await db.get(CooperationItem, item_id)
    return item if item is not None and item.profile_id == profile.id else None


# --- participants -----------------------------------------------------------------------------------------


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
class ParticipantCard:
    profile_id: int
    user_id: int
    name: str
    company: str
    headline: str

    @property
    def url(self) -> str:
        return profile_url(self.profile_id)


def active() -> list[ColumnElement[bool]]:
    """An active profile of an active account: someone who takes part."""
    return [B2BProfile.is_active.is_(True), User.is_active.is_(True)]


def participants_statement() -> Select[B2BProfile, User]:
    """Profiles with their accounts, and their companies joined for conditions on them."""
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


async def with_items(db: AsyncSession, rows: Iterable[tuple[B2BProfile, User]]) -> list[Participant]:
    rows = list(rows)
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


async def active_participants(db: AsyncSession) -> list[Participant]:
    """Every active participant with their items: what suggestions are chosen from."""
    statement = participants_statement().where(*active()).order_by(B2BProfile.id)
    rows = (await db.execute(statement)).unique().all()
    return await with_items(db, [(profile, user) for profile, user in rows])


async def participant(db: AsyncSession, profile_id: int) -> Participant | None:
    """One participant, active or not (the page decides who may see an inactive one)."""
    statement = participants_statement().where(B2BProfile.id == profile_id)
    row = (await db.execute(statement)).unique().first()
    if row is None:
        return None
    profile, user = row
    return (await with_items(db, [(profile, user)]))[0]


async def participant_of(db: AsyncSession, user: User) -> B2BProfile | None:
    """The user's profile when they take part in the B2B event (an active profile of an active account)."""
    profile = await profile_of(db, user)
    return profile if profile is not None and profile.is_active and user.is_active else None


async def active_participant(db: AsyncSession, profile_id: int) -> B2BProfile | None:
    """The profile, when it is active and its account too: someone others may ask for a meeting."""
    return await db.scalar(
        select(B2BProfile)
        .join(User, User.id == B2BProfile.user_id)
        .where(B2BProfile.id == profile_id, *active())
    )


async def cards(db: AsyncSession, profile_ids: Iterable[int]) -> dict[int, ParticipantCard]:
    """Name, company and headline of each profile, in one query."""
    wanted = sorted(set(profile_ids))
    if not wanted:
        return {}
    rows = await db.execute(
        select(B2BProfile, User).join(User, User.id == B2BProfile.user_id).where(B2BProfile.id.in_(wanted))
    )
    return {
        profile.id: ParticipantCard(
            profile_id=profile.id,
            user_id=user.id,
            name=user.name,
            company=company_name(user),
            headline=profile.headline,
        )
        for profile, user in rows.unique().all()
    }
