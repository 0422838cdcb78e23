"""Read the programme. Every function takes an AsyncSession and returns model objects or numbers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from emicronora.db.search import any_contains_folded, contains_folded
from emicronora.models import Day, Session, Speaker, Star, Theme


async def list_days(db: AsyncSession) -> list[Day]:
    return list((await db.scalars(select(Day).order_by(Day.position, Day.date))).all())


async def list_themes(db: AsyncSession) -> list[Theme]:
    return list((await db.scalars(select(Theme).order_by(Theme.position, Theme.id))).all())


async def list_speakers(db: AsyncSession) -> list[Speaker]:
    return list((await db.scalars(select(Speaker).order_by(Speaker.position, Speaker.name))).all())


def matching(text: str) -> ColumnElement[bool]:
    """Sessions whose title, abstract or one of whose speakers' names contains `text`, ignoring case and
    accents: "metrologie" finds "Métrologie"."""
    return or_(
        any_contains_folded([Session.title, Session.abstract], text),
        Session.speakers.any(contains_folded(Speaker.name, text)),
    )


async def list_sessions(
    db: AsyncSession,
    *,
    day_id: int | None = None,
    theme_id: int | None = None,
    kind: str | None = None,
    text: str | None = None,
) -> list[Session]:
    """Sessions in programme order (start time, then position in the slot); the filters add up."""
    query = select(Session).order_by(Session.starts_at, Session.position, Session.id)
    if day_id is not None:
        query = query.where(Session.day_id == day_id)
    if theme_id is not None:
        query = query.where(Session.theme_id == theme_id)
    if kind is not None:
        query = query.where(Session.kind == kind)
    if text:
        query = query.where(matching(text))
    return list((await db.scalars(query)).unique().all())


async def get_session(db: AsyncSession, session_id: int) -> Session | None:
    return await db.get(Session, session_id)


async def get_day(db: AsyncSession, day_id: int) -> Day | None:
    return await db.get(Day, day_id)


async def get_theme(db: AsyncSession, theme_id: int) -> Theme | None:
    return await db.get(Theme, theme_id)


async def get_day_by_date(db: AsyncSession, day: date) -> Day | None:
    return await db.scalar(select(Day).where(Day.date == day))


async def get_theme_by_slug(db: AsyncSession, slug: str) -> Theme | None:
    return await db.scalar(select(Theme).where(Theme.slug == slug))


async def get_speaker(db: AsyncSession, speaker_id: int) -> Speaker | None:
    return await db.get(Speaker, speaker_id)


async def get_speakers(db: AsyncSession, speaker_ids: Sequence[int]) -> list[Speaker]:
    """The speakers among `speaker_ids` that exist, in no particular order."""
    return list((await db.scalars(select(Speaker).where(Speaker.id.in_(speaker_ids)))).all())


async def session_counts_by_day(db: AsyncSession) -> dict[int, int]:
    """Day id -> number of sessions (cancelled ones included); days without sessions are absent."""
    rows = await db.execute(select(Session.day_id, func.count()).group_by(Session.day_id))
    return {day_id: count for day_id, count in rows}


async def count_sessions_of_day(db: AsyncSession, day_id: int) -> int:
    """Cancelled sessions included."""
    counted = select(func.count()).select_from(Session).where(Session.day_id == day_id)
    return await db.scalar(counted) or 0


async def count_theme_uses(db: AsyncSession, theme_id: int) -> int:
    """How many days and sessions have this theme."""
    days = await db.scalar(select(func.count()).select_from(Day).where(Day.theme_id == theme_id))
    sessions = await db.scalar(select(func.count()).select_from(Session).where(Session.theme_id == theme_id))
    return (days or 0) + (sessions or 0)


async def sessions_in_slot(db: AsyncSession, session: Session) -> list[Session]:
    """The sessions of the same day that start at the same time as `session` (itself included), in order."""
    query = (
        select(Session)
        .where(Session.day_id == session.day_id, Session.starts_at == session.starts_at)
        .order_by(Session.position, Session.id)
    )
    return list((await db.scalars(query)).unique().all())


async def highest_position(db: AsyncSession, column: InstrumentedAttribute[int]) -> int | None:
    """The highest `position` of a table (themes, days, speakers); None when it is empty."""
    return await db.scalar(select(func.max(column)))


async def highest_session_position(db: AsyncSession, day_id: int) -> int | None:
    return await db.scalar(select(func.max(Session.position)).where(Session.day_id == day_id))


async def sessions_of_speaker(db: AsyncSession, speaker_id: int) -> list[Session]:
    query = (
        select(Session)
        .where(Session.speakers.any(Speaker.id == speaker_id))
        .order_by(Session.starts_at, Session.position)
    )
    return list((await db.scalars(query)).unique().all())


async def starred_session_ids(db: AsyncSession, user_id: int) -> set[int]:
    return set((await db.scalars(select(Star.session_id).where(Star.user_id == user_id))).all())


async def agenda(db: AsyncSession, user_id: int) -> list[Session]:
    query = (
        select(Session)
        .join(Star, Star.session_id == Session.id)
        .where(Star.user_id == user_id)
        .order_by(Session.starts_at, Session.position)
    )
    return list((await db.scalars(query)).unique().all())
