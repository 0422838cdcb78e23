"""The fan-out layer: in-process delivery, and Redis delivery across two workers that survives killed and
silently dead connections. The Redis tests use the real server (EMICRONORA_TEST_REDIS_URL, by default
127.0.0.1:6379) with a channel prefix of their own; without Redis they skip, except in CI where they fail."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from emicronora.live.broadcast import (
    MemoryBroadcast,
    MemoryHub,
    RedisBroadcast,
    create_broadcast,
)

REDIS_URL = os.environ.get("EMICRONORA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"
WAIT = 3.0  # seconds a test waits for a delivery before it fails


class Recorder:
    """The subscriber side of a test: records messages and reconnect notices in the order they came."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self._changed = asyncio.Event()

    @property
    def messages(self) -> list[str]:
        return [event for event in self.events if event != "<reconnect>"]

    @property
    def reconnects(self) -> int:
        return self.events.count("<reconnect>")

    async def on_message(self, message: str) -> None:
        self.events.append(message)
        self._changed.set()

    async def on_reconnect(self) -> None:
        self.events.append("<reconnect>")
        self._changed.set()

    async def wait_until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(WAIT):
            while not condition():
                self._changed.clear()
                await self._changed.wait()


def other_tasks() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- memory ---------------------------------------------------------------------------------------------


async def test_memory_delivers_to_all_subscribers_in_order() -> None:
    hub = MemoryHub()
    workers = [MemoryBroadcast(hub) for _ in range(3)]
    recorders = [Recorder() for _ in workers]
    for worker, recorder in zip(workers, recorders, strict=True):
        await worker.start(recorder.on_message, recorder.on_reconnect)
    expected = [f"{name}{i}" for i in range(50) for name in ("a", "b")]
    for message in expected:
        assert await workers[0 if message[0] == "a" else 1].publish(message) is True
    for recorder in recorders:
        await recorder.wait_until(lambda r=recorder: len(r.events) == len(expected))
        assert recorder.events == expected
    for worker in workers:
        await worker.stop()


async def test_memory_slow_subscriber_does_not_block_publisher() -> None:
    hub = MemoryHub()
    slow, fast = MemoryBroadcast(hub), MemoryBroadcast(hub)
    release = asyncio.Event()
    fast_recorder = Recorder()

    async def stuck(message: str) -> None:
        await release.wait()

    await slow.start(stuck, fast_recorder.on_reconnect)
    await fast.start(fast_recorder.on_message, fast_recorder.on_reconnect)
    async with asyncio.timeout(1):
        for i in range(5):
            await slow.publish(str(i))
    await fast_recorder.wait_until(lambda: len(fast_recorder.events) == 5)
    release.set()
    await slow.stop()
    await fast.stop()


async def test_memory_overflowing_backlog_drops_then_asks_for_refill() -> None:
    broadcast = MemoryBroadcast(max_pending=3)
    recorder = Recorder()
    busy, release = asyncio.Event(), asyncio.Event()

    async def slow_then_record(message: str) -> None:
        busy.set()
        await release.wait()
        await recorder.on_message(message)

    await broadcast.start(slow_then_record, recorder.on_reconnect)
    await broadcast.publish("0")
    await busy.wait()
    for i in range(1, 10):
        await broadcast.publish(str(i))
    release.set()
    await recorder.wait_until(lambda: len(recorder.events) == 4)
    await broadcast.publish("10")
    await recorder.wait_until(lambda: len(recorder.events) == 6)
    # 0 was being handled, 1-3 waited, 4-9 were dropped: the refill notice comes before 10.
    assert recorder.events == ["0", "1", "2", "3", "<reconnect>", "10"]
    await broadcast.stop()


async def test_memory_failing_handler_does_not_stop_delivery(caplog: pytest.LogCaptureFixture) -> None:
    broadcast = MemoryBroadcast()
    recorder = Recorder()

    async def picky(message: str) -> None:
        if message == "bad":
            raise ValueError("cannot parse")
        await recorder.on_message(message)

    await broadcast.start(picky, recorder.on_reconnect)
    for message in ("one", "bad", "two"):
        await broadcast.publish(message)
    await recorder.wait_until(lambda: len(recorder.events) == 2)
    assert recorder.events == ["one", "two"]
    assert "message handler failed" in caplog.text
    await broadcast.stop()


