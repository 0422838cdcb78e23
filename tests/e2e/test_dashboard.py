"""The organiser's dashboard in headless Chromium, on the seeded 2020 demo: the plots render (visible SVG of
real size, one visible mark per point), nothing is refused by the Content-Security-Policy, and the live tile
refreshes itself from its JSON endpoint."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, ConsoleMessage, expect

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Besancon-2020!"
ORGANISER = "organiser@e-micronora.example"
# The live tile polls every 15 seconds.
POLL_MS = 15_000


async def test_organiser_sees_the_dashboard_plots_render(live_server: str, browser: Browser) -> None:
    context = await browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    context.set_default_timeout(15_000)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    def on_console(message: ConsoleMessage) -> None:
        # CSP refusals and script errors show in the console; the browser's own favicon probe does not count.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", on_console)
    try:
        await page.clock.install()
        await page.goto(live_server + "/login")
        form = page.locator("form[action='/login']")
        await form.locator("input[name=email]").fill(ORGANISER)
        await form.locator("input[name=password]").fill(DEMO_PASSWORD)
        await form.locator("button[type=submit]").click()
        await expect(page).not_to_have_url(re.compile(r"/login"))

        await page.goto(live_server + "/organiser/dashboard")
        plots = page.locator("svg.plot")
        # Registrations and the three B2B plots exist whatever the demo's activity.
        assert await plots.count() >= 4
        for index in range(await plots.count()):
            plot = plots.nth(index)
            await expect(plot).to_be_visible()
            box = await plot.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 50
            marks = plot.locator(".mark")
            assert await marks.count() >= 1
            # Each mark is drawn where it can be seen (bars of zero width excepted).
            for mark in await marks.all():
                if await mark.get_attribute("data-value") != "0":
                    await expect(mark).to_be_visible()
            # The table behind the plot is beside it.
            plot_id = await plot.get_attribute("id")
            table = page.locator(f"[data-testid^=figure-]:has(svg#{plot_id}) table")
            await expect(table).to_be_visible()

        # The live tile: wipe a figure, let 15 seconds pass, and the poll writes it back.
        online = page.locator("[data-live=online]")
        await expect(online).to_have_text(re.compile(r"^\d+$"))
        await online.evaluate("cell => { cell.textContent = '?'; }")
        async with page.expect_response(re.compile(r"/organiser/dashboard/live\.json$")) as polled:
            await page.clock.fast_forward(POLL_MS)
        assert (await polled.value).status == 200
        # The organiser's own login session is online.
        await expect(online).to_have_text(re.compile(r"^[1-9]\d*$"))
        assert problems == []
    finally:
        await context.close()
