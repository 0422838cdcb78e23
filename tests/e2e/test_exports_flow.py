"""A large background export in Chromium: the organiser starts it from the exports page, the job page's
progress bar advances while the rows are written (the ES module polls under the site's CSP), and the
download link appears when the file is ready; the file is the CSV a spreadsheet app reads.

This module runs its own server: the fair needs 150,000 registrations, written straight into its SQLite
file, so that the export takes long enough to be watched. Nothing is selected by visible text."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

from tests.e2e.conftest import running_server

pytestmark = pytest.mark.e2e

ORGANISER = "organiser@e-micronora.example"
DEMO_PASSWORD = "Besancon-2020!"
REGISTRATIONS = 150_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _add_registrations(db_path: Path, count: int) -> None:
    with sqlite3.connect(db_path) as db:
        db.executemany(
            "INSERT INTO users (email, name, company_name, country, password_hash, is_organiser, is_active,"
            " locale, terms_accepted_at, created_at, password_changed_at, email_opt_outs)"
            " VALUES (?, ?, 'Société', 'FR', '!', 0, 1, '', ?, ?, ?, '[]')",
            (
                (f"visitor{i}@example.org", f"Visiteur n°{i}", "2020-09-01 08:00:00.000000", stamp, stamp)
                for i in range(count)
                for stamp in [f"2020-09-{1 + i % 20:02d} 08:00:00.000000"]
            ),
        )


@pytest.fixture(scope="module")
def export_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    folder = tmp_path_factory.mktemp("e2e-exports")
    db_path = folder / "exports.sqlite3"
    env = {
        **os.environ,
        "EMICRONORA_DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
        "EMICRONORA_SECRET_KEY": "e2e-secret-key-" + "z" * 32,
        "EMICRONORA_SITE_URL": f"http://127.0.0.1:{port}",
        "EMICRONORA_ARGON2_TIME_COST": "1",
        "EMICRONORA_ARGON2_MEMORY_KIB": "8192",
        "EMICRONORA_MEDIA_DIR": str(folder / "media"),
    }
    cli = [sys.executable, "-m", "emicronora"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "demo", "--start", "2020-09-22"], env=env, check=True, capture_output=True)
    _add_registrations(db_path, REGISTRATIONS)
    with running_server(env, folder, port) as base_url:
        yield base_url


async def test_organiser_follows_a_large_background_export_and_downloads_it(
    browser: Browser, export_server: str
) -> None:
    context = await browser.new_context(timezone_id="Europe/Paris", locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(60_000)
    page = await context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    # CSP refusals and script errors show in the console; the browser's own favicon probe does not count.

    def console_error(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            script_errors.append(message.text)

    page.on("console", console_error)
    await page.goto(export_server + "/login")
    form = page.locator("form[action='/login']")
    await form.locator("input[name=email]").fill(ORGANISER)
    await form.locator("input[name=password]").fill(DEMO_PASSWORD)
    await form.locator("button[type=submit]").click()
    await page.goto(export_server + "/organiser/exports")

    row = page.locator("[data-testid=export-registrations]")
    # Too many rows for a direct download: only the background export is offered.
    await expect(row.locator("a[href^='/organiser/exports/csv/']")).to_have_count(0)
    await row.locator("form[action='/organiser/exports/jobs'] button[type=submit]").click()
    await expect(page).to_have_url(f"{export_server}/organiser/exports/jobs/1")

    progress = page.locator("[data-testid=progress] progress")
    download_link = page.locator("[data-testid=download]")
    assert float(await progress.get_attribute("value") or "0") < 1
    await expect(download_link).to_be_hidden()
    # The module polls and moves the bar without a reload, then reveals the link.
    seen: set[float] = set()
    deadline = time.monotonic() + 120
    while not await download_link.is_visible():
        assert time.monotonic() < deadline, f"the export never ended; progress seen: {sorted(seen)}"
        seen.add(float(await progress.evaluate("bar => bar.value")))
        await page.wait_for_timeout(200)
    assert any(0 < value < 1 for value in seen), seen
    await expect(progress).to_have_js_property("value", 1)

    async with page.expect_download() as download_info:
        await download_link.click()
    download = await download_info.value
    assert download.suggested_filename == "e-micronora-registrations.csv"
    body = await asyncio.to_thread(Path(await download.path()).read_bytes)
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "name",
        "email",
        "company",
        "country",
        "roles",
        "language",
        "registered_at",
        "confirmed",
    ]
    assert len(rows) - 1 > REGISTRATIONS
    assert ["Visiteur n°0", "visitor0@example.org", "Société"] in [r[:3] for r in rows]
    assert script_errors == []
    await context.close()