async def test_memory_presence_sums_members_and_forgets_stopped_ones() -> None:
    hub = MemoryHub()
    first, second = MemoryBroadcast(hub), MemoryBroadcast(hub)
    await first.set_local_presence({"1": 2, "2": 0})
    await second.set_local_presence({"1": 1, "3": 4})
    assert await first.presence() == {"1": 3, "3": 4}
    await second.stop()
    assert await first.presence() == {"1": 2}


async def test_memory_stop_leaves_no_tasks() -> None:
    before = other_tasks()
    broadcast = MemoryBroadcast()
    recorder = Recorder()
    await broadcast.start(recorder.on_message, recorder.on_reconnect)
    await broadcast.publish("x")
    await recorder.wait_until(lambda: recorder.events == ["x"])
    await broadcast.stop()
    await broadcast.stop()
    assert await broadcast.publish("late") is False
    assert other_tasks() == before


# --- create_broadcast ----------------------------------------------------------------------------------


def test_create_broadcast_picks_the_backend_from_the_scheme() -> None:
    assert isinstance(create_broadcast("memory://"), MemoryBroadcast)
    redis = create_broadcast("redis://127.0.0.1:6379/0", worker_id="w1", channel="site-a:events")
    assert isinstance(redis, RedisBroadcast)
    assert redis.presence_key == "site-a:presence:w1"
    assert redis.client_name("sub") == "site-a:w1:sub"
    assert isinstance(create_broadcast("rediss://cache.example:6380/0"), RedisBroadcast)


def test_create_broadcast_refuses_kafka() -> None:
    with pytest.raises(ValueError, match=r"unsupported broadcast URL 'kafka://x'.*memory://.*redis://"):
        create_broadcast("kafka://x")


def test_create_broadcast_error_hides_the_password() -> None:
    with pytest.raises(ValueError) as refused:
        create_broadcast("amqp://guest:s3cret@broker:5672/")
    assert "s3cret" not in str(refused.value)
    assert "amqp://broker:5672/" in str(refused.value)


# --- redis -----------------------------------------------------------------------------------------------


@pytest.fixture
async def admin() -> AsyncIterator[Redis]:
    """A plain client for what the tests do behind the broadcast's back (CLIENT KILL, reading keys)."""
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} and CI=true: {error}")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    yield client
    await client.aclose()


@pytest.fixture
def channel() -> str:
    return f"emicronora-test-{uuid.uuid4().hex}:events"


@pytest.fixture
async def worker(admin: Redis, channel: str) -> AsyncIterator[Callable[..., RedisBroadcast]]:
    """Builds RedisBroadcast workers on this test's channel and stops them all afterwards."""
    made: list[RedisBroadcast] = []

    def make(url: str = REDIS_URL, **options: Any) -> RedisBroadcast:
        made.append(RedisBroadcast(url, channel=channel, **options))
        return made[-1]

    yield make
    for broadcast in made:
        await broadcast.stop()
    prefix = channel.rpartition(":")[0]
    leftovers = [key async for key in admin.scan_iter(match=f"{prefix}:*")]
    if leftovers:
        await admin.delete(*leftovers)


async def started(broadcast: RedisBroadcast) -> Recorder:
    recorder = Recorder()
    await broadcast.start(recorder.on_message, recorder.on_reconnect)
    return recorder


async def connection_id(admin: Redis, name: str) -> str:
    ids = [client["id"] for client in await admin.client_list() if client.get("name") == name]
    assert len(ids) == 1, f"expected one connection named {name!r}, found {len(ids)}"
    return ids[0]


async def test_redis_delivers_to_every_worker_including_the_publisher(
    worker: Callable[..., RedisBroadcast],
) -> None:
    a, b = worker(), worker()
    got_a, got_b = await started(a), await started(b)
    assert await a.publish("hello") is True
    assert await b.publish("world") is True
    for recorder in (got_a, got_b):
        await recorder.wait_until(lambda r=recorder: len(r.events) == 2)
        assert recorder.events == ["hello", "world"]


