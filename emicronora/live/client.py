"""One person in a room, over their socket, once the handshake is accepted: what they are sent on arrival (the
events they missed, or a snapshot), the reader that runs their actions, and the writer that sends what the
fan-out could not send at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.websockets import WebSocket, WebSocketDisconnect

from emicronora.accounts import sessions
from emicronora.i18n import _
from emicronora.live import protocol
from emicronora.live.events import MAX_REPLAY, AlreadyStored, events_after, last_seq
from emicronora.live.hub import Connection, RoomHub, Text
from emicronora.live.permissions import RoomError
from emicronora.live.snapshot import messages_before, snapshot_json
from emicronora.live.visits import VisitRecorder
from emicronora.live.wire import PREPARED, PreparedText
from emicronora.models import User
from emicronora.web.context import sessionmaker_of, settings_of

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
LOGIN_CHECK_S = 30.0


async def take_part(
    websocket: WebSocket,
    hub: RoomHub,
    visits: VisitRecorder,
    user: User,
    session_id: int,
    caller: protocol.Caller,
    after: int | None,
) -> None:
    """From the accepted handshake to the socket's end: the person's seat in the room and their stay."""
    stay = visits.join(session_id, user.id, datetime.now(UTC))
    connection = Connection(user.id, caller.moderator)
    writer: asyncio.Task[None] | None = None
    try:
        await hub.join(session_id, connection)
        last_sent = await _send_start(websocket, connection, user, session_id, after)
        writer = asyncio.create_task(_write(websocket, connection, last_sent))
        await _read(websocket, connection, caller, session_id)
    finally:
        hub.leave(session_id, connection)
        visits.leave(stay, datetime.now(UTC))
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer


async def _send_start(
    websocket: WebSocket, connection: Connection, user: User, room_id: int, after: int | None
) -> int:
    """A resuming client gets exactly the events after its last one; a new client a snapshot."""
    sessionmaker = sessionmaker_of(websocket)
    hub: RoomHub = websocket.state.hub
    welcome: dict[str, Any] = {
        "type": "welcome",
        "room": room_id,
        "user": {"id": user.id, "name": user.name},
        "moderator": connection.is_moderator,
        "presence": max(1, hub.local_count(room_id)),
    }
    async with sessionmaker() as db:
        current = await last_seq(db, room_id)
        if after is not None and after <= current:
            missed = await events_after(db, room_id, after)
            if len(missed) < MAX_REPLAY:
                await websocket.send_text(json.dumps({**welcome, "resumed": True, "seq": after}))
                send = _sender(websocket)
                for event in missed:
                    if connection.sees(event):
                        await send(event.prepared)
                return missed[-1].seq if missed else after
        snapshot = await snapshot_json(db, room_id, current, user, connection.is_moderator, hub.snapshots)
    await websocket.send_text(json.dumps({**welcome, "resumed": False, "seq": current}))
    await websocket.send_text(snapshot)
    return current


def _sender(websocket: WebSocket) -> Callable[[Text], Coroutine[Any, Any, None]]:
    async def send(text: Text) -> None:
        if isinstance(text, PreparedText):
            await websocket.send({"type": "websocket.send", "text": text.text, PREPARED: text})
        else:
            await websocket.send_text(text)

    return send


async def _write(websocket: WebSocket, connection: Connection, last_sent: int) -> None:
    """Sends what the fan-out could not send at once, in order, each once; closes a dropped socket."""
    await connection.write(_sender(websocket), last_sent)
    await websocket.close(code=TRY_AGAIN_LATER)


async def _login_still_valid(websocket: WebSocket, hub: RoomHub) -> bool:
    """The socket outlives the handshake's check: a logout, a password change, a disabled account or a
    timeout ends the login session, and the room must stop taking that person's actions too. The rules are the
    pages' own, and an action in the room counts as activity, as a page would (a write: SQLite's turn)."""
    token = websocket.cookies.get(sessions.cookie_name(sessions.SESSION_COOKIE, settings_of(websocket)), "")
    async with hub.writing():
        resolved = await sessions.resolve(
            sessionmaker_of(websocket), token, settings_of(websocket), datetime.now(UTC)
        )
    return resolved is not None


async def _read(websocket: WebSocket, connection: Connection, caller: protocol.Caller, room_id: int) -> None:
    hub: RoomHub = websocket.state.hub
    sessionmaker = sessionmaker_of(websocket)
    posts = protocol.RateLimiter(*protocol.POST_LIMIT)
    others = protocol.RateLimiter(*protocol.OTHER_LIMIT)
    # Checked again before an action once this old: one read per person per half minute, not per post.
    checked_at = time.monotonic()
    while not connection.dropped:
        try:
            text = await websocket.receive_text()
        except (WebSocketDisconnect, RuntimeError):
            return
        client_id = None
        try:
            data = protocol.parse(text)
            client_id = data.get("client_id")
            kind = data["type"]
            if kind == "history":
                before = data.get("before")
                async with sessionmaker() as db:
                    older = await messages_before(db, room_id, before if isinstance(before, int) else None)
                connection.offer(None, json.dumps({"type": "history", "messages": older}, ensure_ascii=False))
                continue
            handler = protocol.HANDLERS.get(kind)
            if handler is None:
                raise RoomError("invalid", _("This message could not be read."))
            if time.monotonic() - checked_at > LOGIN_CHECK_S:
                if not await _login_still_valid(websocket, hub):
                    await websocket.close(code=POLICY_VIOLATION)
                    return
                checked_at = time.monotonic()
            protocol.check_open(kind, caller, datetime.now(UTC))
            limiter = posts if kind in protocol.POSTS else others
            if not limiter.allow():
                raise RoomError("rate_limited", _("You are sending messages too fast. Wait a few seconds."))
            outcome = await _run(hub, handler, caller, data, room_id)
            if outcome.new:
                await hub.publish(outcome.events)
            if client_id and outcome.events:
                connection.offer(None, protocol.ack_message(client_id, outcome.events[-1].seq))
        except RoomError as error:
            connection.offer(None, protocol.error_message(error, client_id))


async def _run(
    hub: RoomHub, handler: protocol.Handler, caller: protocol.Caller, data: dict[str, Any], room_id: int
) -> protocol.Outcome:
    """One transaction per action; a unique-constraint race (a double vote, a retried post arriving twice at
    once) is answered like the sequential case."""
    for attempt in range(2):
        try:
            async with hub.writing(), hub.sessionmaker() as db, db.begin():
                return await handler(db, room_id, caller, data, datetime.now(UTC))
        except AlreadyStored as retry:
            return protocol.Outcome([retry.event], new=False)
        except IntegrityError:
            if attempt == 1:
                raise RoomError("conflict", _("This was already done.")) from None
    raise AssertionError("unreachable")
