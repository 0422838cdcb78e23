"""The contract every fan-out back-end keeps, and the in-order delivery queue they share."""

from __future__ import annotations

import asyncio
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping

logger = logging.getLogger("emicronora.live")

MessageHandler = Callable[[str], Awaitable[None]]
ReconnectHandler = Callable[[], Awaitable[None]]

# Past this many undelivered messages a subscriber is considered stuck: newer messages are dropped and the
# subscriber is told to refill from its database instead, so one slow handler cannot exhaust the memory.
DEFAULT_MAX_PENDING = 10_000


class Broadcast(ABC):
    """Fan-out of room events between the workers of one site. Messages are opaque strings (JSON made by
    the caller).

    The database stays the source of truth: every event is stored before it is published, so a message
    lost here (a Redis outage, an overflowing backlog) costs latency, never data. The back-end says when
    that may have happened by awaiting ``on_reconnect``, and the caller reloads what it missed by message
    id; the same id lets it drop the rare duplicate.
    """

    @abstractmethod
    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        """Begin receiving every message published by any worker (this one included) on the site channel.

        Handlers run one at a time, in the order the messages were published, on a task of their own, so
        a slow handler never blocks a publisher. ``on_reconnect`` is awaited, in sequence with the
        messages, whenever messages may have been missed: the subscription was lost and is live again, or
        the local backlog overflowed. A handler that raises is logged and delivery goes on.
        """

    @abstractmethod
    async def stop(self) -> None:
        """Stop receiving, forget this worker's presence and close every connection; idempotent."""

    @abstractmethod
    async def publish(self, message: str) -> bool:
        """Send ``message`` to every started subscriber of the site.

        Returns True when the transport took it and False when it is unreachable (logged, never raised)
        or this broadcast was stopped: the event is already in the database and the readers fill the gap.
        """

    @abstractmethod
    async def set_local_presence(self, counts: Mapping[str, int]) -> None:
        """Replace this worker's count of connected people per room id.

        The caller calls it every few seconds even when nothing changed: in a shared back-end the counts of
        a worker that stops calling (it was killed) expire.
        """

    @abstractmethod
    async def presence(self) -> dict[str, int]:
        """People per room id, summed over every live worker of the site; rooms with nobody are left out."""


class Delivery:
    """Hands received messages to one subscriber's handlers in arrival order on a task of its own.

    Receiving (a Redis reader, an in-process publisher) only enqueues, so it never waits for the
    application. The backlog is bounded by ``max_pending``: beyond it messages are dropped and a single
    gap notice (``on_reconnect``) is queued once there is room again, ahead of the next message.
    """

    def __init__(
        self,
        on_message: MessageHandler,
        on_gap: ReconnectHandler,
        *,
        name: str,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> None:
        self._on_message = on_message
        self._on_gap = on_gap
        self._max_pending = max_pending
        # None marks a gap: messages may be missing at this point of the stream.
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._overflowing_since: float | None = None
        self._task = asyncio.create_task(self._run(), name=name)

    def message(self, message: str) -> None:
        if self._queue.qsize() >= self._max_pending:
            if self._overflowing_since is None:
                self._overflowing_since = time.monotonic()
                logger.warning(
                    "live: %d messages wait for a slow subscriber; dropping new ones until it catches up",
                    self._max_pending,
                )
            return
        if self._overflowing_since is not None:
            logger.info(
                "live: subscriber caught up after %.1f s of dropped messages; asking it to refill",
                time.monotonic() - self._overflowing_since,
            )
            self._overflowing_since = None
            self._queue.put_nowait(None)
        self._queue.put_nowait(message)

    def gap(self) -> None:
        self._queue.put_nowait(None)

    async def close(self) -> None:
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if item is None:
                    await self._on_gap()
                else:
                    await self._on_message(item)
            except Exception:
                # One bad message or a failing refill must not end delivery for the whole worker.
                logger.exception("live: %s handler failed", "reconnect" if item is None else "message")


async def cancel_and_wait(task: asyncio.Task[object]) -> None:
    """Cancel ``task`` and wait until it has finished its clean-up, without swallowing a cancellation that
    was aimed at the caller itself."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
