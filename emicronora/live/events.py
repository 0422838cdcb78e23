"""The room event log: append (persist, numbered per room) and replay."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, insert, null, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.live.wire import PreparedText
from emicronora.models import Mute, Room, RoomEvent

# How many missed events a reconnecting client may replay; beyond that it gets a fresh snapshot instead.
MAX_REPLAY = 2000


@dataclass(frozen=True)
class Audience:
    """Who may see an event. Empty means everyone in the room."""

    moderators: bool = False
    user_ids: tuple[int, ...] = ()

    def allows(self, user_id: int, is_moderator: bool) -> bool:
        return is_moderator or user_id in self.user_ids

    def to_json(self) -> dict[str, Any]:
        return {"moderators": self.moderators, "user_ids": list(self.user_ids)}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Audience | None:
        if not data:
            return None
        return cls(
            moderators=bool(data.get("moderators")), user_ids=tuple(int(u) for u in data.get("user_ids", ()))
        )


def _message(
    session_id: int, seq: int, kind: str, payload: dict[str, Any], client_id: str | None
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "event",
        "room": session_id,
        "seq": seq,
        "event": {"type": kind, **payload},
    }
    if client_id:
        message["client_id"] = client_id
    return message


@dataclass(frozen=True)
class StoredEvent:
    session_id: int
    seq: int
    kind: str
    payload: dict[str, Any]
    # The wire message, encoded and framed once for every socket of the room (see live/wire.py).
    prepared: PreparedText = field(compare=False, repr=False)
    audience: Audience | None = None
    client_id: str | None = None

    @classmethod
    def build(
        cls,
        session_id: int,
        seq: int,
        kind: str,
        payload: dict[str, Any],
        audience: Audience | None = None,
        client_id: str | None = None,
    ) -> StoredEvent:
        message = _message(session_id, seq, kind, payload, client_id)
        # Compact: every byte is written once per person in the room.
        wire = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        return cls(session_id, seq, kind, payload, PreparedText(wire), audience, client_id)

    @property
    def wire(self) -> str:
        return self.prepared.text

    def for_broadcast(self) -> str:
        """What travels between workers: the wire message plus who may see it."""
        message = _message(self.session_id, self.seq, self.kind, self.payload, self.client_id)
        if self.audience is not None:
            message["audience"] = self.audience.to_json()
        return json.dumps(message, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_broadcast(cls, raw: str) -> StoredEvent:
        data = json.loads(raw)
        audience = Audience.from_json(data.pop("audience", None))
        event = dict(data["event"])
        kind = event.pop("type")
        return cls.build(int(data["room"]), int(data["seq"]), kind, event, audience, data.get("client_id"))

    @classmethod
    def from_row(cls, row: RoomEvent) -> StoredEvent:
        payload: dict[str, Any] = dict(row.payload)
        audience = Audience.from_json(payload.pop("_audience", None))
        return cls.build(row.session_id, row.seq, row.kind, payload, audience, row.client_id)


async def ensure_room(db: AsyncSession, session_id: int) -> Room:
    """Read first: the room exists after its first join, and a write per join would queue every handshake
    behind chat posts (SQLite's single writer) when a crowd arrives at once."""
    room = await db.get(Room, session_id)
    if room is not None:
        return room
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    await db.execute(insert(Room).values(session_id=session_id, last_seq=0).on_conflict_do_nothing())
    return await db.get_one(Room, session_id)


class AlreadyStored(Exception):
    """A post retried with the same client_id: the transaction is rolled back and the stored event
    acknowledged again."""

    def __init__(self, event: StoredEvent) -> None:
        super().__init__(event.seq)
        self.event = event


@dataclass(frozen=True)
class PostTurn:
    """The number a new post takes, read with what decides whether it may be posted."""

    seq: int
    chat_closed: bool
    moderated: bool
    muted_until: datetime | None


def _post_turn_statement(with_client_id: bool) -> Update:
    rooms, events, mutes = Room.__table__.c, RoomEvent.__table__.c, Mute.__table__.c
    mute = (
        select(mutes.until)
        .where(mutes.session_id == bindparam("room"), mutes.user_id == bindparam("user"))
        .scalar_subquery()
    )
    retried = (
        select(events.seq)
        .where(
            events.session_id == bindparam("room"),
            events.user_id == bindparam("user"),
            events.client_id == bindparam("client_id"),
        )
        .scalar_subquery()
        if with_client_id
        else null()
    )
    return (
        update(cast(Table, Room.__table__))
        .where(rooms.session_id == bindparam("room"))
        .values(last_seq=rooms.last_seq + 1)
        .returning(rooms.last_seq, rooms.chat_closed, rooms.moderated, mute, retried)
    )


# Built once: building and caching a statement per post cost as much as running it.
_POST_TURN = {True: _post_turn_statement(True), False: _post_turn_statement(False)}
_INSERT_EVENT = insert(cast(Table, RoomEvent.__table__))


async def take_post_turn(
    db: AsyncSession, session_id: int, user_id: int, client_id: str | None, now: datetime
) -> PostTurn:
    """One statement instead of four (room, retry, mute, number), so that a post costs few round trips: its
    latency is what every person in a full room waits for. Taking the number first also takes the room's row
    lock first; a refused post rolls back, and the number with it. Raises AlreadyStored for a retry."""
    parameters = {"room": session_id, "user": user_id, "client_id": client_id}
    row = (await db.execute(_POST_TURN[client_id is not None], parameters)).one()
    seq, chat_closed, moderated, muted_until, retried_seq = row
    if retried_seq is not None:
        raise AlreadyStored(await event_at(db, session_id, retried_seq))
    if muted_until is not None and muted_until <= now:
        muted_until = None
    return PostTurn(seq, bool(chat_closed), bool(moderated), muted_until)


async def append_event(
    db: AsyncSession,
    session_id: int,
    kind: str,
    payload: dict[str, Any],
    *,
    user_id: int | None = None,
    client_id: str | None = None,
    audience: Audience | None = None,
    seq: int | None = None,
) -> StoredEvent:
    """Numbers and stores one event inside the caller's transaction (published only after it commits).
    `seq` is the number the caller took already (take_post_turn)."""
    if seq is None:
        seq = (
            await db.execute(
                update(Room)
                .where(Room.session_id == session_id)
                .values(last_seq=Room.last_seq + 1)
                .returning(Room.last_seq)
            )
        ).scalar_one()
    stored_payload = {**payload, "_audience": audience.to_json()} if audience else payload
    row = {
        "session_id": session_id,
        "seq": seq,
        "kind": kind,
        "payload": stored_payload,
        "user_id": user_id,
        "client_id": client_id,
    }
    await db.execute(_INSERT_EVENT, row)
    return StoredEvent.build(session_id, seq, kind, payload, audience, client_id)


async def event_at(db: AsyncSession, session_id: int, seq: int) -> StoredEvent:
    row = await db.scalar(select(RoomEvent).where(RoomEvent.session_id == session_id, RoomEvent.seq == seq))
    if row is None:
        raise LookupError(seq)
    return StoredEvent.from_row(row)


async def events_after(
    db: AsyncSession, session_id: int, after_seq: int, limit: int = MAX_REPLAY
) -> list[StoredEvent]:
    rows = await db.scalars(
        select(RoomEvent)
        .where(RoomEvent.session_id == session_id, RoomEvent.seq > after_seq)
        .order_by(RoomEvent.seq)
        .limit(limit)
    )
    return [StoredEvent.from_row(row) for row in rows]


async def last_seq(db: AsyncSession, session_id: int) -> int:
    return await db.scalar(select(Room.last_seq).where(Room.session_id == session_id)) or 0


async def last_seqs(db: AsyncSession, session_ids: list[int]) -> dict[int, int]:
    rows = await db.execute(select(Room.session_id, Room.last_seq).where(Room.session_id.in_(session_ids)))
    return {session_id: seq for session_id, seq in rows}
