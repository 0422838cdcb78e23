"""The room protocol: one JSON message from a client in, the events to publish out."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _
from emicronora.live import actions
from emicronora.live.events import StoredEvent
from emicronora.live.permissions import RoomError
from emicronora.models import Room, User
from emicronora.models.base import MAX_ROW_ID

# A frame of at most 4 KiB: 2,000 characters of text plus the envelope.
MAX_FRAME_BYTES = 4096
MAX_CLIENT_ID = 64


@dataclass
class Caller:
    user: User
    moderator: bool
    # When the session ends: afterwards the room can be read, not added to.
    ends_at: datetime | None = None


# What a participant may still do once the session has ended: nothing that adds to the room.
CLOSED_AFTER_END = frozenset({"chat.post", "question.ask", "question.vote", "poll.vote", "poll.open"})


def check_open(kind: str, caller: Caller, now: datetime) -> None:
    if caller.ends_at is not None and now >= caller.ends_at and kind in CLOSED_AFTER_END:
        raise RoomError("ended", _("This session has ended: its room can be read, not added to."))


@dataclass(frozen=True)
class Outcome:
    events: list[StoredEvent]
    # False when the request was a retry of something already stored: acknowledged, not published again.
    new: bool = True


class RateLimiter:
    """At most `limit` actions per `window` seconds per connection; beyond it, a polite error."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self.times: deque[float] = deque()

    def allow(self) -> bool:
        now = time.monotonic()
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        if len(self.times) >= self.limit:
            return False
        self.times.append(now)
        return True


def parse(text: str) -> dict[str, Any]:
    if len(text.encode()) > MAX_FRAME_BYTES:
        raise RoomError("too_large", _("This message is too long."))
    try:
        data = json.loads(text)
    except ValueError:
        raise RoomError("invalid", _("This message could not be read.")) from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise RoomError("invalid", _("This message could not be read."))
    client_id = data.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID):
        raise RoomError("invalid", _("This message could not be read."))
    return data


# (database, room id, caller, message, now): the hot paths (a post) read no more of the room than they need.
Handler = Callable[[AsyncSession, int, Caller, dict[str, Any], datetime], Awaitable[Outcome]]


async def _chat_post(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    event = await actions.post_chat(
        db, room_id, who.user, who.moderator, data.get("body"), data.get("client_id"), now
    )
    return Outcome([event])


async def _question_ask(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    event = await actions.ask_question(db, room_id, who.user, data.get("body"), data.get("client_id"), now)
    return Outcome([event])


async def _question_vote(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome([await actions.vote_question(db, room, who.user, data.get("question_id"))])


async def _question_moderate(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome(
        await actions.moderate_question(db, room, who.moderator, data.get("question_id"), data.get("action"))
    )


async def _poll_open(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome(
        [await actions.open_poll(db, room, who.moderator, data.get("question"), data.get("options"))]
    )


async def _poll_vote(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome([await actions.vote_poll(db, room, who.user, data.get("poll_id"), data.get("option"))])


async def _poll_close(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome([await actions.close_poll(db, room, who.moderator, data.get("poll_id"))])


async def _chat_delete(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome([await actions.delete_message(db, room, who.moderator, data.get("message_id"))])


async def _user_mute(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome(
        [await actions.mute_user(db, room, who.moderator, data.get("user_id"), data.get("minutes"), now)]
    )


async def _chat_close(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome([await actions.set_chat_closed(db, room, who.moderator, data.get("closed") is not False)])


async def _room_moderated(
    db: AsyncSession, room_id: int, who: Caller, data: dict[str, Any], now: datetime
) -> Outcome:
    room = await db.get_one(Room, room_id)
    return Outcome([await actions.set_moderated(db, room, who.moderator, data.get("moderated") is not False)])


HANDLERS: dict[str, Handler] = {
    "chat.post": _chat_post,
    "question.ask": _question_ask,
    "question.vote": _question_vote,
    "question.moderate": _question_moderate,
    "poll.open": _poll_open,
    "poll.vote": _poll_vote,
    "poll.close": _poll_close,
    "chat.delete": _chat_delete,
    "user.mute": _user_mute,
    "chat.close": _chat_close,
    "room.moderated": _room_moderated,
}
# Posting is limited hard (a flood fills the room); votes less so (they are one per item anyway).
POSTS = frozenset({"chat.post", "question.ask"})
POST_LIMIT = (5, 10.0)
OTHER_LIMIT = (30, 10.0)
# A page of older messages is a read of a hundred rows: ten pages per ten seconds is more than anyone scrolls.
HISTORY_LIMIT = (10, 10.0)
# What only moderators may do: their right is read again from the database before each (they are rare).
MODERATOR_ACTIONS = frozenset(
    {"question.moderate", "poll.open", "poll.close", "chat.delete", "user.mute"}
    | {"chat.close", "room.moderated"}
)


def history_before(data: dict[str, Any]) -> int | None:
    """The id older messages end before; None for the newest."""
    before = data.get("before")
    if before is None:
        return None
    if isinstance(before, bool) or not isinstance(before, int) or not 0 < before <= MAX_ROW_ID + 1:
        raise RoomError("invalid", _("This message could not be read."))
    return before


def error_message(error: RoomError, client_id: str | None = None) -> str:
    message: dict[str, Any] = {"type": "error", "code": error.code, "message": error.message}
    if client_id:
        message["client_id"] = client_id
    return json.dumps(message, ensure_ascii=False)


def ack_message(client_id: str, seq: int) -> str:
    return json.dumps({"type": "ack", "client_id": client_id, "seq": seq})
