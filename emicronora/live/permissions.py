"""Who may do what in a room: organisers and the session's moderators moderate; the others take part."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _
from emicronora.live.queries import moderates
from emicronora.models import User


class RoomError(Exception):
    """A refused action: the client gets {"type": "error", "code", "message"}, never a silent drop."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


async def is_moderator(db: AsyncSession, user: User, session_id: int) -> bool:
    if user.is_organiser:
        return True
    return await moderates(db, session_id, user.id)


def require_moderator(moderator: bool) -> None:
    if not moderator:
        raise RoomError("forbidden", _("Only the moderators of this session can do this."))
