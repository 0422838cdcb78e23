"""Writes of the live area outside the room protocol: the organisers' announcements (one message shown in
every room that is live when it is posted) and the session moderators they appoint, by e-mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.queries import find_user_by_email
from emicronora.db.results import rowcount
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.live.events import StoredEvent, append_event, ensure_room
from emicronora.live.queries import live_session_ids, moderates
from emicronora.live.rights import user_changed
from emicronora.models import Announcement, SessionModerator, User

MAX_ANNOUNCEMENT = 500


async def announce(db: AsyncSession, form: Form, author: User, now: datetime) -> list[StoredEvent] | None:
    """Stores the announcement and one event per live room; None (with the form's errors) when invalid."""
    body = form.text("body", max_length=MAX_ANNOUNCEMENT, multiline=True)
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


async def appoint(db: AsyncSession, session_id: int, form: Form) -> User | None:
    """Appoints the account of the field `email`; None, with the reason on the field, when it cannot be."""
    email = form.text("email", max_length=254)
    if not form.ok:
        return None
    user = await find_user_by_email(db, email)
    if user is None or not user.is_active:
        form.error("email", _("No account uses this e-mail address: the person must register first."))
        return None
    if user.is_organiser:
        form.error("email", _("Organisers already moderate every session."))
        return None
    if await moderates(db, session_id, user.id):
        form.error("email", _("This person already moderates this session."))
        return None
    db.add(SessionModerator(session_id=session_id, user_id=user.id))
    await db.flush()
    user_changed(db, user.id)
    return user


async def remove(db: AsyncSession, session_id: int, user_id: int) -> bool:
    """False when the person was not a moderator of this session."""
    result = await db.execute(
        delete(SessionModerator).where(
            SessionModerator.session_id == session_id, SessionModerator.user_id == user_id
        )
    )
    # A DELETE's result is a cursor result: it has the count of the rows it removed.
    removed = bool(rowcount(result))
    if removed:
        user_changed(db, user_id)
    return removed
