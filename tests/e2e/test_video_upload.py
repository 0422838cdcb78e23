"""An exhibitor uploads a short video with the progress bar; a visitor plays it and seeks (Range requests)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from emicronora.demo.showcase import MEDIA

pytestmark = pytest.mark.e2e

VIDEO = MEDIA / "laser.webm"  # 6 s of test pattern, WebM/VP8


async def test_exhibitor_uploads_with_progress_and_visitor_plays_and_seeks(
    live_server: str, browser: Browser
) -> None:
    exhibitor = await browser.new_context()
    exhibitor.set_default_timeout(15_000)
    page = await exhibitor.new_page()
    progress_seen: list[str] = []
    page.on(
        "console",
        lambda message: progress_seen.append(message.text) if message.text.startswith("progress:") else None,
    )

    await page.goto(live_server + "/login")
    await page.fill("input[name=email]", "exhibitor@e-micronora.example")
    await page.fill("input[name=password]", "Besancon-2020!")
    await page.click("form[action='/login'] button[type=submit]")
    await page.goto(live_server + "/exhibitor-area/videos/new")
    await page.fill("input[name=title]", "Essai de téléversement")
    await page.check("input[name=kind][value=upload]")
    await page.click("form[action='/exhibitor-area/videos/new'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/exhibitor-area/videos/\d+/upload\?done=created$"))
    video_id = int(re.search(r"/videos/(\d+)/upload", page.url).group(1))

    # Report every value the progress bar takes (the page navigates away once the upload is done).
    await page.evaluate(
        """() => {
          const bar = document.querySelector('[data-upload-progress]');
          new MutationObserver(() => console.log('progress:' + bar.value + ':' + !bar.hidden))
            .observe(bar, {attributes: true});
        }"""
    )
    await page.set_input_files("#f-file", str(VIDEO))
    await page.click("[data-upload-button]")
    await expect(page).to_have_url(re.compile(rf"/exhibitor-area/videos/{video_id}/edit\?done=uploaded$"))
    assert any(entry.endswith(":true") for entry in progress_seen)  # the bar was shown
    assert "progress:100:true" in progress_seen
    await page.click(f"form[action='/exhibitor-area/videos/{video_id}/publish'] button")
    await expect(page.locator("form[action$='/unpublish']")).to_have_count(1)
    await exhibitor.close()

    visitor = await browser.new_context()
    visitor.set_default_timeout(15_000)
    watch = await visitor.new_page()
    media_statuses: list[int] = []
    watch.on(
        "response",
        lambda response: media_statuses.append(response.status) if "/media/" in response.url else None,
    )
    await watch.goto(f"{live_server}/videos/{video_id}")
    player = watch.locator("video")
    await expect(player).to_have_count(1)
    duration = await player.evaluate(
        """video => new Promise(resolve => {
             if (video.readyState >= 1) resolve(video.duration);
             else video.addEventListener('loadedmetadata', () => resolve(video.duration), {once: true});
           })"""
    )
    assert 5.5 < duration < 6.5
    position = await player.evaluate(
        """video => new Promise(resolve => {
             video.addEventListener('seeked', () => resolve(video.currentTime), {once: true});
             video.currentTime = 4;
           })"""
    )
    assert abs(position - 4) < 0.5
    assert 206 in media_statuses  # the browser asked for byte ranges and got them
    await visitor.close()


def test_the_test_video_ships_with_the_package() -> None:
    assert VIDEO.read_bytes()[:4] == bytes.fromhex("1a45dfa3")
    assert Path(VIDEO).stat().st_size < 100_000
