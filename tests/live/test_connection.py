"""A room connection's outgoing path: sent at once while the socket keeps up, queued behind a slow one."""

from __future__ import annotations

import asyncio
import contextlib

from emicronora.live.hub import Connection


class Socket:
    """A socket whose send waits while `open` is cleared, like a client whose buffer is full."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.open = asyncio.Event()
        self.open.set()
        self.broken = False

    async def send_text(self, text: str) -> None:
        await self.open.wait()
        if self.broken:
            raise ConnectionResetError
        self.sent.append(text)


async def writing(connection: Connection, socket: Socket, last_sent: int = 0) -> asyncio.Task[None]:
    writer = asyncio.create_task(connection.write(socket.send_text, last_sent))
    await asyncio.sleep(0)
    return writer


async def stop(writer: asyncio.Task[None]) -> None:
    writer.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await writer


async def settle(socket: Socket, count: int) -> None:
    for _ in range(100):
        if len(socket.sent) >= count:
            return
        await asyncio.sleep(0)


async def test_what_was_offered_before_the_welcome_follows_it_without_repeating_it() -> None:
    connection = Connection(user_id=1, is_moderator=False)
    socket = Socket()
    connection.offer(4, "event 4")
    connection.offer(5, "event 5")
    connection.offer(None, "presence")
    writer = await writing(connection, socket, last_sent=4)  # the welcome's snapshot included event 4
    await settle(socket, 2)
    assert socket.sent == ["event 5", "presence"]
    await stop(writer)


async def test_a_socket_that_keeps_up_gets_each_event_once_in_order_within_the_fan_out() -> None:
    connection = Connection(user_id=1, is_moderator=False)
    socket = Socket()
    writer = await writing(connection, socket)
    connection.offer(1, "event 1")
    connection.offer(2, "event 2")
    connection.offer(1, "event 1")  # a second copy (through another worker, or a gap refill)
    connection.offer(None, "ack")
    # No turn of the event loop in between: sent by the offer itself.
    assert socket.sent == ["event 1", "event 2", "ack"]
    assert connection.pending() == []
    await stop(writer)


async def test_a_slow_socket_never_holds_up_the_fan_out_and_its_events_keep_their_order() -> None:
    connection = Connection(user_id=1, is_moderator=False)
    socket = Socket()
    writer = await writing(connection, socket)
    connection.offer(1, "event 1")
    socket.open.clear()
    connection.offer(2, "event 2")  # returns although the send waits
    connection.offer(3, "event 3")
    connection.offer(3, "event 3")
    connection.offer(None, "ack")
    assert socket.sent == ["event 1"]
    assert len(connection.pending()) == 4
    socket.open.set()
    await settle(socket, 4)
    assert socket.sent == ["event 1", "event 2", "event 3", "ack"]
    for _ in range(5):
        await asyncio.sleep(0)
    connection.offer(4, "event 4")  # caught up: straight out again
    assert socket.sent[-1] == "event 4"
    await stop(writer)


async def test_a_slow_socket_that_stops_reading_is_closed_after_its_queue_fills() -> None:
    connection = Connection(user_id=1, is_moderator=False, queue_size=3)
    socket = Socket()
    writer = await writing(connection, socket)
    socket.open.clear()
    for seq in range(1, 6):
        connection.offer(seq, f"event {seq}")
    assert connection.dropped
    socket.open.set()
    await asyncio.wait_for(writer, 5)  # the writer returns: the caller closes the socket
    # The close took the last place; the client resumes from event 2 on its next connection.
    assert socket.sent == ["event 1", "event 2"]


async def test_a_socket_that_fails_during_the_fan_out_is_dropped() -> None:
    connection = Connection(user_id=1, is_moderator=False)
    socket = Socket()
    writer = await writing(connection, socket)
    socket.broken = True
    connection.offer(1, "event 1")
    assert connection.dropped
    await asyncio.wait_for(writer, 5)
    connection.offer(2, "event 2")
    assert socket.sent == []
