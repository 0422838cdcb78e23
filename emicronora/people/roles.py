"""Role and account changes. Each runs inside the caller's transaction and refuses what would lock the
organisers out of their own fair: removing one's own organiser role, disabling oneself, or leaving the fair
without any active organiser."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from emicronora.accounts import sessions
from emicronora.db.results import rowcount
from emicronora.i18n import _
from emicronora.live import rights as live_rights
from emicronora.models import User


class RoleRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _active_organiser() -> ColumnElement[bool]:
    return User.is_organiser.is_(True) & User.is_active.is_(True)


async def _remove_organiser(db: AsyncSession, user: User, values: dict[str, bool]) -> None:
    """Writes `values` (losing the role or the account) unless `user` is the last active organiser.

    Two organisers removing each other at the same moment must not both succeed. On PostgreSQL the rows of
    every active organiser are locked first, so the second transaction waits and then counts what the first
    one committed; on SQLite the guarded UPDATE runs under the database's single write lock. Either way the
    count and the write are one step that nothing can slip between."""
    await db.execute(select(User.id).where(_active_organiser()).with_for_update())
    others = (
        select(func.count())
        .select_from(User)
        .where(_active_organiser(), User.id != user.id)
        .scalar_subquery()
    )
    result = await db.execute(
        update(User)
        .where(User.id == user.id, others > 0)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a cursor result: it has the count of the rows it changed.
    if rowcount(result) != 1:
        raise RoleRefused(_("The fair needs at least one active organiser: appoint another one first."))
    await db.refresh(user)


async def set_organiser(db: AsyncSession, user: User, actor: User | None, make: bool) -> bool:
    """Gives or takes the organiser role; False when it already was so. The actor is None from the CLI."""
    if user.is_organiser == make:
        return False
    live_rights.user_changed(db, user.id)  # organisers moderate every live room
    if make:
        user.is_organiser = True
        await db.flush()
        return True
    if actor is not None and actor.id == user.id:
        raise RoleRefused(_("You cannot remove your own organiser role: ask another organiser."))
    await _remove_organiser(db, user, {"is_organiser": False})
    return True


async def set_active(db: AsyncSession, user: User, actor: User | None, active: bool) -> bool:
    """Enables or disables the account; disabling ends every login session of the account at once."""
    if user.is_active == active:
        return False
    if active:
        user.is_active = True
        await db.flush()
        return True
    if actor is not None and actor.id == user.id:
        raise RoleRefused(_("You cannot disable your own account."))
    if user.is_organiser:
        await _remove_organiser(db, user, {"is_active": False})
    else:
        user.is_active = False
        await db.flush()
    await sessions.close_all_sessions(db, user.id)
    return True
