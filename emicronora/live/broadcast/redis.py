"""Fan-out across workers and hosts through Redis pub/sub (``redis://`` and ``rediss://``).

Written on ``redis.asyncio`` directly because a live event cannot afford a subscription that silently stays
dead: the subscriber owns its reconnection (back-off with jitter, resubscribe, then tell the caller to fill
the gap from its database) and notices a connection that died without a word by pinging it.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import socket
import time
from collections.abc import Mapping
from typing import cast

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import EqualJitterBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.typing import EncodableT

from emicronora.live.broadcast.base import (
    DEFAULT_MAX_PENDING,
    Broadcast,
    Delivery,
    MessageHandler,
    ReconnectHandler,
    cancel_and_wait,
    logger,
)

# OSError covers what the socket layer raises before redis-py wraps it (a refused or reset connection) and
# the TimeoutError of asyncio.timeout().
_TRANSPORT_ERRORS = (RedisError, OSError)


def default_worker_id() -> str:
    """Readable in CLIENT LIST and in the presence keys, and unique even when a host restarts a worker."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


def key_prefix(channel: str) -> str:
    """``emicronora:events`` -> ``emicronora``: every key and client name of a site shares its channel's
    prefix, so several sites or test runs can share one Redis."""
    return channel.rpartition(":")[0] or channel


def _describe(error: BaseException) -> str:
    """``ConnectionError: Connection closed by server.``: what happened, in one line of the log."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _glob_escape(text: str) -> str:
    return "".join("\\" + char if char in "\\*?[]" else char for char in text)


def _report_crash(task: asyncio.Task[None]) -> None:
    """Transport errors never end the subscriber; anything else is a bug that would silently leave this
    worker deaf, so it is logged loudly."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("live: the Redis subscriber stopped on an unexpected error", exc_info=task.exception())


