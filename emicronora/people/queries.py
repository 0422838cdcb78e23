"""Finding people: accounts searched by name, e-mail or company (whatever the case and the accents), one page
at a time, and what an organiser sees about one account (company, moderated sessions, open login sessions)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from emicronora.db.paging import Page, paginate
from emicronora.db.search import any_contains_folded, contains_folded
from emicronora.models import Company, LoginSession, Session, SessionModerator, User

PAGE_SIZE = 25
MAX_SEARCH_LENGTH = 100
ROLE_FILTERS = ("organiser", "exhibitor", "b2b", "disabled")


@dataclass(frozen=True)
class PeopleFilter:
    text: str = ""
    role: str = ""


def _conditions(criteria: PeopleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.text:
        company_match = select(Company.id).where(contains_folded(Company.name, criteria.text))
        conditions.append(
            or_(
                any_contains_folded([User.name, User.email, User.company_name], criteria.text),
                User.company_id.in_(company_match),
            )
        )
    if criteria.role == "organiser":
        conditions.append(User.is_organiser.is_(True))
    elif criteria.role == "exhibitor":
        conditions.append(User.company_id.in_(select(Company.id).where(Company.is_exhibitor.is_(True))))
    elif criteria.role == "b2b":
        conditions.append(User.company_id.in_(select(Company.id).where(Company.b2b_role != "")))
    elif criteria.role == "disabled":
        conditions.append(User.is_active.is_(False))
    return conditions


async def search(db: AsyncSession, criteria: PeopleFilter, page: int = 1) -> Page[User]:
    """One page of the matching accounts, by name."""
    statement = select(User).where(*_conditions(criteria)).order_by(func.lower(User.name), User.id)
    return await paginate(db, statement, page, PAGE_SIZE)


async def person(db: AsyncSession, user_id: int) -> User | None:
    return await db.get(User, user_id)


async def exhibitor(db: AsyncSession, company_id: int) -> Company | None:
    """An exhibiting company, or None (an unknown id, or a company that does not exhibit)."""
    company = await db.get(Company, company_id)
    return company if company is not None and company.is_exhibitor else None


async def moderated_sessions(db: AsyncSession, user_id: int) -> list[Session]:
    rows = await db.scalars(
        select(Session)
        .join(SessionModerator, SessionModerator.session_id == Session.id)
        .where(SessionModerator.user_id == user_id)
        .order_by(Session.starts_at, Session.id)
    )
    return list(rows.unique().all())


async def open_login_sessions(db: AsyncSession, user_id: int) -> int:
    return await db.scalar(select(func.count()).where(LoginSession.user_id == user_id)) or 0


async def organiser_count(db: AsyncSession) -> int:
    return (
        await db.scalar(select(func.count()).where(User.is_organiser.is_(True), User.is_active.is_(True)))
        or 0
    )


async def companies_awaiting_approval(db: AsyncSession) -> list[tuple[Company, int]]:
    """Exhibiting companies whose showroom is not yet public, with their number of members."""
    members = select(func.count()).where(User.company_id == Company.id).correlate(Company).scalar_subquery()
    rows = await db.execute(
        select(Company, members)
        .where(Company.is_exhibitor.is_(True), Company.is_approved.is_(False))
        .order_by(func.lower(Company.name), Company.id)
    )
    return [(company, count) for company, count in rows.all()]
