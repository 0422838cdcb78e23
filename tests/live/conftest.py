"""A real uvicorn server running the app in the test's event loop, and WebSocket clients that log in with a
real session cookie, as a browser would."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import uvicorn
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import ClientConnection, connect

from emicronora.accounts import sessions as login_sessions
from emicronora.app import create_app
from emicronora.models import Session, User
from emicronora.settings import Settings


@dataclass
class LiveServer:
    base: str
    server: uvicorn.Server
    task: asyncio.Task[None]

    @property
    def ws_base(self) -> str:
        return self.base.replace("http://", "ws://")

    @property
    def origin(self) -> str:
        return self.base


async def start_server(settings: Settings, **config_options: Any) -> LiveServer:
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=0,
        ws="emicronora.live.wire:RoomSocketProtocol",
        lifespan="on",
        log_level="warning",
        ws_max_size=64 * 1024,
        **config_options,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return LiveServer(f"http://127.0.0.1:{port}", server, task)


async def stop_server(live: LiveServer) -> None:
    live.server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.wait_for(live.task, timeout=10)


@pytest.fixture
async def live_server(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[LiveServer]:
    live = await start_server(replace(settings, site_url="http://127.0.0.1:1"))
    yield live
    await stop_server(live)


async def make_live(sessionmaker: async_sessionmaker[AsyncSession], session_id: int) -> None:
    """Rooms take posts while their session runs: move it around now."""
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session)
            .where(Session.id == session_id)
            .values(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=50))
        )


@pytest.fixture
def session_cookie(sessionmaker: async_sessionmaker[AsyncSession]) -> Callable[[User], Awaitable[str]]:
    async def make(user: User) -> str:
        async with sessionmaker() as db, db.begin():
            token = await login_sessions.open_session(db, user, "127.0.0.1", "tests", datetime.now(UTC))
        return f"{login_sessions.SESSION_COOKIE}={token}"

    return make


class RoomClient:
    """A room socket with helpers to wait for a given message."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self.seen: list[dict[str, Any]] = []

    async def send(self, **message: Any) -> None:
        await self.socket.send(json.dumps(message))

    async def next(self, within: float = 5.0, *, presence: bool = False) -> dict[str, Any]:
        """The next message; presence counts (sent every few seconds) are skipped unless asked for."""
        async with asyncio.timeout(within):
            while True:
                message = json.loads(await self.socket.recv())
                self.seen.append(message)
                if presence or message.get("type") != "presence":
                    return message

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 5.0
    ) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                message = await self.next(within)
                if predicate(message):
                    return message

    async def close(self) -> None:
        await self.socket.close()


def event_of(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda message: message.get("type") == "event" and message["event"]["type"] == kind


@pytest.fixture
async def open_room(live_server: LiveServer) -> AsyncIterator[Callable[..., Awaitable[RoomClient]]]:
    opened: list[RoomClient] = []

    async def open_(
        session_id: int,
        cookie: str,
        *,
        after: int | None = None,
        server: LiveServer | None = None,
        origin: str | None = None,
        **connect_options: Any,
    ) -> RoomClient:
        target = server or live_server
        url = f"{target.ws_base}/ws/rooms/{session_id}" + (f"?after={after}" if after is not None else "")
        socket = await connect(
            url, additional_headers={"Cookie": cookie, "Origin": origin or target.origin}, **connect_options
        )
        client = RoomClient(socket)
        opened.append(client)
        return client

    yield open_
    for client in opened:
        with contextlib.suppress(Exception):
            await client.close()


@pytest.fixture
async def room(make_programme, make_user, session_cookie, sessionmaker):
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    ada = await make_user("ada@example.org", name="Ada")
    bob = await make_user("bob@example.org", name="Bob")
    org = await make_user("org@example.org", name="Olga", organiser=True)
    return {
        "id": programme["welding"].id,
        "ada": ada,
        "bob": bob,
        "org": org,
        "ada_cookie": await session_cookie(ada),
        "bob_cookie": await session_cookie(bob),
        "org_cookie": await session_cookie(org),
    }


async def joined(open_room, session_id: int, cookie: str, **kwargs):
    client = await open_room(session_id, cookie, **kwargs)
    welcome = await client.next()
    assert welcome["type"] == "welcome"
    if not welcome["resumed"]:
        snapshot = await client.next()
        assert snapshot["type"] == "snapshot"
    return client
