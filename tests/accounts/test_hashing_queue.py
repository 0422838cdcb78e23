"""Password hashes queue: at most `argon2_max_parallel` argon2 computations (64 MiB each by default) run at
once, whatever the number of logins arriving together; the others wait their turn."""

from __future__ import annotations

import threading
from dataclasses import replace

import anyio
import pytest

from emicronora.accounts import passwords
from emicronora.settings import Settings


class CountingHasher:
    """Stands for argon2: counts the computations running at once, each held until the gate opens."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.running = 0
        self.most = 0

    def _compute(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            assert self.gate.wait(timeout=10)
        finally:
            with self.lock:
                self.running -= 1

    def hash(self, password: str) -> str:
        self._compute()
        return "hash-of-" + password

    def verify(self, password_hash: str, password: str) -> bool:
        self._compute()
        return password_hash == "hash-of-" + password


async def test_a_burst_of_logins_runs_at_most_the_setting_s_number_of_hashes_at_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = replace(settings, argon2_max_parallel=2)
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "hasher_for", lambda _settings: hasher)
    results: list[object] = []

    async def verify() -> None:
        results.append(await passwords.verify_password("hash-of-secret", "secret", settings))

    async def hash_one() -> None:
        results.append(await passwords.hash_password("secret", settings))

    queue = passwords.limiter_for(settings)
    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(verify)
            group.start_soon(hash_one)
        # Wait until the burst has arrived: two hashes computing, the eight others queued.
        with anyio.fail_after(10):
            # The counts live in worker threads and the queue: nothing to wait on but their values.
            while not (hasher.running == 2 and queue.statistics().tasks_waiting == 8):  # noqa: ASYNC110
                await anyio.sleep(0.005)
        assert (hasher.running, hasher.most) == (2, 2)
        hasher.gate.set()
    assert hasher.most == 2
    assert sorted(map(str, results)) == ["True"] * 5 + ["hash-of-secret"] * 5


def test_the_default_is_two_hashes_at_once() -> None:
    assert Settings().argon2_max_parallel == 2
