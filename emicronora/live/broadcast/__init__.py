"""Fan-out of live-room events between the workers of one site, chosen by URL.

``memory://`` keeps everything in the process (development, tests, one worker); ``redis://`` and
``rediss://`` share events and presence between workers and hosts. The shape follows encode/broadcaster,
the Redis transport does not: it reconnects and tells the caller when to refill from the database.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from emicronora.live.broadcast.base import Broadcast, MessageHandler, ReconnectHandler
from emicronora.live.broadcast.memory import MemoryBroadcast, MemoryHub
from emicronora.live.broadcast.redis import RedisBroadcast

__all__ = [
    "Broadcast",
    "MemoryBroadcast",
    "MemoryHub",
    "MessageHandler",
    "ReconnectHandler",
    "RedisBroadcast",
    "create_broadcast",
]


def create_broadcast(
    url: str, *, worker_id: str | None = None, channel: str = "emicronora:events"
) -> Broadcast:
    """``worker_id`` and ``channel`` only matter to Redis: the channel's prefix (``emicronora`` for
    ``emicronora:events``) also prefixes the presence keys, so sites sharing a Redis stay apart."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "memory":
        return MemoryBroadcast()
    if scheme in ("redis", "rediss"):
        return RedisBroadcast(url, worker_id=worker_id, channel=channel)
    parts = urlsplit(url)
    shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()  # never echo a password
    raise ValueError(
        f"unsupported broadcast URL {shown!r}: use memory:// (one process) or redis://host:port/db "
        "(rediss:// for TLS) to share events between workers"
    )
