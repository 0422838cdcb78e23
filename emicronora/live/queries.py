"""Reads of the live area: the session behind a room, its moderators, the rooms live now, announcements."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import Announcement, Session, SessionModerator, User


async def room_session(db: AsyncSession, session_id: int) -> Row[bool, datetime] | None:
    """Whether the session is cancelled and when it ends: two columns, not the session with its day, theme
    and speakers, as a crowd joins at the start."""
    return (
        await db.execute(select(Session.is_cancelled, Session.ends_at).where(Session.id == session_id))
    ).first()


async def moderates(db: AsyncSession, session_id: int, user_id: int) -> bool:
    """Whether the person is one of the session's appointed moderators (organisers are not listed)."""
    found = await db.scalar(
        select(SessionModerator.id).where(
            SessionModerator.session_id == session_id, SessionModerator.user_id == user_id
        )
    )
    return found is not None


async def moderates_now(db: AsyncSession, session_id: int, user_id: int) -> bool:
    """Whether the person moderates the session as the database says now (an active organiser, or one of its
    moderators): one query on the primary key and the moderators' unique index."""
    appointed = exists().where(SessionModerator.session_id == session_id, SessionModerator.user_id == user_id)
    found = await db.scalar(
        select(or_(User.is_organiser, appointed)).where(User.id == user_id, User.is_active.is_(True))
    )
    return bool(found)


async def list_moderators(db: AsyncSession, session_id: int) -> list[User]:
    rows = await db.scalars(
        select(User)
        .join(SessionModerator, SessionModerator.user_id == User.id)
        .where(SessionModerator.session_id == session_id)
        .order_by(User.name, User.id)
    )
    return list(rows.unique().all())


async def live_session_ids(db: AsyncSession, now: datetime) -> list[int]:
    rows = await db.scalars(
        select(Session.id).where(
            Session.is_cancelled.is_(False), Session.starts_at <= now, Session.ends_at > now
        )
    )
    return list(rows)


async def recent_announcements(db: AsyncSession, limit: int = 20) -> list[Announcement]:
    return list((await db.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit))).all())
