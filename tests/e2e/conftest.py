"""A real server (uvicorn in a subprocess, seeded with the 2020 demo, with its job worker beside it as
`make run` starts them) and Debian's headless Chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(env: dict[str, str], folder: Path, port: int) -> Iterator[str]:
    """`emicronora serve --with-worker` on `port`, as `make run` starts it: the web server and the job worker
    that runs the background work (solves, mails, exports); without it a flow that starts a job waits for
    ever. In a process group of their own, so that nothing outlives the tests, even a server that hangs."""
    env = {**env, "EMICRONORA_JOB_POLL_MS": "100"}  # the worker looks for new jobs often: flows wait less
    log_path = folder / "server.log"
    log = log_path.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "emicronora", "serve", "--port", str(port), "--with-worker"],
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base_url + "/login", timeout=1):  # noqa: S310 - our own server
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start: " + log_path.read_text())
        yield base_url
    finally:
        # The server stops its worker (which gives a running job some seconds to end), then exits.
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
        if _group_alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
            raise AssertionError("the job worker outlived its server")


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    db_path = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    env = {
        **os.environ,
        "EMICRONORA_DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
        "EMICRONORA_SECRET_KEY": "e2e-secret-key-" + "y" * 32,
        "EMICRONORA_SITE_URL": f"http://127.0.0.1:{port}",
        "EMICRONORA_ARGON2_TIME_COST": "1",
        "EMICRONORA_ARGON2_MEMORY_KIB": "8192",
        "EMICRONORA_MEDIA_DIR": str(db_path.parent / "media"),
    }
    cli = [sys.executable, "-m", "emicronora"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "--start", "2020-09-22"], env=env, check=True, capture_output=True)
    with running_server(env, db_path.parent, port) as base_url:
        yield base_url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    # The async API shares pytest-asyncio's loop; the sync one would leave a loop running for later tests.
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        await browser.close()
