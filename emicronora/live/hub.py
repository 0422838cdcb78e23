"""The worker's room hub: local connections per room, in-order delivery, gap filling, presence.

Every event is delivered to local connections straight away and published to the other workers through the
broadcast back-end. Each room remembers the last sequence number it delivered; a message that arrives twice
(once locally, once through Redis) is dropped, and a jump in the numbers (a message lost while Redis was away)
is filled from the database, where every event was stored before it was published.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import types
from collections import deque
from collections.abc import Callable, Coroutine, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.live import rights
from emicronora.live.broadcast import Broadcast
from emicronora.live.events import StoredEvent, events_after, last_seq, last_seqs
from emicronora.live.snapshot import SnapshotCache
from emicronora.live.wire import PreparedText

log = logging.getLogger("emicronora.live")

PRESENCE_EVERY = 2.0
CHECK_BEHIND_EVERY_TICKS = 3
FAN_OUT_SLICE = 100
# Close codes of the application's range (4000-4999): the page does not reconnect, it says why.
SIGNED_OUT = 4401
SESSION_CANCELLED = 4410
# A rights notice between workers; room events start with '{"type":"event"'.
_RIGHTS_PREFIX = '{"type":"rights"'


# A text, or one framed once for the whole room (live/wire.py).
Text = str | PreparedText
Outgoing = tuple[int | None, Text] | None
SendText = Callable[[Text], Coroutine[Any, Any, None]]


@types.coroutine
def _resume(coroutine: Coroutine[Any, Any, None], awaited: Any) -> Generator[Any, Any, None]:
    """Goes on with a coroutine that was started by hand and stopped at its first wait, as `await` would."""
    while True:
        try:
            sent = yield awaited
        except GeneratorExit:
            coroutine.close()
            raise
        except BaseException as error:  # handed to the coroutine, as `await` does
            try:
                awaited = coroutine.throw(error)
            except StopIteration:
                return
        else:
            try:
                awaited = coroutine.send(sent)
            except StopIteration:
                return


@dataclass(eq=False)
class Connection:
    """One WebSocket. Its outgoing queue is bounded: a client that stops reading is dropped, not awaited.

    While its queue is empty and its writer idle, an event is written to the socket at once, from the
    fan-out: waking a writer task per connection for every event was a third of a crowded room's delivery
    time. A send that would wait (the socket's buffer is full: a slow reader) is handed to the writer task,
    and the events behind it queue up, so the fan-out never waits for anyone."""

    user_id: int
    is_moderator: bool
    queue_size: int = 256
    dropped: bool = False
    # The highest event number sent (see _first_time).
    last_sent: int = 0
    # Called when a notice says the person's login or rights changed (live/rights.py).
    on_rights_changed: Callable[[], None] | None = None
    # Why the socket is being closed on purpose (see end).
    close_with: tuple[int, str] | None = None
    _items: deque[Outgoing | _Stalled] = field(init=False, default_factory=deque)
    _waiter: asyncio.Future[None] | None = field(init=False, default=None)
    _send_text: SendText | None = field(init=False, default=None)
    _writing: bool = field(init=False, default=False)

    def offer(self, seq: int | None, text: Text) -> None:
        if self.dropped:
            return
        if self._send_text is not None and not self._items and not self._writing:
            if self._first_time(seq):
                self._send_now(self._send_text, text)
            return
        if len(self._items) >= self.queue_size:
            self.dropped = True
            # Wake the writer so that it closes the socket; the client resumes from its last seq elsewhere.
            self._items.pop()
            self._items.append(None)
        else:
            self._items.append((seq, text))
        self._wake()

    def end(self, code: int, reason: str) -> None:
        """Closes the socket with `code` once what was offered before is sent; nothing is offered after."""
        if self.dropped:
            return
        self.close_with = (code, reason)
        self.dropped = True
        self._items.append(None)
        self._wake()

    def _first_time(self, seq: int | None) -> bool:
        """Called just before a send: events are numbered, and one offered twice goes once."""
        if seq is None:
            return True
        if seq <= self.last_sent:
            return False
        self.last_sent = seq
        return True

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def _send_now(self, send_text: SendText, text: Text) -> None:
        sending = send_text(text)
        try:
            awaited = sending.send(None)
        except StopIteration:
            return
        except Exception:  # the socket is gone: the reader sees the disconnect
            self.dropped = True
            self._items.append(None)
            self._wake()
            return
        self._items.append(_Stalled(sending, awaited))
        self._wake()

    async def next(self) -> Outgoing | _Stalled:
        """What the writer sends next, in order; None means close the socket."""
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()

    async def write(self, send_text: SendText, last_sent: int) -> None:
        """The writer task, once the welcome is sent; returns when the socket is to be closed."""
        self.last_sent = max(self.last_sent, last_sent)
        # From here the fan-out may send by itself, once what was offered before the welcome has gone out.
        self._send_text = send_text
        try:
            while True:
                item = await self.next()
                if item is None:
                    return
                self._writing = True
                try:
                    if isinstance(item, _Stalled):
                        await _resume(item.sending, item.awaited)
                        continue
                    seq, text = item
                    if self._first_time(seq):
                        await send_text(text)
                finally:
                    self._writing = False
        finally:
            self._send_text = None

    def pending(self) -> list[Outgoing | _Stalled]:
        return list(self._items)

    def sees(self, event: StoredEvent) -> bool:
        return event.audience is None or event.audience.allows(self.user_id, self.is_moderator)

    def offer_event(self, event: StoredEvent) -> None:
        if self.sees(event):
            self.offer(event.seq, event.prepared)


@dataclass(frozen=True)
class _Stalled:
    """A send that started in the fan-out and waits for the socket's buffer to drain."""

    sending: Coroutine[Any, Any, None]
    awaited: Any


class RoomHub:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], broadcast: Broadcast) -> None:
        self.sessionmaker = sessionmaker
        self.broadcast = broadcast
        self.rooms: dict[int, set[Connection]] = {}
        self.delivered: dict[int, int] = {}
        self.locks: dict[int, asyncio.Lock] = {}
        self.presence: dict[int, int] = {}
        self.snapshots = SnapshotCache()
        self._presence_task: asyncio.Task[None] | None = None
        # Tells this worker's rights notices from the others' when they come back through the broadcast.
        self.worker_key = secrets.token_hex(8)
        self._notices: set[asyncio.Task[bool]] = set()
        rights.attach(sessionmaker, self)
        bind = sessionmaker.kw.get("bind")
        # SQLite has one writer. Its busy handler gives up after busy_timeout, and while a crowd's fan-out
        # keeps the event loop busy a transaction holds the lock for longer: in this worker, writes take turns
        # here, in order, instead (PostgreSQL orders the writes of a room by its row lock; rooms in parallel).
        self._write_turn = asyncio.Lock() if bind is not None and bind.dialect.name == "sqlite" else None

    def writing(self) -> contextlib.AbstractAsyncContextManager[object]:
        """Hold around a transaction that writes."""
        return self._write_turn or contextlib.nullcontext()

    async def start(self) -> None:
        await self.broadcast.start(self._on_message, self._on_reconnect)
        self._presence_task = asyncio.create_task(self._presence_loop(), name="room-presence")

    async def stop(self) -> None:
        if self._presence_task is not None:
            self._presence_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._presence_task
        # Notices of changes committed before the shutdown still reach the other workers.
        await asyncio.gather(*self._notices, return_exceptions=True)
        await self.broadcast.stop()

    async def join(self, room_id: int, connection: Connection) -> None:
        """Registers the connection before its snapshot is read, so that nothing committed after the snapshot
        can be missed (duplicates are dropped by sequence number in the connection's writer)."""
        async with self._lock(room_id):
            if room_id not in self.delivered:
                async with self.sessionmaker() as db:
                    self.delivered[room_id] = await last_seq(db, room_id)
            self.rooms.setdefault(room_id, set()).add(connection)

    def leave(self, room_id: int, connection: Connection) -> None:
        connections = self.rooms.get(room_id)
        if connections is None:
            return
        connections.discard(connection)
        if not connections:
            del self.rooms[room_id]
            self.delivered.pop(room_id, None)
            self.locks.pop(room_id, None)
            # Forget the last count sent, so that the next person in gets a fresh one.
            self.presence.pop(room_id, None)
            self.snapshots.forget(room_id)

    def has_room(self, room_id: int) -> bool:
        """Someone is in the room on this worker, so its row exists: a joining crowd needs no lookup."""
        return room_id in self.rooms

    def local_count(self, room_id: int) -> int:
        return len({c.user_id for c in self.rooms.get(room_id, ())})

    async def publish(self, events: Iterable[StoredEvent]) -> None:
        """Call after the transaction that stored the events has committed. Local clients first: a broadcast
        that is slow or away never holds up this worker's room. (Publishing during the local fan-out was
        measured: with the load generator on the same two cores, two workers fanning out at once starved it,
        and p99 got worse; benchmarks/live_rooms.py, scenario B.)"""
        for event in events:
            await self._deliver(event)
            await self.broadcast.publish(event.for_broadcast())

    def rights_changed(self, notice: rights.RightsNotice) -> None:
        """Right after a commit that changed someone's rights (live/rights.py): this worker's sockets react
        before the request that made the change answers, the other workers' through the broadcast."""
        self._apply_rights(notice)
        message = {
            "type": "rights",
            "origin": self.worker_key,
            "users": sorted(notice.user_ids),
            "rooms": sorted(notice.cancelled_rooms),
        }
        sending = asyncio.get_running_loop().create_task(
            self.broadcast.publish(json.dumps(message, separators=(",", ":")))
        )
        self._notices.add(sending)
        sending.add_done_callback(self._notices.discard)

    def _on_rights(self, raw: str) -> None:
        try:
            data = json.loads(raw)
            notice = rights.RightsNotice(
                frozenset(int(u) for u in data["users"]), frozenset(int(r) for r in data["rooms"])
            )
        except (ValueError, KeyError, TypeError):
            log.warning("dropped a malformed rights notice")
            return
        if data.get("origin") != self.worker_key:
            self._apply_rights(notice)

    def _apply_rights(self, notice: rights.RightsNotice) -> None:
        """A scan of the worker's sockets, for a change that happens a few times a day."""
        for room_id in notice.cancelled_rooms:
            for connection in tuple(self.rooms.get(room_id, ())):
                connection.end(SESSION_CANCELLED, "session cancelled")
        if not notice.user_ids:
            return
        for connections in tuple(self.rooms.values()):
            for connection in tuple(connections):
                if connection.user_id in notice.user_ids and connection.on_rights_changed is not None:
                    connection.on_rights_changed()

    def holding(self, room_id: int) -> asyncio.Lock:
        """The room's lock: nothing is fanned out to its sockets while it is held."""
        return self._lock(room_id)

    async def _on_message(self, raw: str) -> None:
        if raw.startswith(_RIGHTS_PREFIX):
            self._on_rights(raw)
            return
        try:
            event = StoredEvent.from_broadcast(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("dropped a malformed broadcast message")
            return
        await self._deliver(event)

    async def _deliver(self, event: StoredEvent) -> None:
        room_id = event.session_id
        if room_id not in self.rooms:
            return
        async with self._lock(room_id):
            delivered = self.delivered.get(room_id)
            if delivered is None or event.seq <= delivered:
                return
            if event.seq > delivered + 1:
                # The events in between were committed before this one (the room row orders commits).
                async with self.sessionmaker() as db:
                    missing = await events_after(db, room_id, delivered, limit=event.seq - delivered - 1)
                for earlier in missing:
                    await self._fan_out(earlier)
            await self._fan_out(event)

    async def _fan_out(self, event: StoredEvent) -> None:
        """Called under the room's lock, so events leave in order. A database round trip answered meanwhile
        waits for the whole fan-out (a chat post makes several in a row): the loop gets a turn between
        slices, so that a crowd's fan-out does not stretch the posts behind."""
        connections = tuple(self.rooms.get(event.session_id, ()))
        for start in range(0, len(connections), FAN_OUT_SLICE):
            if start:
                await asyncio.sleep(0)
            for connection in connections[start : start + FAN_OUT_SLICE]:
                connection.offer_event(event)
        if event.session_id in self.rooms:  # the last person may have left between two slices
            self.delivered[event.session_id] = max(self.delivered.get(event.session_id, 0), event.seq)

    async def _on_reconnect(self) -> None:
        """Messages published while the broadcast was away are read back from the database."""
        for room_id in list(self.rooms):
            await self.catch_up(room_id)

    async def catch_up(self, room_id: int) -> None:
        async with self._lock(room_id):
            if room_id not in self.delivered:
                return
            async with self.sessionmaker() as db:
                missing = await events_after(db, room_id, self.delivered[room_id])
            for event in missing:
                await self._fan_out(event)
        if missing:
            log.info("room %s: filled a gap of %s event(s) from the database", room_id, len(missing))

    def _lock(self, room_id: int) -> asyncio.Lock:
        return self.locks.setdefault(room_id, asyncio.Lock())

    async def _check_behind(self) -> None:
        """A safety net for a publish that never reached the other workers: one query for all local rooms."""
        if not self.rooms:
            return
        async with self.sessionmaker() as db:
            latest = await last_seqs(db, list(self.rooms))
        for room_id, seq in latest.items():
            if seq > self.delivered.get(room_id, seq):
                await self.catch_up(room_id)

    async def _presence_loop(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(PRESENCE_EVERY)
            tick += 1
            if tick % CHECK_BEHIND_EVERY_TICKS == 0:
                try:
                    await self._check_behind()
                except Exception:
                    log.exception("catch-up check failed")
            try:
                await self.broadcast.set_local_presence({str(r): self.local_count(r) for r in self.rooms})
                totals = await self.broadcast.presence()
            except Exception:
                log.exception("presence update failed")
                continue
            for room_id, connections in list(self.rooms.items()):
                count = max(totals.get(str(room_id), 0), self.local_count(room_id))
                if self.presence.get(room_id) != count:
                    self.presence[room_id] = count
                    text = PreparedText(f'{{"type": "presence", "count": {count}}}')
                    for connection in tuple(connections):
                        connection.offer(None, text)
