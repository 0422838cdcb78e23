"""The B2B brokerage event in real browsers: a buyer finds a supplier in the marketplace and requests a
meeting, the supplier accepts, the organiser runs the scheduler and publishes, and both see the meeting with
its video room link.

Both participants register in the test (with a word of their own to search for), so that nothing depends on
the seeded requests. The organiser schedules only the meetings not yet published: the demo's published
schedule stays as it is, and the new meeting goes into one of the demo's meeting slots. Nothing here selects
by visible (translated) text: names, form actions and data-testid only.
"""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

pytestmark = pytest.mark.e2e

DEMO_PASSWORD = "Besancon-2020!"
ORGANISER = "organiser@e-micronora.example"
PASSWORD = "une phrase de passe pour le B2B"
ROOM = re.compile(r"^https://meet\.jit\.si/\S+$")
# The run is asked to stop after 5 s; the page reloads itself once it is done.
SOLVE_TIMEOUT_MS = 30_000


async def new_context(browser: Browser) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    context.set_default_timeout(15_000)
    return context, await context.new_page()


async def register(
    browser: Browser, base: str, name: str, email: str, company: str
) -> tuple[BrowserContext, Page]:
    context, page = await new_context(browser)
    await page.goto(base + "/register")
    form = page.locator("form[action='/register']")
    await form.locator("input[name=name]").fill(name)
    await form.locator("input[name=email]").fill(email)
    await form.locator("input[name=company]").fill(company)
    await form.locator("select[name=country]").select_option("FR")
    await form.locator("input[name=password]").fill(PASSWORD)
    await form.locator("input[name=password_confirm]").fill(PASSWORD)
    await form.locator("input[name=terms]").check()
    await form.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("registration-sent")).to_be_visible()
    await page.goto(base + "/login")
    form = page.locator("form[action='/login']")
    await form.locator("input[name=email]").fill(email)
    await form.locator("input[name=password]").fill(PASSWORD)
    await form.locator("button[type=submit]").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))
    return context, page


async def log_in(browser: Browser, base: str, email: str, password: str) -> tuple[BrowserContext, Page]:
    context, page = await new_context(browser)
    await page.goto(base + "/login")
    form = page.locator("form[action='/login']")
    await form.locator("input[name=email]").fill(email)
    await form.locator("input[name=password]").fill(password)
    await form.locator("button[type=submit]").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))
    return context, page


async def join_b2b(page: Page, base: str, role: str, headline: str, item: dict[str, str]) -> int:
    """Creates the B2B profile and one item; returns the profile's id."""
    await page.goto(base + "/b2b/profile")
    form = page.locator("form[action='/b2b/profile']")
    await form.locator("select[name=role]").select_option(role)
    await form.locator("input[name=headline]").fill(headline)
    await form.locator("textarea[name=description]").fill(headline + ". Entreprise créée pour le test.")
    await form.locator("button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/b2b/profile\?joined=1"))

    await page.goto(f"{base}/b2b/profile/items/new?kind={item['kind']}")
    form = page.locator("form[action='/b2b/profile/items/new']")
    await form.locator("select[name=kind]").select_option(item["kind"])
    await form.locator("input[name=title]").fill(item["title"])
    await form.locator("textarea[name=description]").fill(item["description"])
    await form.locator("input[name=themes][value=laser]").check()
    await form.locator("input[name=sectors][value=health]").check()
    await form.locator("input[name=keywords]").fill(item["keywords"])
    await form.locator("button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/b2b/profile#item-\d+$"))
    await expect(page.locator("[data-testid=item-row]")).to_have_count(1)
    public = await page.locator("a[href^='/b2b/participants/']").first.get_attribute("href")
    assert public is not None
    return int(public.rsplit("/", 1)[1])


async def room_link_with(page: Page, base: str, partner: str) -> str:
    """The video-room address of the published meeting with `partner` on the participant's agenda."""
    await page.goto(base + "/b2b/agenda")
    meeting = page.locator("[data-testid=meeting]").filter(has_text=partner)
    await expect(meeting).to_have_count(1)
    link = meeting.locator("a[data-testid^=room-]")
    await expect(link).to_have_attribute("href", ROOM)
    href = await link.get_attribute("href")
    assert href is not None
    return href


