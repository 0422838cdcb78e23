"""Session moderators: people an organiser appoints, by e-mail, to moderate one session's room."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.operations import find_user_by_email
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import SessionModerator, User


async def list_moderators(db: AsyncSession, session_id: int) -> list[User]:
    rows = await db.scalars(
        select(User)
        .join(SessionModerator, SessionModerator.user_id == User.id)
        .where(SessionModerator.session_id == session_id)
        .order_by(User.name, User.id)
    )
    return list(rows.unique().all())


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
    already = await db.scalar(
        select(SessionModerator.id).where(
            SessionModerator.session_id == session_id, SessionModerator.user_id == user.id
        )
    )
    if already is not None:
        form.error("email", _("This person already moderates this session."))
        return None
    db.add(SessionModerator(session_id=session_id, user_id=user.id))
    await db.flush()
    return user


async def remove(db: AsyncSession, session_id: int, user_id: int) -> bool:
    """False when the person was not a moderator of this session."""
    result = await db.execute(
        delete(SessionModerator).where(
            SessionModerator.session_id == session_id, SessionModerator.user_id == user_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
