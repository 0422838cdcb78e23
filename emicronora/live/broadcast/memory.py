"""In-process fan-out for development, tests and a single-worker site (``memory://``)."""

from __future__ import annotations

from collections.abc import Mapping

from emicronora.live.broadcast.base import (
    DEFAULT_MAX_PENDING,
    Broadcast,
    Delivery,
    MessageHandler,
    ReconnectHandler,
)


class MemoryHub:
    """The site channel of one process. Every MemoryBroadcast built on the same hub acts as one worker of
    the same site, which lets tests play several workers without Redis; ``create_broadcast`` gives each
    call a hub of its own, so two apps in one process never hear each other."""

    def __init__(self) -> None:
        self.members: list[MemoryBroadcast] = []


class MemoryBroadcast(Broadcast):
    """Publishing enqueues the message for every started member of the hub, in publication order; each
    member's handlers run on its own task. Nothing is ever lost, so ``on_reconnect`` is only awaited when a
    subscriber falls ``max_pending`` messages behind."""

    def __init__(self, hub: MemoryHub | None = None, *, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self._hub = hub if hub is not None else MemoryHub()
        self._max_pending = max_pending
        self._delivery: Delivery | None = None
        self._counts: dict[str, int] = {}
        self._hub.members.append(self)

    async def start(self, on_message: MessageHandler, on_reconnect: ReconnectHandler) -> None:
        if self._delivery is not None:
            raise RuntimeError("this broadcast is already started")
        self._delivery = Delivery(
            on_message, on_reconnect, name="emicronora.live memory delivery", max_pending=self._max_pending
        )

    async def stop(self) -> None:
        if self in self._hub.members:
            self._hub.members.remove(self)
        self._counts = {}
        if self._delivery is not None:
            delivery, self._delivery = self._delivery, None
            await delivery.close()

    async def publish(self, message: str) -> bool:
        if self not in self._hub.members:
            return False  # stopped, as the Redis back-end answers after stop()
        for member in self._hub.members:
            if member._delivery is not None:
                member._delivery.message(message)
        return True

    async def set_local_presence(self, counts: Mapping[str, int]) -> None:
        self._counts = {room: count for room, count in counts.items() if count > 0}

    async def presence(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for member in self._hub.members:
            for room, count in member._counts.items():
                totals[room] = totals.get(room, 0) + count
        return totals