async def test_redis_preserves_order_of_200_messages(worker: Callable[..., RedisBroadcast]) -> None:
    a, b = worker(), worker()
    got_a, got_b = await started(a), await started(b)
    expected = [f'{{"seq": {i}}}' for i in range(200)]
    for message in expected:
        assert await a.publish(message) is True
    for recorder in (got_a, got_b):
        await recorder.wait_until(lambda r=recorder: len(r.events) == 200)
        assert recorder.events == expected


async def test_redis_resubscribes_after_subscriber_connection_killed(
    admin: Redis, worker: Callable[..., RedisBroadcast], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="emicronora.live")
    a, b = worker(), worker()
    got_a = await started(a)
    await b.publish("before")
    await got_a.wait_until(lambda: got_a.events == ["before"])

    killed = await connection_id(admin, a.client_name("sub"))
    await admin.execute_command("CLIENT", "KILL", "ID", killed)
    await got_a.wait_until(lambda: got_a.reconnects == 1)
    assert await connection_id(admin, a.client_name("sub")) != killed

    await b.publish("after")
    await got_a.wait_until(lambda: len(got_a.events) == 3)
    assert got_a.events == ["before", "<reconnect>", "after"]
    assert "subscription to" in caplog.text and "lost" in caplog.text
    assert "subscribed to" in caplog.text and "again after" in caplog.text


async def test_redis_publish_recovers_after_publisher_connection_killed(
    admin: Redis, worker: Callable[..., RedisBroadcast]
) -> None:
    a, b = worker(), worker()
    got_b = await started(b)
    assert await a.publish("before") is True
    await admin.execute_command("CLIENT", "KILL", "ID", await connection_id(admin, a.client_name("pub")))
    assert await a.publish("after") is True
    await got_b.wait_until(lambda: len(got_b.events) == 2)
    assert got_b.events == ["before", "after"]


async def test_redis_notices_a_silently_dead_connection(
    admin: Redis, worker: Callable[..., RedisBroadcast]
) -> None:
    target = urlsplit(REDIS_URL)
    async with FreezingProxy(target.hostname or "127.0.0.1", target.port or 6379) as proxy:
        proxied_url = f"redis://127.0.0.1:{proxy.port}{target.path}"
        behind_proxy = worker(proxied_url, ping_interval=0.2, ping_timeout=0.3)
        direct = worker()
        got = await started(behind_proxy)
        proxy.freeze()
        await got.wait_until(lambda: got.reconnects == 1)
        await direct.publish("after")
        await got.wait_until(lambda: got.events == ["<reconnect>", "after"])
        await behind_proxy.stop()


async def test_redis_recovers_from_an_outage_without_busy_looping(
    admin: Redis, worker: Callable[..., RedisBroadcast], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="emicronora.live")
    target = urlsplit(REDIS_URL)
    async with FreezingProxy(target.hostname or "127.0.0.1", target.port or 6379) as proxy:
        behind_proxy = worker(f"redis://127.0.0.1:{proxy.port}{target.path}", backoff_start=0.05)
        direct = worker()
        got = await started(behind_proxy)
        await direct.publish("before")
        await got.wait_until(lambda: got.events == ["before"])

        proxy.go_down()
        accepted_before = proxy.accepted
        assert await behind_proxy.publish("during") is False
        await asyncio.sleep(0.6)
        # Back-off from 0.05 s doubling: a handful of attempts in 0.6 s, not hundreds.
        assert 2 <= proxy.accepted - accepted_before <= 12
        proxy.come_back()

        await got.wait_until(lambda: got.reconnects == 1)
        assert await behind_proxy.publish("after") is True
        await got.wait_until(lambda: got.events == ["before", "<reconnect>", "after"])
        await behind_proxy.stop()
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "emicronora.live"]
    assert [level for level, _ in logged] == ["WARNING", "WARNING", "INFO", "INFO"]
    assert "subscription to" in logged[0][1] + logged[1][1]
    assert "publishing failed" in logged[0][1] + logged[1][1]
    assert "publishing works again" in logged[3][1]


