"""A socket whose peer stops reading and answering pings is cut off, even with a full buffer."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import replace

from websockets.asyncio.client import connect
from websockets.client import ClientProtocol
from websockets.typing import Origin
from websockets.uri import parse_uri

from emicronora.live.hub import RoomHub
from emicronora.models import ChatMessage
from tests.live.conftest import LiveServer, RoomClient, make_live, start_server, stop_server


async def until(condition: Callable[[], bool], within: float) -> bool:
    for _ in range(round(within / 0.05)):
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def open_stuck_socket(live: LiveServer, session_id: int, cookie: str) -> socket.socket:
    """Opens a room socket, reads the handshake's answer, and never reads again (a frozen phone)."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    host, port = live.base.removeprefix("http://").split(":")
    await loop.sock_connect(sock, (host, int(port)))
    client = ClientProtocol(parse_uri(f"{live.ws_base}/ws/rooms/{session_id}"), origin=Origin(live.origin))
    request = client.connect()
    request.headers["Cookie"] = cookie
    client.send_request(request)
    await loop.sock_sendall(sock, b"".join(client.data_to_send()))
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += await loop.sock_recv(sock, 1)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return sock


async def test_a_peer_that_stops_reading_leaves_the_room_after_its_ping_timeout(
    settings, sessionmaker, make_programme, make_user, session_cookie
) -> None:
    programme = await make_programme()
    room_id = programme["welding"].id
    await make_live(sessionmaker, room_id)
    ada = await make_user("ada@example.org", name="Ada")
    bob = await make_user("bob@example.org", name="Bob")
    # A long history: the snapshot on arrival (400 kB) is far more than Ada's window takes.
    async with sessionmaker() as db, db.begin():
        db.add_all(
            ChatMessage(session_id=room_id, user_id=bob.id, body=f"{n} " + "µ" * 2_000) for n in range(100)
        )
    live = await start_server(
        replace(settings, site_url="http://127.0.0.1:1"), ws_ping_interval=1.0, ws_ping_timeout=1.0
    )
    stuck = None
    try:
        hub: RoomHub = live.server.lifespan.state["hub"]
        stuck = await open_stuck_socket(live, room_id, await session_cookie(ada))
        assert await until(lambda: hub.local_count(room_id) == 1, within=5)
        (server_side,) = live.server.server_state.connections
        # The server's socket buffer is cut below what it already holds: what Bob says next waits in the
        # server's own buffer for Ada, as it would behind a slow network, whatever the kernel's sizes.
        server_side.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        async with connect(
            f"{live.ws_base}/ws/rooms/{room_id}",
            additional_headers={"Cookie": await session_cookie(bob), "Origin": live.origin},
        ) as socket_of_bob:
            bob_in_room = RoomClient(socket_of_bob)
            for number in range(5):
                body = f"{number} " + "x" * 1990
                await bob_in_room.send(type="chat.post", client_id=f"b{number}", body=body)
            assert await until(lambda: server_side.transport.get_write_buffer_size() > 0, within=5)
            # Ada's phone never answers the next ping: she leaves the room, Bob stays.
            assert await until(lambda: hub.local_count(room_id) == 1 and server_side.disconnected, within=10)
            assert [c.user_id for c in hub.rooms[room_id]] == [bob.id]
    finally:
        if stuck is not None:
            stuck.close()
        await stop_server(live)
