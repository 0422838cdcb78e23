"""What participants and moderators do in a room. Each function runs inside the caller's transaction, changes
the state, appends the events to publish, and raises RoomError for a refusal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _
from emicronora.live.events import Audience, StoredEvent, append_event, take_post_turn
from emicronora.live.permissions import RoomError, require_moderator
from emicronora.models import ChatMessage, Mute, Poll, PollVote, Question, QuestionVote, Room, User
from emicronora.models.base import MAX_ROW_ID

MAX_TEXT = 2000
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 120
MAX_MUTE_MINUTES = 24 * 60
# A Core statement built once: the unit of work's flush was most of a chat post's time.
_INSERT_MESSAGE = insert(cast(Table, ChatMessage.__table__)).returning(ChatMessage.__table__.c.id)


def _text(value: object, max_length: int = MAX_TEXT) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RoomError("invalid", _("Write something first."))
    text = value.strip()
    if len(text) > max_length:
        raise RoomError("too_long", _("At most %(max)s characters.", max=max_length))
    return text


def _id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ROW_ID:
        raise RoomError("invalid", _("This item does not exist."))
    return value


def message_json(message: ChatMessage, author: User) -> dict[str, Any]:
    return {
        "id": message.id,
        "author": author.name,
        "author_id": author.id,
        "body": message.body,
        "at": message.created_at.isoformat(timespec="seconds"),
    }


def question_json(question: Question, author_name: str) -> dict[str, Any]:
    return {
        "id": question.id,
        "author": author_name,
        "author_id": question.user_id,
        "body": question.body,
        "status": question.status,
        "votes": question.votes,
        "at": question.created_at.isoformat(timespec="seconds"),
    }


async def poll_counts(db: AsyncSession, polls: list[Poll]) -> dict[int, list[int]]:
    """Votes per option of each poll, in one query."""
    counts = {poll.id: [0] * len(poll.options) for poll in polls}
    if not polls:
        return counts
    rows = await db.execute(
        select(PollVote.poll_id, PollVote.option, func.count())
        .where(PollVote.poll_id.in_(list(counts)))
        .group_by(PollVote.poll_id, PollVote.option)
    )
    for poll_id, option, count in rows:
        if 0 <= option < len(counts[poll_id]):
            counts[poll_id][option] = count
    return counts


def polls_json(polls: list[Poll], counts: dict[int, list[int]]) -> list[dict[str, Any]]:
    return [
        {
            "id": poll.id,
            "question": poll.question,
            "options": poll.options,
            "counts": counts[poll.id],
            "is_open": poll.is_open,
        }
        for poll in polls
    ]


async def poll_json(db: AsyncSession, poll: Poll) -> dict[str, Any]:
    return polls_json([poll], await poll_counts(db, [poll]))[0]


def _question_audience(question: Question) -> Audience | None:
    # A question waiting for approval, or dismissed, is seen by the moderators and its author only.
    if question.status in ("pending", "dismissed"):
        return Audience(moderators=True, user_ids=(question.user_id,))
    return None


async def post_chat(
    db: AsyncSession,
    session_id: int,
    user: User,
    moderator: bool,
    body: object,
    client_id: str | None,
    now: datetime,
) -> StoredEvent:
    """Raises AlreadyStored for a retry of a post already stored."""
    text = _text(body)
    turn = await take_post_turn(db, session_id, user.id, client_id, now)
    if turn.chat_closed and not moderator:
        raise RoomError("chat_closed", _("The chat of this session is closed."))
    if turn.muted_until is not None and not moderator:
        raise RoomError("muted", _("A moderator has muted you in this room for a while."))
    row = {"session_id": session_id, "user_id": user.id, "body": text, "created_at": now, "is_deleted": False}
    message = ChatMessage(id=(await db.execute(_INSERT_MESSAGE, row)).scalar_one(), **row)
    return await append_event(
        db,
        session_id,
        "chat.message",
        {"message": message_json(message, user)},
        user_id=user.id,
        client_id=client_id,
        seq=turn.seq,
    )


async def delete_message(db: AsyncSession, room: Room, moderator: bool, message_id: object) -> StoredEvent:
    require_moderator(moderator)
    message = await db.get(ChatMessage, _id(message_id))
    if message is None or message.session_id != room.session_id:
        raise RoomError("not_found", _("This item does not exist."))
    message.is_deleted = True
    return await append_event(db, room.session_id, "chat.deleted", {"message_id": message.id})


async def mute_user(
    db: AsyncSession, room: Room, moderator: bool, user_id: object, minutes: object, now: datetime
) -> StoredEvent:
    require_moderator(moderator)
    target = await db.get(User, _id(user_id))
    if target is None:
        raise RoomError("not_found", _("This item does not exist."))
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise RoomError("invalid", _("Mute for 1 to %(max)s minutes.", max=MAX_MUTE_MINUTES))
    until = now + timedelta(minutes=minutes)
    mute = await db.scalar(select(Mute).where(Mute.session_id == room.session_id, Mute.user_id == target.id))
    if mute is None:
        db.add(Mute(session_id=room.session_id, user_id=target.id, until=until))
    else:
        mute.until = until
    return await append_event(
        db,
        room.session_id,
        "user.muted",
        {"user_id": target.id, "name": target.name, "until": until.isoformat()},
        audience=Audience(moderators=True, user_ids=(target.id,)),
    )


async def set_chat_closed(db: AsyncSession, room: Room, moderator: bool, closed: bool) -> StoredEvent:
    require_moderator(moderator)
    room.chat_closed = closed
    return await append_event(
        db, room.session_id, "room.updated", {"chat_closed": closed, "moderated": room.moderated}
    )


async def set_moderated(db: AsyncSession, room: Room, moderator: bool, moderated: bool) -> StoredEvent:
    require_moderator(moderator)
    room.moderated = moderated
    return await append_event(
        db, room.session_id, "room.updated", {"chat_closed": room.chat_closed, "moderated": moderated}
    )


async def ask_question(
    db: AsyncSession, session_id: int, user: User, body: object, client_id: str | None, now: datetime
) -> StoredEvent:
    """Raises AlreadyStored for a retry of a question already stored."""
    text = _text(body)
    turn = await take_post_turn(db, session_id, user.id, client_id, now)
    if turn.muted_until is not None:
        raise RoomError("muted", _("A moderator has muted you in this room for a while."))
    question = Question(
        session_id=session_id,
        user_id=user.id,
        body=text,
        status="pending" if turn.moderated else "approved",
        created_at=now,
    )
    db.add(question)
    await db.flush()
    return await append_event(
        db,
        session_id,
        "question.updated",
        {"question": question_json(question, user.name)},
        user_id=user.id,
        client_id=client_id,
        audience=_question_audience(question),
        seq=turn.seq,
    )


async def _question_in_room(db: AsyncSession, room: Room, question_id: object) -> Question:
    question = await db.get(Question, _id(question_id))
    if question is None or question.session_id != room.session_id:
        raise RoomError("not_found", _("This item does not exist."))
    return question


async def _question_event(db: AsyncSession, question: Question) -> StoredEvent:
    author = await db.get_one(User, question.user_id)
    return await append_event(
        db,
        question.session_id,
        "question.updated",
        {"question": question_json(question, author.name)},
        audience=_question_audience(question),
    )


async def vote_question(db: AsyncSession, room: Room, user: User, question_id: object) -> StoredEvent:
    """One vote per person: a second vote is refused with a message, and counts nothing."""
    question = await _question_in_room(db, room, question_id)
    if question.status not in ("approved", "pinned"):
        raise RoomError("invalid", _("This question cannot be voted on."))
    already = await db.scalar(
        select(QuestionVote.id).where(
            QuestionVote.question_id == question.id, QuestionVote.user_id == user.id
        )
    )
    if already is not None:
        raise RoomError("already_voted", _("You have already voted for this question."))
    db.add(QuestionVote(question_id=question.id, user_id=user.id))
    await db.execute(update(Question).where(Question.id == question.id).values(votes=Question.votes + 1))
    await db.refresh(question)
    return await _question_event(db, question)


QUESTION_ACTIONS = {"approve": "approved", "pin": "pinned", "answer": "answered", "dismiss": "dismissed"}


async def moderate_question(
    db: AsyncSession, room: Room, moderator: bool, question_id: object, action: object
) -> list[StoredEvent]:
    require_moderator(moderator)
    question = await _question_in_room(db, room, question_id)
    if action not in QUESTION_ACTIONS:
        raise RoomError("invalid", _("Unknown action."))
    events = []
    if action == "pin":
        # One question is answered at a time: pinning another one puts the previous back in the list.
        pinned = await db.scalars(
            select(Question).where(
                Question.session_id == room.session_id,
                Question.status == "pinned",
                Question.id != question.id,
            )
        )
        for previous in pinned:
            previous.status = "approved"
            events.append(await _question_event(db, previous))
    question.status = QUESTION_ACTIONS[str(action)]
    events.append(await _question_event(db, question))
    return events


async def open_poll(
    db: AsyncSession, room: Room, moderator: bool, question: object, options: object
) -> StoredEvent:
    require_moderator(moderator)
    text = _text(question, MAX_POLL_QUESTION)
    if not isinstance(options, list) or not 2 <= len(options) <= 6:
        raise RoomError("invalid", _("A poll has 2 to 6 options."))
    choices = [_text(option, MAX_POLL_OPTION) for option in options]
    poll = Poll(session_id=room.session_id, question=text, options=choices, is_open=True)
    db.add(poll)
    await db.flush()
    return await append_event(db, room.session_id, "poll.updated", {"poll": await poll_json(db, poll)})


async def _poll_in_room(db: AsyncSession, room: Room, poll_id: object) -> Poll:
    poll = await db.get(Poll, _id(poll_id))
    if poll is None or poll.session_id != room.session_id:
        raise RoomError("not_found", _("This item does not exist."))
    return poll


async def vote_poll(db: AsyncSession, room: Room, user: User, poll_id: object, option: object) -> StoredEvent:
    poll = await _poll_in_room(db, room, poll_id)
    if not poll.is_open:
        raise RoomError("poll_closed", _("This poll is closed."))
    if not isinstance(option, int) or isinstance(option, bool) or not 0 <= option < len(poll.options):
        raise RoomError("invalid", _("Choose one of the options."))
    already = await db.scalar(
        select(PollVote.id).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id)
    )
    if already is not None:
        raise RoomError("already_voted", _("You have already voted in this poll."))
    db.add(PollVote(poll_id=poll.id, user_id=user.id, option=option))
    await db.flush()
    return await append_event(db, room.session_id, "poll.updated", {"poll": await poll_json(db, poll)})


async def close_poll(db: AsyncSession, room: Room, moderator: bool, poll_id: object) -> StoredEvent:
    require_moderator(moderator)
    poll = await _poll_in_room(db, room, poll_id)
    poll.is_open = False
    return await append_event(db, room.session_id, "poll.updated", {"poll": await poll_json(db, poll)})
