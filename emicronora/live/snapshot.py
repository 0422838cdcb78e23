"""What a client gets on arrival: the room's state and its last chat messages, as of one sequence number."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.live.actions import message_json, poll_counts, polls_json, question_json
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


PUBLIC_QUESTION = ("approved", "pinned", "answered")
SHARED_FOR_S = 5.0


@dataclass(frozen=True)
class SharedSnapshot:
    """What everyone arriving in a room sees alike (or every moderator: they also see the questions waiting
    for approval), as of one event number."""

    seq: int
    made_at: float
    poll_ids: list[int]
    questions: list[dict[str, Any]]
    questions_json: str
    # The snapshot's JSON up to the per-person fields, without its closing brace.
    head_json: str


class SnapshotCache:
    """One per worker. A crowd arriving when a session starts would read the same 100 messages, questions
    and polls once per person; here once per room and event number, and arrivals at the same number while it
    is being read wait for that reading. Every change in a room is a numbered event, so an entry is exact
    until the next one; what changes without an event (an announcement's hour running out) is read again
    after SHARED_FOR_S at the latest."""

    def __init__(self, keep_for: float = SHARED_FOR_S) -> None:
        self.keep_for = keep_for
        self._entries: dict[tuple[int, bool], SharedSnapshot] = {}
        # Readings under way; None for the waiters when one failed (they read for themselves).
        self._readings: dict[tuple[int, bool, int], asyncio.Future[SharedSnapshot | None]] = {}

    async def reading(
        self, room_id: int, moderator: bool, seq: int, read: Callable[[], Awaitable[SharedSnapshot]]
    ) -> SharedSnapshot:
        entry = self._entries.get((room_id, moderator))
        if entry is not None and entry.seq == seq and time.monotonic() - entry.made_at <= self.keep_for:
            return entry
        under_way = self._readings.get((room_id, moderator, seq))
        if under_way is not None:
            shared = await asyncio.shield(under_way)
            if shared is not None:
                return shared
            return await read()
        under_way = self._readings[(room_id, moderator, seq)] = asyncio.get_running_loop().create_future()
        try:
            shared = await read()
        except BaseException:
            under_way.set_result(None)
            raise
        finally:
            del self._readings[(room_id, moderator, seq)]
        under_way.set_result(shared)
        entry = self._entries.get((room_id, moderator))
        # An arrival that read an older number does not replace a newer reading.
        if entry is None or entry.seq <= seq:
            self._entries[(room_id, moderator)] = shared
        return shared

    def forget(self, room_id: int) -> None:
        for moderator in (False, True):
            self._entries.pop((room_id, moderator), None)


def _questions_query(session_id: int) -> Select[Question, str]:
    return (
        select(Question, User.name)
        .join(User, User.id == Question.user_id)
        .where(Question.session_id == session_id)
        .order_by(Question.votes.desc(), Question.id)
    )


async def _read_shared(db: AsyncSession, room_id: int, seq: int, moderator: bool) -> SharedSnapshot:
    room = await db.get_one(Room, room_id)
    questions_query = _questions_query(room_id)
    if not moderator:
        questions_query = questions_query.where(Question.status.in_(PUBLIC_QUESTION))
    questions = [question_json(q, name) for q, name in (await db.execute(questions_query)).all()]
    polls = list((await db.scalars(select(Poll).where(Poll.session_id == room_id).order_by(Poll.id))).all())
    head = {
        "type": "snapshot",
        "announcement": await latest_announcement(db, room_id),
        "room": room_id,
        # The number was read first: what the snapshot shows beyond it arrives again, applied idempotently.
        "seq": seq,
        "chat_closed": room.chat_closed,
        "moderated": room.moderated,
        "messages": await messages_before(db, room_id),
        "polls": polls_json(polls, await poll_counts(db, polls)),
    }
    return SharedSnapshot(
        seq=seq,
        made_at=time.monotonic(),
        poll_ids=[poll.id for poll in polls],
        questions=questions,
        questions_json=json.dumps(questions, ensure_ascii=False),
        head_json=json.dumps(head, ensure_ascii=False)[:-1],
    )


def with_own_questions(public: list[dict[str, Any]], own: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone's questions and the person's own unapproved ones, in the room's order (votes, then age).
    Their own read wins: it may be newer than the shared reading (a question dismissed in between)."""
    own_ids = {question["id"] for question in own}
    merged = [question for question in public if question["id"] not in own_ids] + own
    return sorted(merged, key=lambda question: (-question["votes"], question["id"]))


async def snapshot_json(
    db: AsyncSession, room_id: int, seq: int, user: User, moderator: bool, cache: SnapshotCache
) -> str:
    """The room as of event `seq` (read just before), for this person: the shared part from the cache, then
    their own votes and the questions only they and the moderators see."""
    shared = await cache.reading(room_id, moderator, seq, lambda: _read_shared(db, room_id, seq, moderator))
    questions_json = shared.questions_json
    if not moderator:
        own_hidden = [
            question_json(q, name)
            for q, name in (
                await db.execute(
                    _questions_query(room_id).where(
                        Question.user_id == user.id, Question.status.not_in(PUBLIC_QUESTION)
                    )
                )
            ).all()
        ]
        if own_hidden:
            questions_json = json.dumps(with_own_questions(shared.questions, own_hidden), ensure_ascii=False)
    my_question_votes = (
        await db.scalars(
            select(QuestionVote.question_id)
            .join(Question, Question.id == QuestionVote.question_id)
            .where(QuestionVote.user_id == user.id, Question.session_id == room_id)
            .order_by(QuestionVote.question_id)
        )
    ).all()
    my_poll_votes: dict[str, int] = {}
    if shared.poll_ids:
        rows = await db.execute(
            select(PollVote.poll_id, PollVote.option).where(
                PollVote.user_id == user.id, PollVote.poll_id.in_(shared.poll_ids)
            )
        )
        my_poll_votes = {str(poll_id): option for poll_id, option in rows}
    own = json.dumps({"my_question_votes": list(my_question_votes), "my_poll_votes": my_poll_votes})
    return f'{shared.head_json},"questions":{questions_json},{own[1:]}'
