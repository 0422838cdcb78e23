"""Organiser announcements: one message shown in every room that is live when it is posted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.live.events import StoredEvent, append_event, ensure_room
from emicronora.models import Announcement, Session, User

MAX_ANNOUNCEMENT = 500


async def live_session_ids(db: AsyncSession, now: datetime) -> list[int]:
    rows = await db.scalars(
        select(Session.id).where(
            Session.is_cancelled.is_(False), Session.starts_at <= now, Session.ends_at > now
        )
    )
    return list(rows)


async def announce(db: AsyncSession, form: Form, author: User, now: datetime) -> list[StoredEvent] | None:
    """Stores the announcement and one event per live room; None (with the form's errors) when invalid."""
    body = form.text("body", max_length=MAX_ANNOUNCEMENT)
    if not form.ok:
        return None
    db.add(Announcement(body=body, author_id=author.id, created_at=now))
    events = []
    for session_id in await live_session_ids(db, now):
        await ensure_room(db, session_id)
        events.append(
            await append_event(
                db,
                session_id,
                "announcement",
                {"body": body, "author": author.name, "at": now.isoformat()},
                user_id=author.id,
            )
        )
    return events


async def recent_announcements(db: AsyncSession, limit: int = 20) -> list[Announcement]:
    return list((await db.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(limit))).all())
