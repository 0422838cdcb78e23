"""The newcomer's path in a real browser: register, log in, star a session, see it in "Mon programme",
switch to English; and event times shown beside the viewer's own zone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.e2e

PASSWORD = "une phrase de passe solide"


def test_attendee_registers_stars_a_session_and_reads_it_in_english(
    live_server: str, browser: Browser
) -> None:
    context = browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(live_server + "/register")
    page.get_by_label("Nom complet").fill("Camille Acheteuse")
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    page.get_by_label("Entreprise").fill("AéroDoubs")
    page.get_by_label("Pays").select_option("FR")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_label("J’accepte les conditions d’utilisation").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page).to_have_url(live_server + "/programme")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme")

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(live_server + "/programme?day=2020-09-23")
    first_card = page.locator("article.session-card").first
    title = first_card.locator("h3").inner_text()
    first_card.get_by_role("button", name="Ajouter à mon programme").click()
    expect(page.locator("article.session-card").first.get_by_role("button")).to_contain_text(
        "Dans mon programme"
    )

    page.get_by_role("link", name="Mon programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon programme")
    expect(page.locator("article.session-card h3")).to_have_text([title])
    expect(page.get_by_role("heading", level=2)).to_have_text(["mercredi 23 septembre 2020"])

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My programme")
    expect(page.get_by_role("heading", level=2)).to_have_text(["Wednesday, September 23, 2020"])
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_times_are_shown_beside_the_viewers_own_zone_only_when_it_differs(
    live_server: str, browser: Browser
) -> None:
    in_montreal = browser.new_context(timezone_id="America/Toronto", locale="fr-CA")
    page = in_montreal.new_page()
    page.goto(live_server + "/programme?day=2020-09-22")
    first_time = page.locator("article.session-card .session-time").first
    expect(first_time.locator("time").first).to_have_text("09:30")
    expect(first_time.locator(".local-time").first).to_have_text("(03:30 votre heure)")
    in_montreal.close()

    in_paris = browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    page = in_paris.new_page()
    page.goto(live_server + "/programme?day=2020-09-22")
    expect(page.locator("article.session-card .session-time").first.locator("time").first).to_have_text(
        "09:30"
    )
    expect(page.locator(".local-time")).to_have_count(0)
    in_paris.close()
