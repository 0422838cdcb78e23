"""The live room in real browsers: two people in one room see each other's messages, questions and votes
live; hostile text stays text; a page that loses its connection says so, comes back by itself and shows
nothing twice.

The shared server holds the 2020 demo, all in the past, so the organiser first creates, through the
organiser pages, a day dated today and a session on it that runs all day (a day no other test looks at).
The room's words are still untranslated while they are new, so nothing here selects by visible text.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, BrowserContext, Dialog, Locator, Page, expect

pytestmark = pytest.mark.e2e

PASSWORD = "Besancon-2020!"
ORGANISER = "organiser@e-micronora.example"
ATTENDEE = "attendee@e-micronora.example"
BUYER = "buyer@e-micronora.example"
XSS_PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
]


async def logged_in(browser: Browser, base: str, email: str) -> tuple[BrowserContext, Page]:
    context = await browser.new_context(timezone_id="Europe/Paris", locale="fr-FR")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    await page.goto(base + "/login")
    await page.locator("input[name=email]").fill(email)
    await page.locator("input[name=password]").fill(PASSWORD)
    await page.locator("form[action='/login'] button[type=submit]").click()
    await expect(page).not_to_have_url(re.compile(r"/login"))
    return context, page


@pytest.fixture(scope="module")
async def live_session(live_server: str, browser: Browser) -> AsyncIterator[int]:
    """A session live all day today, created by the demo organiser in the organiser area."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    context, page = await logged_in(browser, live_server, ORGANISER)
    await page.goto(live_server + "/organiser/days/new")
    await page.locator("#f-date").fill(today.isoformat())
    await page.locator("#f-theme_id").select_option(index=1)
    await page.locator("form[action='/organiser/days/new'] button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/organiser/#day-\d+$"))
    day_id = page.url.rsplit("-", 1)[1]
    await page.goto(f"{live_server}/organiser/sessions/new?day_id={day_id}")
    await page.locator("#f-kind").select_option("webinar")
    await page.locator("#f-title").fill("Salle en direct : micro-usinage laser")
    await page.locator("#f-theme_id").select_option(index=1)
    await page.locator("#f-starts_at").fill("00:00")
    await page.locator("#f-ends_at").fill("23:59")
    await page.locator("form[action='/organiser/sessions/new'] button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/organiser/#session-\d+$"))
    session_id = int(page.url.rsplit("-", 1)[1])
    await context.close()
    yield session_id


async def enter_room(page: Page, base: str, session_id: int) -> None:
    await page.goto(f"{base}/sessions/{session_id}")
    await expect(page.locator("[data-testid=room-status]")).to_have_attribute("data-state", "connected")


def chat_messages(page: Page) -> Locator:
    return page.locator("[data-testid=chat-list] .chat-message")


async def send_chat(page: Page, text: str) -> None:
    await page.locator("#room-chat-input").fill(text)
    await page.locator("[data-testid=chat-form] button[type=submit]").click()


async def test_two_people_see_each_others_messages_questions_and_votes_live(
    live_server: str, browser: Browser, live_session: int
) -> None:
    ada_context, ada = await logged_in(browser, live_server, ATTENDEE)
    bob_context, bob = await logged_in(browser, live_server, BUYER)
    await enter_room(ada, live_server, live_session)
    await enter_room(bob, live_server, live_session)
    await expect(ada.locator("[data-testid=room-presence]")).to_contain_text("2")

    await send_chat(ada, "Bonjour depuis Besançon !")
    await expect(chat_messages(bob).last.locator(".msg-body")).to_have_text("Bonjour depuis Besançon !")
    await expect(chat_messages(ada).last.locator(".msg-body")).to_have_text("Bonjour depuis Besançon !")

    await ada.locator("#room-tab-questions").click()
    await ada.locator("#room-question-input").fill("Quelle rugosité après polissage laser ?")
    await ada.locator("[data-testid=question-form] button[type=submit]").click()
    # Bob is on the chat tab: the questions tab tells him something new is there.
    await expect(bob.locator("#room-tab-questions .tab-dot")).to_be_visible()
    await bob.locator("#room-tab-questions").click()
    bobs_question = bob.locator("[data-testid=question-list] .question").first
    await expect(bobs_question.locator(".q-body")).to_have_text("Quelle rugosité après polissage laser ?")
    await expect(bobs_question.locator(".vote-count")).to_contain_text("0")
    await bobs_question.locator("button.vote").click()
    for page in (ada, bob):
        count = page.locator("[data-testid=question-list] .question .vote-count").first
        await expect(count).to_contain_text("1")
    await expect(bobs_question.locator("button.vote")).to_be_disabled()
    await expect(bobs_question.locator("button.vote")).to_have_attribute("aria-pressed", "true")
    await expect(ada.locator("[data-testid=question-list] button.vote").first).to_be_enabled()
    # Attendees get no moderation tools.
    await expect(bob.locator("[data-moderator-only]:visible")).to_have_count(0)
    await expect(bob.locator(".q-tools, .msg-tools")).to_have_count(0)
    await ada_context.close()
    await bob_context.close()