class _OutageLog:
    """Reports an operation that keeps failing once at warning and its recovery once at info, so that a
    Redis outage during a busy chat leaves two log lines rather than one per message."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._since: float | None = None

    def failed(self, error: BaseException) -> None:
        if self._since is None:
            self._since = time.monotonic()
            logger.warning("live: %s failed, Redis unreachable (%s)", self._what, _describe(error))
        else:
            logger.debug("live: %s still failing (%s)", self._what, _describe(error))

    def succeeded(self) -> None:
        if self._since is not None:
            logger.info("live: %s works again after %.1f s", self._what, time.monotonic() - self._since)
            self._since = None


class RedisBroadcast(Broadcast):
    """One worker's side of the site channel: a publisher client (pooled, retried by redis-py) and a
    subscriber task on a connection of its own.

    Presence lives in one hash per worker, ``<prefix>:presence:<worker_id>``, expiring ``presence_ttl``
    seconds after its last refresh, so the counts of a killed worker vanish on their own.
    """

    def __init__(
        self,
        url: str,
        *,
        worker_id: str | None = None,
        channel: str = "emicronora:events",
        presence_ttl: float = 15.0,
        ping_interval: float = 5.0,
        ping_timeout: float = 5.0,
        command_timeout: float = 2.0,
        backoff_start: float = 0.1,
        backoff_cap: float = 5.0,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        self.worker_id = worker_id or default_worker_id()
        self.channel = channel
        self.prefix = key_prefix(channel)
        self.presence_key = f"{self.prefix}:presence:{self.worker_id}"
        self._presence_ttl = presence_ttl
        self._ping_interval = ping_interval
        self._ping_timeout = ping_timeout
        self._command_timeout = command_timeout
        self._backoff_start = backoff_start
        self._backoff_cap = backoff_cap
        self._max_pending = max_pending
        # One quick retry on a fresh connection lets a publish survive a pooled connection that Redis
        # dropped (restart, CLIENT KILL, idle timeout); more would only delay every chat message while Redis
        # is really down.
        self._publisher = Redis.from_url(
            url,
            client_name=self.client_name("pub"),
            retry=Retry(EqualJitterBackoff(cap=0.5, base=0.05), retries=1),
            # redis-py 5 retries only the errors listed here, whatever the Retry object says.
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
            decode_responses=True,
            socket_timeout=command_timeout,
            socket_connect_timeout=command_timeout,
        )
        # No retries here at all: redis-py would otherwise reconnect and resubscribe behind our back and the
        # caller would never learn that messages were missed in between.
        self._subscriber = Redis.from_url(
            url,
            client_name=self.client_name("sub"),
            retry=Retry(NoBackoff(), 0, supported_errors=()),
            decode_responses=True,
            socket_timeout=command_timeout,
            socket_connect_timeout=command_timeout,
        )
        self._counts: dict[str, int] = {}
        self._publish_outage = _OutageLog("publishing")
        self._presence_write_outage = _OutageLog("writing presence")
        self._presence_read_outage = _OutageLog("reading presence")
        self._delivery: Delivery | None = None
        self._task: asyncio.Task[None] | None = None
        self._first_attempt_done = asyncio.Event()
        self._stopped = False

    def client_name(self, role: str) -> str:
        """The CLIENT SETNAME of this worker's connections; Redis refuses spaces in it."""
        return "".join("_" if char.isspace() else char for char in f"{self.prefix}:{self.worker_id}:{role}")

    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        """Returns once the first subscription attempt is over. If Redis is down then, the worker still
        starts (pages and the database work without it) and subscribes in the background; ``on_reconnect``
        follows as soon as it succeeds."""
        if self._stopped:
            raise RuntimeError("this broadcast was stopped")
        if self._task is not None:
            raise RuntimeError("this broadcast is already started")
        self._delivery = Delivery(
            on_message,
            on_reconnect,
            name=f"emicronora.live delivery {self.worker_id}",
            max_pending=self._max_pending,
        )
        self._task = asyncio.create_task(
            self._subscribe_forever(self._delivery), name=f"emicronora.live subscriber {self.worker_id}"
        )
        self._task.add_done_callback(_report_crash)
        waiter = asyncio.create_task(self._first_attempt_done.wait())
        try:
            await asyncio.wait({self._task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait(waiter)
        if self._task.done():
            # Only a bug ends the subscriber this early; surface it at start-up rather than later.
            self._task.result()

    async def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._task is not None:
            await cancel_and_wait(self._task)
        if self._delivery is not None:
            await self._delivery.close()
        # A clean shutdown removes this worker's presence at once instead of after the expiry.
        try:
            async with asyncio.timeout(self._command_timeout):
                await self._publisher.delete(self.presence_key)
        except _TRANSPORT_ERRORS:
            pass  # it expires on its own
        await self._subscriber.aclose()
        await self._publisher.aclose()

    async def publish(self, message: str) -> bool:
        if self._stopped:
            # A request finishing during shutdown: the event is stored, and the clients are closed.
            return False
        try:
            await self._publisher.publish(self.channel, message)
        except _TRANSPORT_ERRORS as error:
            self._publish_outage.failed(error)
            return False
        self._publish_outage.succeeded()
        return True

    async def set_local_presence(self, counts: Mapping[str, int]) -> None:
        """Failures are logged, not raised: the next call (a few seconds later) writes everything again."""
        self._counts = {room: count for room, count in counts.items() if count > 0}
        if self._stopped:
            return
        try:
            async with self._publisher.pipeline(transaction=True) as pipe:
                # Replace rather than merge so that rooms this worker left drop out; MULTI hides the gap.
                pipe.delete(self.presence_key)
                if self._counts:
                    pipe.hset(
                        self.presence_key, mapping=cast("Mapping[EncodableT, EncodableT]", self._counts)
                    )
                    pipe.pexpire(self.presence_key, max(1, round(self._presence_ttl * 1000)))
                await pipe.execute()
        except _TRANSPORT_ERRORS as error:
            self._presence_write_outage.failed(error)
            return
        self._presence_write_outage.succeeded()

    async def presence(self) -> dict[str, int]:
        """While Redis is unreachable the answer is this worker's own counts: less than the truth, never
        stale numbers of workers that may have gone."""
        pattern = f"{_glob_escape(self.prefix)}:presence:*"
        try:
            keys = [key async for key in self._publisher.scan_iter(match=pattern, count=1000)]
            async with self._publisher.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.hgetall(key)
                hashes: list[dict[str, str]] = await pipe.execute()
        except _TRANSPORT_ERRORS as error:
            self._presence_read_outage.failed(error)
            return dict(self._counts)
        self._presence_read_outage.succeeded()
        totals: dict[str, int] = {}
        for counts in hashes:
            for room, count in counts.items():
                totals[room] = totals.get(room, 0) + int(count)
        return {room: count for room, count in totals.items() if count > 0}

    async def _subscribe_forever(self, delivery: Delivery) -> None:
        loop = asyncio.get_running_loop()
        lost_at: float | None = None
        failures = 0
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await self._subscribe(pubsub)
                if lost_at is not None:
                    logger.info(
                        "live: subscribed to %s again after %.1f s (%d failed attempts); refilling from the "
                        "database",
                        self.channel,
                        loop.time() - lost_at,
                        failures,
                    )
                    delivery.gap()
                lost_at, failures = None, 0
                self._first_attempt_done.set()
                await self._listen(pubsub, delivery)
            except _TRANSPORT_ERRORS as error:
                failures += 1
                what = _describe(error)
                if lost_at is None:
                    lost_at = loop.time()
                    logger.warning(
                        "live: subscription to %s lost or refused (%s); reconnecting", self.channel, what
                    )
                else:
                    logger.debug("live: resubscribing to %s failed again (%s)", self.channel, what)
                self._first_attempt_done.set()
                await asyncio.sleep(self._backoff(failures))
            finally:
                await pubsub.aclose()

    def _backoff(self, failures: int) -> float:
        """Exponential with equal jitter: never zero (no busy loop against a dead server), and spread out so
        that all workers do not hit a restarted Redis in the same instant."""
        delay = min(self._backoff_cap, self._backoff_start * 2 ** (failures - 1))
        return random.uniform(delay / 2, delay)  # noqa: S311  (jitter, not a secret)

    async def _subscribe(self, pubsub: PubSub) -> None:
        """Returns once Redis has confirmed the subscription: nothing published afterwards is missed."""
        await pubsub.subscribe(self.channel)
        async with asyncio.timeout(self._command_timeout):
            while True:
                message = await pubsub.get_message(timeout=self._command_timeout)
                if message is not None and message["type"] == "subscribe":
                    return

    async def _listen(self, pubsub: PubSub, delivery: Delivery) -> None:
        """Reads until the connection fails. A quiet connection is pinged every ``ping_interval``; one that
        stays silent ``ping_timeout`` longer is declared dead, which catches a peer that vanished without
        closing the socket (a NAT or firewall dropping state, a frozen host)."""
        loop = asyncio.get_running_loop()
        poll = min(1.0, self._ping_interval / 2, self._ping_timeout / 2)
        last_heard = last_ping = loop.time()
        while True:
            message = await pubsub.get_message(timeout=poll)
            now = loop.time()
            if message is not None:
                last_heard = now
                if message["type"] == "message":
                    delivery.message(message["data"])
            elif last_ping > last_heard:
                if now - last_ping > self._ping_timeout:
                    raise RedisConnectionError(f"no answer to PING within {self._ping_timeout:g} s")
            elif now - last_heard >= self._ping_interval:
                await pubsub.ping()
                last_ping = now
