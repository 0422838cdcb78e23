"""Two app instances (two workers) sharing the database and a real Redis: every message reaches the clients
of both, and a killed Redis connection loses nothing."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.live.conftest import LiveServer, event_of, make_live, start_server, stop_server

REDIS_URL = "redis://127.0.0.1:6379/0"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
async def redis_admin() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and CI=true: {error!r}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error!r}")
    yield client
    await client.aclose()


@pytest.fixture
async def two_workers(
    settings, sessionmaker, redis_admin
) -> AsyncIterator[tuple[LiveServer, LiveServer, str]]:
    prefix = f"emicronora-test-{uuid.uuid4().hex}"
    shared = replace(
        settings, site_url="http://127.0.0.1:1", broadcast_url=REDIS_URL, broadcast_channel=f"{prefix}:events"
    )
    first = await start_server(shared)
    second = await start_server(shared)
    yield first, second, prefix
    await stop_server(first)
    await stop_server(second)


async def test_messages_reach_clients_of_both_workers_and_survive_a_killed_redis_connection(
    two_workers, make_programme, make_user, session_cookie, open_room, redis_admin, sessionmaker
) -> None:
    first, second, prefix = two_workers
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    ada = await make_user("ada@example.org", name="Ada")
    bob = await make_user("bob@example.org", name="Bob")
    room_id = programme["welding"].id
    on_first = await open_room(room_id, await session_cookie(ada), server=first)
    on_second = await open_room(room_id, await session_cookie(bob), server=second)
    for client in (on_first, on_second):
        assert (await client.next())["type"] == "welcome"
        assert (await client.next())["type"] == "snapshot"

    await on_first.send(type="chat.post", client_id="1", body="from worker one")
    await on_second.send(type="chat.post", client_id="2", body="from worker two")
    for client in (on_first, on_second):
        bodies = {
            (await client.wait_for(event_of("chat.message")))["event"]["message"]["body"] for _ in range(2)
        }
        assert bodies == {"from worker one", "from worker two"}

    # Kill every subscriber connection of this test's workers, then keep posting while they reconnect.
    clients = await redis_admin.client_list()
    killed = [c for c in clients if c.get("name", "").startswith(prefix) and c["name"].endswith(":sub")]
    assert len(killed) == 2
    for connection in killed:
        await redis_admin.client_kill_filter(_id=connection["id"])
    for i in range(4):
        await on_first.send(type="chat.post", client_id=f"during-{i}", body=f"during {i}")
        await asyncio.sleep(0.05)

    received = []
    async with asyncio.timeout(15):
        while len(received) < 4:
            message = await on_second.wait_for(event_of("chat.message"), within=15)
            received.append((message["seq"], message["event"]["message"]["body"]))
    assert [body for _seq, body in received] == [f"during {i}" for i in range(4)]
    seqs = [seq for seq, _body in received]
    assert seqs == sorted(set(seqs))  # in order, none twice