async def test_buyer_requests_supplier_accepts_organiser_publishes_and_both_get_the_room(
    live_server: str, browser: Browser
) -> None:
    token = secrets.token_hex(4)
    word = f"microsoudure{token}"
    buyer_name, supplier_name = f"Inès Acheteuse {token}", f"Lukas Fournisseur {token}"
    buyer_context, buyer = await register(
        browser, live_server, buyer_name, f"ines.{token}@aero-doubs.example", "Aéro Doubs Essais"
    )
    supplier_context, supplier = await register(
        browser, live_server, supplier_name, f"lukas.{token}@laser-jura.example", f"Laser Jura {token}"
    )
    organiser_context: BrowserContext | None = None
    try:
        supplier_id = await join_b2b(
            supplier,
            live_server,
            "supplier",
            "Soudage laser de boîtiers médicaux",
            {
                "kind": "offer",
                "title": f"Soudage laser hermétique ({word})",
                "description": "Boîtiers en titane étanches à l'hélium, de la pré-série à la série.",
                "keywords": f"soudage laser, hermétique, {word}",
            },
        )
        await join_b2b(
            buyer,
            live_server,
            "buyer",
            "Implants actifs : nous cherchons un partenaire de soudage laser",
            {
                "kind": "need",
                "title": "Partenaire de soudage laser hermétique",
                "description": "Pour des boîtiers d'implants en titane.",
                "keywords": "soudage laser, hermétique",
            },
        )

        # The buyer finds the supplier by a word of its offer, opens its profile and asks for a meeting.
        await buyer.goto(f"{live_server}/b2b?q={word}")
        cards = buyer.locator("[data-testid=participant-card]")
        await expect(cards).to_have_count(1)
        await cards.locator(f"a[href='/b2b/participants/{supplier_id}']").click()
        await expect(buyer).to_have_url(f"{live_server}/b2b/participants/{supplier_id}")
        await buyer.locator(
            f"[data-testid=meeting-action] a[href='/b2b/requests/new?to={supplier_id}']"
        ).click()
        form = buyer.locator("form[action='/b2b/requests/new']")
        await form.locator("textarea[name=message]").fill("Bonjour, votre soudage laser nous intéresse.")
        await form.locator("button[type=submit]").click()
        await expect(buyer).to_have_url(re.compile(r"/b2b/requests\?sent=1"))
        await expect(buyer.locator("[data-testid=outgoing-request]")).to_have_count(1)

        # The supplier accepts on the requests page.
        await supplier.goto(live_server + "/b2b/requests")
        incoming = supplier.locator("[data-testid=incoming-request]")
        await expect(incoming).to_have_count(1)
        await incoming.locator("button[data-testid^=accept-]").click()
        await expect(supplier).to_have_url(re.compile(r"/b2b/requests\?done=accept"))
        await supplier.goto(live_server + "/b2b/agenda")
        await expect(
            supplier.locator("[data-testid=meeting-to-schedule]").filter(has_text=buyer_name)
        ).to_have_count(1)

        # The organiser schedules the meetings not yet published, waits for the run, and publishes.
        organiser_context, organiser = await log_in(browser, live_server, ORGANISER, DEMO_PASSWORD)
        await organiser.goto(live_server + "/organiser/b2b/schedule")
        form = organiser.locator("form[action='/organiser/b2b/schedule']")
        await form.locator("input[name=scope][value=unscheduled]").check()
        await form.locator("input[name=time_limit]").fill("5")
        await form.locator("button[type=submit]").click()
        await expect(organiser).to_have_url(re.compile(r"/organiser/b2b/runs/\d+$"))
        # The progress script reloads the page when the run ends; its summary then replaces the progress bar.
        await expect(organiser.locator("[data-testid=run-summary]")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        await expect(organiser.locator("[data-figure=placed]")).not_to_have_text("0")
        await organiser.locator("[data-testid=review] form[action='/organiser/b2b/publish'] button").click()
        await expect(organiser).to_have_url(re.compile(r"/organiser/b2b/runs/\d+\?published=[1-9]\d*$"))

        # Both see the meeting on their agenda, with the same video room.
        buyer_room = await room_link_with(buyer, live_server, supplier_name)
        supplier_room = await room_link_with(supplier, live_server, buyer_name)
        assert buyer_room == supplier_room
    finally:
        for context in (buyer_context, supplier_context, organiser_context):
            if context is not None:
                await context.close()
