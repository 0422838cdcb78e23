"""argon2id password hashing, run in a worker thread so that a login never stalls the event loop. Each hash
takes `argon2_memory_kib` of memory: at most `argon2_max_parallel` run at once in a process, the others wait
their turn, so that a burst of logins queues instead of taking memory without bound."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from functools import cache
from typing import TypeVar
from weakref import WeakKeyDictionary

import anyio.to_thread
from anyio import CapacityLimiter
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from emicronora.i18n import _
from emicronora.settings import Settings

MIN_LENGTH = 12
MAX_LENGTH = 128
# The most common passwords of public breach lists that would pass the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "qwertyuiopas",
        "passwordpassword",
        "password1234",
        "azertyuiopqs",
        "motdepasse123",
        "iloveyou1234",
        "qwerty123456",
        "000000000000",
        "111111111111",
        "aaaaaaaaaaaa",
        "micronora2020",
        "emicronora2020",
        "administrator",
        "motdepasse12",
    }
)


@cache
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID)


def hasher_for(settings: Settings) -> PasswordHasher:
    return _hasher(settings.argon2_time_cost, settings.argon2_memory_kib)


T = TypeVar("T")

# One limiter per event loop (and size): an anyio limiter belongs to the loop that waits on it.
_limiters: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, CapacityLimiter]] = WeakKeyDictionary()


def limiter_for(settings: Settings) -> CapacityLimiter:
    """What queues the hashes of this event loop: at most `argon2_max_parallel` at once."""
    by_size = _limiters.setdefault(asyncio.get_running_loop(), {})
    size = settings.argon2_max_parallel
    if size not in by_size:
        by_size[size] = CapacityLimiter(size)
    return by_size[size]


async def _in_turn(work: Callable[[], T], settings: Settings) -> T:
    return await anyio.to_thread.run_sync(work, limiter=limiter_for(settings))


async def hash_password(password: str, settings: Settings) -> str:
    hasher = hasher_for(settings)
    return await _in_turn(lambda: hasher.hash(password), settings)


async def verify_password(password_hash: str, password: str, settings: Settings) -> bool:
    hasher = hasher_for(settings)

    def verify() -> bool:
        try:
            return hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await _in_turn(verify, settings)


# A real hash to check against when the account does not exist, so that timing does not reveal which
# e-mail addresses are registered.
_dummy_hashes: dict[tuple[int, int], str] = {}


async def dummy_verify(settings: Settings) -> None:
    key = (settings.argon2_time_cost, settings.argon2_memory_kib)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = await hash_password(secrets.token_hex(16), settings)
    await verify_password(_dummy_hashes[key], "wrong", settings)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password is refused, or None. Length first (ASVS 2.1.1), then obvious guesses."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(min)s characters.", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(max)s characters.", max=MAX_LENGTH)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("This password is too easy to guess.")
    if (email and lowered == email.lower()) or (name and lowered == name.lower()):
        return _("Do not use your e-mail address or your name as a password.")
    return None
