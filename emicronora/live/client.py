"""One person in a room, over their socket, once the handshake is accepted: what they are sent on arrival (the
events they missed, or a snapshot), the reader that runs their actions, and the writer that sends what the
fan-out could not send at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from starlette.websockets import WebSocket, WebSocketDisconnect

from emicronora.accounts import sessions
from emicronora.i18n import _
from emicronora.live import protocol
from emicronora.live.events import MAX_REPLAY, AlreadyStored, events_after, last_seq
from emicronora.live.hub import SIGNED_OUT, Connection, RoomHub, Text
from emicronora.live.permissions import RoomError, is_moderator
from emicronora.live.queries import moderates_now
from emicronora.live.snapshot import messages_before, snapshot_json
from emicronora.live.visits import VisitRecorder
from emicronora.live.wire import PREPARED, PreparedText
from emicronora.models import LoginSession, User
from emicronora.web.context import sessionmaker_of, settings_of

log = logging.getLogger("emicronora.live")

POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013
# The login is read again before an action once the last reading is this old: one read per person per half
# minute, not per post (the notices of live/rights.py bring the changes made by the site at once).
LOGIN_CHECK_S = 30.0
# How long a socket closed on purpose may take to send its last messages and its close frame.
CLOSING_WAIT_S = 2.0


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
    standing = Standing(websocket, hub, connection, caller, session_id)
    connection.on_rights_changed = standing.changed
    writer: asyncio.Task[None] | None = None
    try:
        await hub.join(session_id, connection)
        last_sent = await _send_start(websocket, connection, user, session_id, after)
        writer = asyncio.create_task(_write(websocket, connection, last_sent))
        await _read(websocket, connection, caller, standing, session_id)
    finally:
        hub.leave(session_id, connection)
        visits.leave(stay, datetime.now(UTC))
        await standing.stop()
        if writer is not None:
            await _stop_writer(writer, connection)


async def _stop_writer(writer: asyncio.Task[None], connection: Connection) -> None:
    """A socket closed on purpose (a logout, a cancelled session) gets its last messages and the close code
    that tells the page why; any other end stops the writer at once."""
    if connection.close_with is not None:
        await asyncio.wait({writer}, timeout=CLOSING_WAIT_S)
    writer.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await writer


class Standing:
    """Whether the person is still logged in, and whether they moderate the room, read again when a rights
    notice names them (live/rights.py) and every LOGIN_CHECK_S before an action. The notice arrives on the
    worker that made the change before that change's request answers, so an action read after it waits for
    the check: nothing is accepted from a login that has ended."""

    def __init__(
        self,
        websocket: WebSocket,
        hub: RoomHub,
        connection: Connection,
        caller: protocol.Caller,
        room_id: int,
    ) -> None:
        self.websocket = websocket
        self.hub = hub
        self.connection = connection
        self.caller = caller
        self.room_id = room_id
        self.checked_at = time.monotonic()
        self._again = False
        self._task: asyncio.Task[None] | None = None

    def changed(self) -> None:
        """Called by the hub, synchronously: a check starts (again, if one is under way)."""
        self._again = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._check_while_changed())

    async def valid(self) -> bool:
        """Before an action: False once the login has ended (the socket is then closing)."""
        if self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
        stale = time.monotonic() - self.checked_at > LOGIN_CHECK_S
        # Counts as activity, as a page would (a write: SQLite's turn).
        if stale and not self.connection.dropped and await self._resolve(touch=True) is None:
            self._signed_out()
        return not self.connection.dropped

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _check_while_changed(self) -> None:
        while self._again and not self.connection.dropped:
            self._again = False
            try:
                await self._check()
            except Exception:
                log.exception("live: checking the rights of a room socket failed")

    async def _check(self) -> None:
        resolved = await self._resolve(touch=False)
        if resolved is None:
            self._signed_out()
            return
        user, _login = resolved
        async with self.hub.holding(self.room_id):
            # Under the room's lock: no event leaves between the snapshot's number and the snapshot.
            async with sessionmaker_of(self.websocket)() as db:
                moderator = await is_moderator(db, user, self.room_id)
                if moderator == self.caller.moderator:
                    return
                self.caller.moderator = self.connection.is_moderator = moderator
                current = await last_seq(db, self.room_id)
                snapshot = await snapshot_json(db, self.room_id, current, user, moderator, self.hub.snapshots)
            self.connection.offer(None, json.dumps({"type": "rights", "moderator": moderator}))
            self.connection.offer(None, snapshot)

    async def _resolve(self, *, touch: bool) -> tuple[User, LoginSession] | None:
        """The socket outlives the handshake's check: a logout, a password change, a disabled account or a
        timeout ends the login session, and the room must stop taking that person's actions too."""
        settings = settings_of(self.websocket)
        token = self.websocket.cookies.get(sessions.cookie_name(sessions.SESSION_COOKIE, settings), "")
        async with self.hub.writing():
            resolved = await sessions.resolve(
                sessionmaker_of(self.websocket),
                token,
                settings,
                datetime.now(UTC),
                touch=touch,
            )
        self.checked_at = time.monotonic()
        return resolved

    def _signed_out(self) -> None:
        self.connection.end(SIGNED_OUT, "signed out")


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
    """Sends what the fan-out could not send at once, in order, each once; closes a dropped socket (a slow
    reader tries again later; a socket ended on purpose says why)."""
    await connection.write(_sender(websocket), last_sent)
    code, reason = connection.close_with or (TRY_AGAIN_LATER, "")
    await websocket.close(code=code, reason=reason)


