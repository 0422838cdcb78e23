"""Read the programme. Every function takes an AsyncSession and returns model objects."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import Day, Session, Speaker, Star, Theme


async def list_days(db: AsyncSession) -> list[Day]:
    return list((await db.scalars(select(Day).order_by(Day.position, Day.date))).all())


async def list_themes(db: AsyncSession) -> list[Theme]:
    return list((await db.scalars(select(Theme).order_by(Theme.position, Theme.id))).all())


async def list_speakers(db: AsyncSession) -> list[Speaker]:
    return list((await db.scalars(select(Speaker).order_by(Speaker.position, Speaker.name))).all())


async def list_sessions(
    db: AsyncSession, *, day_id: int | None = None, theme_id: int | None = None, kind: str | None = None
) -> list[Session]:
    query = select(Session).order_by(Session.starts_at, Session.position, Session.id)
    if day_id is not None:
        query = query.where(Session.day_id == day_id)
    if theme_id is not None:
        query = query.where(Session.theme_id == theme_id)
    if kind is not None:
        query = query.where(Session.kind == kind)
    return list((await db.scalars(query)).unique().all())


async def get_session(db: AsyncSession, session_id: int) -> Session | None:
    return await db.get(Session, session_id)


async def get_day_by_date(db: AsyncSession, day: object) -> Day | None:
    return await db.scalar(select(Day).where(Day.date == day))


async def get_theme_by_slug(db: AsyncSession, slug: str) -> Theme | None:
    return await db.scalar(select(Theme).where(Theme.slug == slug))


async def get_speaker(db: AsyncSession, speaker_id: int) -> Speaker | None:
    return await db.get(Speaker, speaker_id)


async def session_counts_by_day(db: AsyncSession) -> dict[int, int]:
    """Day id -> number of sessions (cancelled ones included); days without sessions are absent."""
    rows = await db.execute(select(Session.day_id, func.count()).group_by(Session.day_id))
    return {day_id: count for day_id, count in rows}


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


async def star(db: AsyncSession, user_id: int, session_id: int) -> None:
    """Idempotent: starring twice (two tabs, a double click) keeps one star."""
    dialect = db.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await db.execute(insert(Star).values(user_id=user_id, session_id=session_id).on_conflict_do_nothing())


async def unstar(db: AsyncSession, user_id: int, session_id: int) -> None:
    await db.execute(delete(Star).where(Star.user_id == user_id, Star.session_id == session_id))