async def test_hostile_chat_text_is_shown_as_text_and_never_runs(
    live_server: str, browser: Browser, live_session: int
) -> None:
    ada_context, ada = await logged_in(browser, live_server, ATTENDEE)
    bob_context, bob = await logged_in(browser, live_server, BUYER)
    dialogs: list[str] = []

    async def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    for page in (ada, bob):
        page.on("dialog", refuse)
        await enter_room(page, live_server, live_session)
    for payload in XSS_PAYLOADS:
        await send_chat(ada, payload)
        await expect(chat_messages(bob).last.locator(".msg-body")).to_have_text(payload)
    await send_chat(ada, "Programme : https://e-micronora.example/programme?jour=2. Merci")
    link_message = chat_messages(bob).last
    await expect(link_message.locator(".msg-body")).to_have_text(
        "Programme : https://e-micronora.example/programme?jour=2. Merci"
    )

    for page in (ada, bob):
        bodies = await chat_messages(page).locator(".msg-body").all_inner_texts()
        assert bodies[-5:-1] == XSS_PAYLOADS
        chat = page.locator("[data-testid=chat-list]")
        await expect(chat.locator("img, script, svg, iframe")).to_have_count(0)
        # Only http(s) addresses become links, and those carry the user-content rel.
        links = page.locator("[data-testid=chat-list] a")
        hrefs = [await link.get_attribute("href") for link in await links.all()]
        assert hrefs and all(href.startswith(("http://", "https://")) for href in hrefs)
    link = link_message.locator("a")
    await expect(link).to_have_count(1)
    await expect(link).to_have_attribute("href", "https://e-micronora.example/programme?jour=2")
    await expect(link).to_have_attribute("rel", "noopener nofollow ugc")
    await expect(link).to_have_text("https://e-micronora.example/programme?jour=2")
    await bob.wait_for_timeout(300)  # an onerror or onload handler would have run by now
    assert dialogs == []
    await ada_context.close()
    await bob_context.close()


async def test_a_dropped_connection_says_so_resumes_and_shows_nothing_twice(
    live_server: str, browser: Browser, live_session: int
) -> None:
    ada_context, ada = await logged_in(browser, live_server, ATTENDEE)
    bob_context, bob = await logged_in(browser, live_server, BUYER)
    await enter_room(ada, live_server, live_session)
    await enter_room(bob, live_server, live_session)
    await send_chat(ada, "Avant la coupure")
    await expect(chat_messages(bob).last.locator(".msg-body")).to_have_text("Avant la coupure")
    before = await chat_messages(bob).count()

    await bob_context.set_offline(True)
    status = bob.locator("[data-testid=room-status]")
    await expect(status).to_have_attribute("data-state", "reconnecting")
    await expect(status).not_to_be_empty()
    await send_chat(ada, "Pendant la coupure")
    await expect(chat_messages(ada).last.locator(".msg-body")).to_have_text("Pendant la coupure")
    # Written while offline: shown as waiting, sent once the connection is back.
    await send_chat(bob, "Écrit hors ligne")
    await expect(bob.locator("[data-testid=chat-pending] .chat-message")).to_have_count(1)

    await bob_context.set_offline(False)
    await expect(status).to_have_attribute("data-state", "connected")
    await expect(bob.locator("[data-testid=chat-pending] .chat-message")).to_have_count(0)
    for page in (ada, bob):
        await expect(chat_messages(page).last.locator(".msg-body")).to_have_text("Écrit hors ligne")
    await expect(chat_messages(bob)).to_have_count(before + 2)
    bodies = await chat_messages(bob).locator(".msg-body").all_inner_texts()
    assert bodies[-3:] == ["Avant la coupure", "Pendant la coupure", "Écrit hors ligne"]
    for page in (ada, bob):
        ids = await chat_messages(page).evaluate_all("nodes => nodes.map((node) => node.dataset.id)")
        assert len(ids) == len(set(ids))
        texts = await chat_messages(page).locator(".msg-body").all_inner_texts()
        assert texts.count("Écrit hors ligne") == 1
    await ada_context.close()
    await bob_context.close()


