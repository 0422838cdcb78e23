"""Reading showrooms: the directory with its search and filters, one showroom with what it shows, the
organisers' list. Async functions taking an AsyncSession; no access checks here (see permissions.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.db.paging import Page, paginate
from emicronora.db.search import any_contains_folded, contains_folded, json_list_contains
from emicronora.models import Company, Innovation, MediaFile, PitchProposal, PitchSlot, Theme, User, Video
from emicronora.showroom import domain
from emicronora.text import slugify

PAGE_SIZE = 24
MAX_SEARCH_LENGTH = 100
# Enough tries to get past any realistic run of companies sharing a name.
MAX_SLUG_TRIES = 100


@dataclass(frozen=True)
class DirectoryFilter:
    """What the visitor asked the directory for; theme, sector and country are already known to exist."""

    text: str = ""
    theme: str | None = None
    sector: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Facets:
    """The filter choices that lead somewhere: only themes, sectors and countries some exhibitor has."""

    themes: set[str]
    sectors: set[str]
    countries: set[str]


@dataclass(frozen=True)
class Pitch:
    title: str
    # Set once the organisers have published the pitch programme.
    starts_at: datetime | None
    session_id: int | None


@dataclass(frozen=True)
class ShowroomRow:
    """A line of the organisers' list."""

    company: Company
    members: int
    innovations: int


def _public() -> ColumnElement[bool]:
    return and_(Company.is_exhibitor.is_(True), Company.is_approved.is_(True))


def _matches(criteria: DirectoryFilter) -> list[ColumnElement[bool]]:
    conditions = [_public()]
    text = criteria.text.strip()[:MAX_SEARCH_LENGTH]
    if text:
        # Case and accents do not count: "metrologie" finds "Métrologie".
        with_innovation = select(Innovation.company_id).where(contains_folded(Innovation.title, text))
        conditions.append(
            or_(
                any_contains_folded([Company.name, Company.tagline, Company.description], text),
                Company.id.in_(with_innovation),
            )
        )
    if criteria.theme:
        conditions.append(json_list_contains(Company.themes, criteria.theme))
    if criteria.sector:
        conditions.append(json_list_contains(Company.sectors, criteria.sector))
    if criteria.country:
        conditions.append(Company.country == criteria.country)
    return conditions


async def directory(db: AsyncSession, criteria: DirectoryFilter, page: int = 1) -> Page[Company]:
    """Page `page` of the approved exhibitors matching `criteria`, by name."""
    statement = select(Company).where(*_matches(criteria)).order_by(func.lower(Company.name), Company.id)
    return await paginate(db, statement, page, PAGE_SIZE)


async def facets(db: AsyncSession) -> Facets:
    rows = (await db.execute(select(Company.themes, Company.sectors, Company.country).where(_public()))).all()
    return Facets(
        themes={slug for themes, _sectors, _country in rows for slug in themes or []},
        sectors={slug for _themes, sectors, _country in rows for slug in sectors or []},
        countries={country for _themes, _sectors, country in rows if country},
    )


async def get_company(db: AsyncSession, company_id: int) -> Company | None:
    return await db.get(Company, company_id)


async def get_innovation(db: AsyncSession, innovation_id: int) -> Innovation | None:
    return await db.get(Innovation, innovation_id)


async def get_company_by_slug(db: AsyncSession, slug: str) -> Company | None:
    return await db.scalar(select(Company).where(Company.slug == slug))


async def slug_taken(db: AsyncSession, slug: str, *, except_id: int | None = None) -> bool:
    statement = select(Company.id).where(Company.slug == slug)
    if except_id is not None:
        statement = statement.where(Company.id != except_id)
    return await db.scalar(statement.limit(1)) is not None


async def unique_slug(db: AsyncSession, name: str, company_id: int | None) -> str:
    """A free address made from the name, numbered when another company already has it."""
    base = slugify(name, max_length=domain.MAX_SLUG, fallback=domain.FALLBACK_SLUG)
    candidate = base
    for number in range(2, MAX_SLUG_TRIES + 2):
        if not await slug_taken(db, candidate, except_id=company_id):
            return candidate
        candidate = domain.numbered_slug(base, number)
    raise RuntimeError(f"no free showroom address for {name!r}")


async def media_keys(db: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    """The storage keys of media files, to build `/media/<key>` addresses."""
    wanted = {identifier for identifier in ids if identifier is not None}
    if not wanted:
        return {}
    rows = await db.execute(select(MediaFile.id, MediaFile.key).where(MediaFile.id.in_(wanted)))
    return {identifier: key for identifier, key in rows.all()}


async def themes_by_slug(db: AsyncSession) -> dict[str, Theme]:
    """Every theme by slug, in programme order."""
    themes = (await db.scalars(select(Theme).order_by(Theme.position, Theme.id))).all()
    return {theme.slug: theme for theme in themes}


async def innovations_of(db: AsyncSession, company_id: int) -> list[Innovation]:
    statement = (
        select(Innovation)
        .where(Innovation.company_id == company_id)
        .order_by(Innovation.position, Innovation.id)
    )
    return list((await db.scalars(statement)).all())


async def published_videos_of(db: AsyncSession, company_id: int) -> list[Video]:
    statement = (
        select(Video)
        .where(Video.company_id == company_id, Video.is_published.is_(True))
        .order_by(Video.id.desc())
    )
    return list((await db.scalars(statement)).all())


async def team_of(db: AsyncSession, company_id: int) -> list[User]:
    statement = (
        select(User)
        .where(User.company_id == company_id, User.is_active.is_(True))
        .order_by(func.lower(User.name), User.id)
    )
    return list((await db.scalars(statement)).unique().all())


async def pitches_of(db: AsyncSession, company_id: int) -> list[Pitch]:
    """The company's accepted pitch proposals, with their slot once the pitch programme is published."""
    statement = (
        select(PitchProposal.title, PitchSlot.starts_at, PitchSlot.session_id)
        .outerjoin(
            PitchSlot,
            and_(PitchSlot.proposal_id == PitchProposal.id, PitchSlot.is_published.is_(True)),
        )
        .where(PitchProposal.company_id == company_id, PitchProposal.status == "accepted")
        .order_by(PitchProposal.id)
    )
    rows = (await db.execute(statement)).all()
    return [
        Pitch(title=title, starts_at=starts_at, session_id=session_id)
        for title, starts_at, session_id in rows
    ]


async def showroom_rows(db: AsyncSession) -> list[ShowroomRow]:
    """Every exhibiting company for the organisers, awaiting approval first, then by name."""
    companies = (
        await db.scalars(
            select(Company)
            .where(Company.is_exhibitor.is_(True))
            .order_by(Company.is_approved, func.lower(Company.name), Company.id)
        )
    ).all()
    members = dict(
        (
            await db.execute(
                select(User.company_id, func.count())
                .where(User.company_id.is_not(None))
                .group_by(User.company_id)
            )
        ).all()
    )
    innovations = dict(
        (await db.execute(select(Innovation.company_id, func.count()).group_by(Innovation.company_id))).all()
    )
    return [
        ShowroomRow(company=c, members=members.get(c.id, 0), innovations=innovations.get(c.id, 0))
        for c in companies
    ]