async def _read(
    websocket: WebSocket,
    connection: Connection,
    caller: protocol.Caller,
    standing: Standing,
    room_id: int,
) -> None:
    hub: RoomHub = websocket.state.hub
    sessionmaker = sessionmaker_of(websocket)
    posts = protocol.RateLimiter(*protocol.POST_LIMIT)
    others = protocol.RateLimiter(*protocol.OTHER_LIMIT)
    history = protocol.RateLimiter(*protocol.HISTORY_LIMIT)
    while True:
        try:
            message = await websocket.receive()
        except (WebSocketDisconnect, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        if connection.dropped:
            continue  # closing: nothing more is taken, the disconnect follows
        client_id = None
        try:
            text = message.get("text")
            if text is None:
                raise RoomError("invalid", _("This message could not be read: send JSON text."))
            data = protocol.parse(text)
            client_id = data.get("client_id")
            kind = data["type"]
            if kind == "history":
                before = protocol.history_before(data)
                if not history.allow():
                    raise RoomError(
                        "rate_limited", _("You are loading older messages too fast. Wait a few seconds.")
                    )
                async with sessionmaker() as db:
                    older = await messages_before(db, room_id, before)
                connection.offer(None, json.dumps({"type": "history", "messages": older}, ensure_ascii=False))
                continue
            handler = protocol.HANDLERS.get(kind)
            if handler is None:
                raise RoomError("invalid", _("This message could not be read."))
            if not await standing.valid():
                continue
            protocol.check_open(kind, caller, datetime.now(UTC))
            limiter = posts if kind in protocol.POSTS else others
            if not limiter.allow():
                raise RoomError("rate_limited", _("You are sending messages too fast. Wait a few seconds."))
            outcome = await _run(hub, handler, caller, standing, kind, data, room_id)
            if outcome.new:
                await hub.publish(outcome.events)
            if client_id and outcome.events:
                connection.offer(None, protocol.ack_message(client_id, outcome.events[-1].seq))
        except RoomError as error:
            connection.offer(None, protocol.error_message(error, client_id))
        except Exception:
            # A bug or a database failure: logged, answered, and the socket stays usable.
            log.exception("live: a room action failed")
            failed = RoomError("failed", _("This could not be done. Try again in a moment."))
            connection.offer(None, protocol.error_message(failed, client_id))


async def _run(
    hub: RoomHub,
    handler: protocol.Handler,
    caller: protocol.Caller,
    standing: Standing,
    kind: str,
    data: dict[str, Any],
    room_id: int,
) -> protocol.Outcome:
    """One transaction per action; a unique-constraint race (a double vote, a retried post arriving twice at
    once) is answered like the sequential case. A moderator action is judged on the right read in its own
    transaction, whatever the socket was told at its start."""
    for attempt in range(2):
        try:
            async with hub.writing(), hub.sessionmaker() as db, db.begin():
                who = caller
                if kind in protocol.MODERATOR_ACTIONS:
                    moderator = await moderates_now(db, room_id, caller.user.id)
                    if moderator != caller.moderator:
                        standing.changed()  # the page learns it too
                    who = replace(caller, moderator=moderator)
                return await handler(db, room_id, who, data, datetime.now(UTC))
        except AlreadyStored as retry:
            return protocol.Outcome([retry.event], new=False)
        except IntegrityError:
            if attempt == 1:
                raise RoomError("conflict", _("This was already done.")) from None
    raise AssertionError("unreachable")