async def test_moderator_polls_and_deletions_reach_attendees_live(
    live_server: str, browser: Browser, live_session: int
) -> None:
    org_context, org = await logged_in(browser, live_server, ORGANISER)
    ada_context, ada = await logged_in(browser, live_server, ATTENDEE)
    await enter_room(org, live_server, live_session)
    await enter_room(ada, live_server, live_session)
    await send_chat(ada, "Message à retirer")
    doomed = chat_messages(org).filter(has_text="Message à retirer")
    await doomed.locator("[data-action=delete]").click()
    await expect(chat_messages(ada).filter(has_text="Message à retirer")).to_have_count(0)
    await expect(doomed).to_have_count(0)

    await org.locator("#room-tab-polls").click()
    await org.locator("#room-poll-question").fill("Quel laser utilisez-vous ?")
    await org.locator("#room-poll-option-1").fill("Fibre")
    await org.locator("#room-poll-option-2").fill("CO2")
    await org.locator("[data-action=add-option]").click()
    await org.locator("#room-poll-option-3").fill("Femtoseconde")
    await org.locator("[data-form=poll] button[type=submit]").click()
    await ada.locator("#room-tab-polls").click()
    poll = ada.locator("[data-testid=poll-list] .poll").first
    await expect(poll.locator("[data-action=poll-vote]")).to_have_count(3)
    await poll.locator("[data-action=poll-vote]").nth(2).click()
    await expect(poll.locator("[data-action=poll-vote]")).to_have_count(0)
    org_results = org.locator("[data-testid=poll-list] .poll").first.locator(".poll-count")
    await expect(org_results).to_have_count(3)
    await expect(org_results.nth(2)).to_contain_text("1")
    await expect(org_results.nth(2)).to_contain_text("100")
    await org.locator("[data-testid=poll-list] .poll [data-action=poll-close]").first.click()
    await expect(poll).to_have_class(re.compile(r"\bclosed\b"))
    await org_context.close()
    await ada_context.close()


async def test_visitors_who_are_not_logged_in_are_invited_to_log_in(
    live_server: str, browser: Browser, live_session: int
) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{live_server}/sessions/{live_session}")
    await expect(page.locator("[data-testid=room-login]")).to_have_attribute(
        "href", f"/login?next=/sessions/{live_session}"
    )
    await expect(page.locator("#room")).to_have_count(0)
    await context.close()


async def test_a_room_page_says_it_is_closed_and_stops_when_its_login_ends(
    live_server: str, browser: Browser, live_session: int
) -> None:
    """Logging out in another tab closes the room's socket at once: the page says why and does not knock
    again, instead of reconnecting for ever to a refused handshake."""
    context, page = await logged_in(browser, live_server, ATTENDEE)
    await enter_room(page, live_server, live_session)
    other_tab = await context.new_page()
    await other_tab.goto(live_server + "/programme")
    await other_tab.locator("form[action='/logout'] button").click()
    status = page.locator("[data-testid=room-status]")
    await expect(status).to_have_attribute("data-state", "closed")
    await expect(status).not_to_be_empty()
    await expect(page.locator("[data-testid=chat-form]")).to_be_hidden()
    await context.close()
