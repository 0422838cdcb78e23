"""What a client gets on arrival: the room's state and its last chat messages, as of one sequence number."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.live.actions import message_json, poll_json, question_json
from emicronora.models import ChatMessage, Poll, PollVote, Question, QuestionVote, Room, RoomEvent, User

RECENT_MESSAGES = 100


async def messages_before(
    db: AsyncSession, session_id: int, before_id: int | None = None, limit: int = RECENT_MESSAGES
) -> list[dict[str, Any]]:
    """Chat messages, oldest first, ending just before `before_id` (the newest when None)."""
    query = (
        select(ChatMessage, User)
        .join(User, User.id == ChatMessage.user_id)
        .where(ChatMessage.session_id == session_id, ChatMessage.is_deleted.is_(False))
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(ChatMessage.id < before_id)
    rows = (await db.execute(query)).all()
    return [message_json(message, author) for message, author in reversed(rows)]


ANNOUNCEMENT_SHOWN_FOR = timedelta(hours=1)


async def latest_announcement(db: AsyncSession, session_id: int) -> dict[str, Any] | None:
    """The room's last announcement of the past hour, so that people who arrive later see it too."""
    since = datetime.now(UTC) - ANNOUNCEMENT_SHOWN_FOR
    row = await db.scalar(
        select(RoomEvent)
        .where(
            RoomEvent.session_id == session_id,
            RoomEvent.kind == "announcement",
            RoomEvent.created_at >= since,
        )
        .order_by(RoomEvent.seq.desc())
        .limit(1)
    )
    return dict(row.payload) if row is not None else None


async def room_snapshot(db: AsyncSession, room: Room, user: User, moderator: bool) -> dict[str, Any]:
    visible = Question.status.in_(("approved", "pinned", "answered"))
    if not moderator:
        visible = or_(visible, Question.user_id == user.id)
    questions_query = (
        select(Question, User.name)
        .join(User, User.id == Question.user_id)
        .where(Question.session_id == room.session_id)
        .order_by(Question.votes.desc(), Question.id)
    )
    if not moderator:
        questions_query = questions_query.where(visible)
    questions = [question_json(q, name) for q, name in (await db.execute(questions_query)).all()]
    my_question_votes = set(
        (
            await db.scalars(
                select(QuestionVote.question_id)
                .join(Question, Question.id == QuestionVote.question_id)
                .where(QuestionVote.user_id == user.id, Question.session_id == room.session_id)
            )
        ).all()
    )
    polls = list(
        (await db.scalars(select(Poll).where(Poll.session_id == room.session_id).order_by(Poll.id))).all()
    )
    my_poll_votes = dict(
        (
            await db.execute(
                select(PollVote.poll_id, PollVote.option).where(
                    PollVote.user_id == user.id, PollVote.poll_id.in_([p.id for p in polls])
                )
            )
        ).all()
    )
    return {
        "type": "snapshot",
        "announcement": await latest_announcement(db, room.session_id),
        "room": room.session_id,
        "seq": room.last_seq,
        "chat_closed": room.chat_closed,
        "moderated": room.moderated,
        "messages": await messages_before(db, room.session_id),
        "questions": questions,
        "my_question_votes": sorted(my_question_votes),
        "polls": [await poll_json(db, poll) for poll in polls],
        "my_poll_votes": {str(k): v for k, v in my_poll_votes.items()},
    }