async def test_redis_publish_returns_false_when_redis_is_down(caplog: pytest.LogCaptureFixture) -> None:
    channel = f"emicronora-test-{uuid.uuid4().hex}:events"
    down = RedisBroadcast(f"redis://127.0.0.1:{unused_port()}/0", channel=channel)
    try:
        assert await down.publish("lost") is False
        assert await down.publish("lost too") is False
    finally:
        await down.stop()
    warnings = [r for r in caplog.records if r.name == "emicronora.live" and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "publishing failed" in warnings[0].getMessage()


async def test_redis_start_while_redis_is_down_keeps_trying_and_stops_cleanly() -> None:
    before = other_tasks()
    down = RedisBroadcast(
        f"redis://127.0.0.1:{unused_port()}/0",
        channel=f"emicronora-test-{uuid.uuid4().hex}:events",
        backoff_start=0.01,
    )
    recorder = Recorder()
    try:
        async with asyncio.timeout(2):
            await down.start(recorder.on_message, recorder.on_reconnect)
        await asyncio.sleep(0.1)  # let it fail and back off a few times
        await down.set_local_presence({"1": 1})
        # Unreachable Redis: the worker's own counts, rather than nothing.
        assert await down.presence() == {"1": 1}
    finally:
        await down.stop()
    assert other_tasks() == before
    assert recorder.events == []


async def test_redis_presence_sums_workers_and_drops_an_expired_one(
    admin: Redis, worker: Callable[..., RedisBroadcast]
) -> None:
    lasting, dying = worker(presence_ttl=10.0), worker(presence_ttl=0.3)
    await lasting.set_local_presence({"1": 2, "2": 1})
    await dying.set_local_presence({"1": 3, "4": 0})
    assert await lasting.presence() == {"1": 5, "2": 1}
    assert await admin.hgetall(dying.presence_key) == {"1": "3"}

    await lasting.set_local_presence({"2": 1})  # left room 1: replaced, not merged
    assert await dying.presence() == {"1": 3, "2": 1}
    await asyncio.sleep(0.5)  # the dying worker stops refreshing, as a killed one would
    assert await dying.presence() == {"2": 1}


async def test_redis_stop_leaves_no_tasks_connections_or_presence(
    admin: Redis, worker: Callable[..., RedisBroadcast]
) -> None:
    before = other_tasks()
    broadcast = worker()
    recorder = await started(broadcast)
    await broadcast.set_local_presence({"7": 1})
    await broadcast.publish("x")
    await recorder.wait_until(lambda: recorder.events == ["x"])
    await broadcast.stop()
    await broadcast.stop()
    assert await broadcast.publish("late") is False
    assert other_tasks() == before
    assert await admin.exists(broadcast.presence_key) == 0
    names = {client.get("name") for client in await admin.client_list()}
    assert not names & {broadcast.client_name("pub"), broadcast.client_name("sub")}


# --- a network path that dies without a word --------------------------------------------------------------


@dataclass
class _Link:
    frozen: bool = False


class FreezingProxy:
    """A TCP relay to Redis whose open connections can be frozen: bytes stop flowing both ways while every
    socket stays open, as when a NAT or firewall silently forgets a path. Later connections flow normally."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._links: list[_Link] = []
        self._pumps: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.down = False
        self.accepted = 0

    async def __aenter__(self) -> FreezingProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port: int = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for pump in self._pumps:
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)
        for writer in self._writers:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for w in self._writers), return_exceptions=True)
        await self._server.wait_closed()

    def freeze(self) -> None:
        for link in self._links:
            link.frozen = True

    def go_down(self) -> None:
        """Like a Redis restart: every connection is closed and new ones are dropped until come_back()."""
        self.down = True
        for writer in self._writers:
            writer.close()

    def come_back(self) -> None:
        self.down = False

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.down:
            client_writer.close()
            await client_writer.wait_closed()
            return
        server_reader, server_writer = await asyncio.open_connection(*self._target)
        link = _Link()
        self._links.append(link)
        self._writers += [client_writer, server_writer]
        for source, sink in ((client_reader, server_writer), (server_reader, client_writer)):
            self._pumps.add(asyncio.create_task(self._pump(source, sink, link)))

    @staticmethod
    async def _pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter, link: _Link) -> None:
        try:
            while data := await source.read(65536):
                if not link.frozen:
                    sink.write(data)
                    await sink.drain()
        except OSError:
            pass
        sink.close()
