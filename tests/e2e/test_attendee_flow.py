"""The newcomer's path in a real browser: register, log in, star a session, see it in "Mon programme",
switch to English; and event times shown beside the viewer's own zone."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

pytestmark = pytest.mark.e2e

PASSWORD = "une phrase de passe solide"


async def test_attendee_registers_stars_a_session_and_reads_it_in_english(
    live_server: str, browser: Browser
) -> None:
    context = await browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto(live_server + "/register")
    await page.get_by_label("Nom complet").fill("Camille Acheteuse")
    await page.get_by_label("Adresse e-mail").fill("camille@example.org")
    await page.get_by_label("Entreprise").fill("AéroDoubs")
    await page.get_by_label("Pays").select_option("FR")
    await page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    await page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    await page.get_by_label("J’accepte les conditions d’utilisation").check()
    await page.get_by_role("button", name="Créer mon compte").click()
    # The page answers alike whether the address had an account: it logs nobody in.
    await expect(page.get_by_test_id("registration-sent")).to_be_visible()

    await page.get_by_role("link", name="Se connecter").click()
    await page.get_by_label("Adresse e-mail").fill("camille@example.org")
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()

    await page.goto(live_server + "/programme?day=2020-09-23")
    first_card = page.locator("article.session-card").first
    title = await first_card.locator("h3").inner_text()
    await first_card.get_by_role("button", name="Ajouter à mon programme").click()
    await expect(page.locator("article.session-card").first.get_by_role("button")).to_contain_text(
        "Dans mon programme"
    )

    await page.get_by_role("link", name="Mon programme").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mon programme")
    await expect(page.locator("article.session-card h3")).to_have_text([title])
    await expect(page.get_by_role("heading", level=2)).to_have_text(["mercredi 23 septembre 2020"])

    await page.get_by_role("button", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My programme")
    await expect(page.get_by_role("heading", level=2)).to_have_text(["Wednesday, September 23, 2020"])
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await context.close()


async def test_times_are_shown_beside_the_viewers_own_zone_only_when_it_differs(
    live_server: str, browser: Browser
) -> None:
    in_montreal = await browser.new_context(timezone_id="America/Toronto", locale="fr-CA")
    page = await in_montreal.new_page()
    await page.goto(live_server + "/programme?day=2020-09-22")
    first_time = page.locator("article.session-card .session-time").first
    await expect(first_time.locator("time").first).to_have_text("09:30")
    await expect(first_time.locator(".local-time").first).to_have_text("(03:30 votre heure)")
    await in_montreal.close()

    in_paris = await browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    page = await in_paris.new_page()
    await page.goto(live_server + "/programme?day=2020-09-22")
    await expect(page.locator("article.session-card .session-time").first.locator("time").first).to_have_text(
        "09:30"
    )
    await expect(page.locator(".local-time")).to_have_count(0)
    await in_paris.close()
