"""The B2B marketplace: active participants only, text search over profiles and items (ignoring case and
accents, wildcards taken literally, bounded), filters by theme, sector, country, role and kind, pages; the
landing for each kind of visitor; a participant's public page with its "request a meeting" button."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.marketplace.search import PAGE_SIZE
from emicronora.models import User
from tests.b2b.profile_world import People, add_profile, give_company, log_in_as, make_people, set_user

ALL = ["Aerotech GmbH", "Calibrix Métrologie", "Lumicron Laser"]


def card_names(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/b2b/participants/\d+">([^<]+)</a></h2>', page)


def options(page: str, select_id: str) -> list[str]:
    block = page.split(f'id="{select_id}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"', block)


@pytest.fixture
async def people(
    make_user: Callable[..., Awaitable[User]], sessionmaker: async_sessionmaker[AsyncSession]
) -> People:
    """Paula (supplier, Lumicron Laser, FR) and Otto (buyer, Aerotech GmbH, DE) from profile_world; Bea
    (both, Calibrix Métrologie, BE); a paused profile and the profile of a disabled account, never listed."""
    people = await make_people(make_user, sessionmaker)
    bea = await make_user("bea.both@example.org", name="Bea Both")
    await give_company(sessionmaker, bea.id, "Calibrix Métrologie", "BE")
    await add_profile(
        sessionmaker,
        bea.id,
        "both",
        "Étalonnage de capteurs",
        items=[
            {
                "kind": "offer",
                "title": "Tomographie 3D",
                "description": "Contrôle non destructif.",
                "themes": ["metrology"],
                "sectors": ["automotive"],
                "keywords": ["Rugosimètre", "ct-scan"],
            },
            {"kind": "need", "title": "Sources X compactes", "themes": ["micro-nano"]},
        ],
    )
    paused = await make_user("paused@example.org", name="Paused")
    await give_company(sessionmaker, paused.id, "Hidden Laser", "FR")
    await add_profile(sessionmaker, paused.id, "supplier", "Laser", is_active=False)
    disabled = await make_user("disabled@example.org", name="Disabled")
    await set_user(sessionmaker, disabled.id, company_name="Gone Laser", is_active=False)
    await add_profile(sessionmaker, disabled.id, "supplier", "Laser")
    return people


@pytest.fixture
async def visitor(people: People, client: httpx.AsyncClient) -> httpx.AsyncClient:
    return await log_in_as(client, "anonymous")


async def test_marketplace_lists_active_participants_by_company(visitor: httpx.AsyncClient) -> None:
    page = (await visitor.get("/b2b")).text
    assert card_names(page) == ALL
    assert "3 participants" in page


async def test_marketplace_card_shows_role_contact_country_headline_and_items(
    visitor: httpx.AsyncClient,
) -> None:
    page = (await visitor.get("/b2b")).text
    card = page[page.index("Calibrix Métrologie") :].split('data-testid="participant-card"')[0]
    assert '<span class="badge">Buyer and supplier</span>' in card
    assert '<p class="affiliation">Bea Both · Belgium</p>' in card
    assert "<p>Étalonnage de capteurs</p>" in card
    assert '<li><span class="badge">Offer</span> Tomographie 3D</li>' in card
    assert '<li><span class="badge">Need</span> Sources X compactes</li>' in card


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("lumicron", ["Lumicron Laser"]),  # company record
        ("aerotech", ["Aerotech GmbH"]),  # company typed at registration
        ("MICRO-WELDING", ["Lumicron Laser"]),  # headline, whatever the case
        ("femtosecond", ["Lumicron Laser"]),  # profile description
        ("sensor housings", ["Aerotech GmbH"]),  # an item's title
        ("sealed", ["Aerotech GmbH"]),  # an item's description
        ("CT-SCAN", ["Calibrix Métrologie"]),  # a keyword
        ("rugosimètre", ["Calibrix Métrologie"]),  # a keyword with an accent, in another case
        ("RUGOSIMÈTRE", ["Calibrix Métrologie"]),
        ("étalonnage", ["Calibrix Métrologie"]),  # "Étalonnage": a capital accented letter
        # Typed without accents, as French visitors often do: company, headline, item and keyword alike.
        ("metrologie", ["Calibrix Métrologie"]),
        ("METROLOGIE", ["Calibrix Métrologie"]),
        ("etalonnage", ["Calibrix Métrologie"]),
        ("ETALONNAGE DE CAPTEURS", ["Calibrix Métrologie"]),
        ("controle non destructif", ["Calibrix Métrologie"]),  # an item's description
        ("rugosimetre", ["Calibrix Métrologie"]),  # a keyword, stored as "Rugosim\u00e8tre" in JSON
        ("RUGOSIMETRE", ["Calibrix Métrologie"]),
        ("u00e8", []),  # the JSON escape of "è" is no text of the keyword
        ("laser", ["Aerotech GmbH", "Lumicron Laser"]),  # not the paused nor the disabled participant
        ("%", []),  # a LIKE wildcard is searched for, not obeyed
        ("_", []),
        ("", ALL),
    ],
)
async def test_marketplace_search_matches_profiles_and_items(
    visitor: httpx.AsyncClient, query: str, names: list[str]
) -> None:
    response = await visitor.get("/b2b", params={"q": query})
    assert response.status_code == 200
    assert card_names(response.text) == names


async def test_marketplace_search_finds_accented_items_typed_without_accents(
    people: People,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
    visitor: httpx.AsyncClient,
) -> None:
    eve = await make_user("eve@example.org", name="Eve Optique")
    await set_user(sessionmaker, eve.id, company_name="Optique Précise", country="FR")
    await add_profile(
        sessionmaker,
        eve.id,
        "supplier",
        "Optics",
        items=[{"kind": "offer", "title": "Étalonnage laser", "keywords": ["Métrologie dimensionnelle"]}],
    )
    for query in ("etalonnage laser", "ÉTALONNAGE", "metrologie dimensionnelle", "précise", "precise"):
        response = await visitor.get("/b2b", params={"q": query, "kind": "offer"})
        assert "Optique Précise" in card_names(response.text), query
    response = await visitor.get("/b2b", params={"q": "etalonnage laser", "kind": "need"})
    assert card_names(response.text) == []


async def test_marketplace_search_is_bounded_in_length(visitor: httpx.AsyncClient) -> None:
    response = await visitor.get("/b2b", params={"q": "lumicron" + "x" * 5000})
    assert response.status_code == 200
    assert card_names(response.text) == []
    assert 'value="lumicron' + "x" * 92 + '"' in response.text


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"role": "buyer"}, ["Aerotech GmbH", "Calibrix Métrologie"]),  # "both" counts as a buyer
        ({"role": "supplier"}, ["Calibrix Métrologie", "Lumicron Laser"]),
        ({"kind": "offer"}, ["Calibrix Métrologie", "Lumicron Laser"]),
        ({"kind": "need"}, ["Aerotech GmbH", "Calibrix Métrologie"]),
        ({"theme": "laser"}, ["Aerotech GmbH", "Lumicron Laser"]),
        ({"theme": "metrology"}, ["Calibrix Métrologie"]),
        ({"sector": "health"}, ["Lumicron Laser"]),
        ({"sector": "space"}, []),
        ({"country": "DE"}, ["Aerotech GmbH"]),  # the account's country, without a company record
        ({"country": "fr"}, ["Lumicron Laser"]),  # the company's country
        ({"country": "BE"}, ["Calibrix Métrologie"]),
        ({"theme": "laser", "sector": "aeronautics"}, ["Aerotech GmbH"]),
        # Theme and sector of one same item: Bea's metrology item is not a micro-nano one.
        ({"theme": "micro-nano", "sector": "automotive"}, []),
        ({"kind": "offer", "q": "titanium"}, ["Lumicron Laser"]),
        ({"kind": "need", "q": "titanium"}, []),  # titanium is in an offer, not a need
        ({"kind": "offer", "q": "micro-welding"}, ["Lumicron Laser"]),  # the profile's text, with an offer
        ({"kind": "need", "q": "micro-welding"}, []),
        ({"q": "laser", "role": "buyer", "country": "DE", "kind": "need"}, ["Aerotech GmbH"]),
    ],
)
async def test_marketplace_filters(
    visitor: httpx.AsyncClient, params: dict[str, str], names: list[str]
) -> None:
    response = await visitor.get("/b2b", params=params)
    assert response.status_code == 200
    assert card_names(response.text) == names


async def test_marketplace_card_lists_only_the_items_passing_the_filter(visitor: httpx.AsyncClient) -> None:
    page = (await visitor.get("/b2b", params={"kind": "offer"})).text
    card = page[page.index("Calibrix Métrologie") :].split('data-testid="participant-card"')[0]
    assert "Tomographie 3D" in card
    assert "Sources X compactes" not in card


async def test_marketplace_filter_choices(visitor: httpx.AsyncClient) -> None:
    page = (await visitor.get("/b2b")).text
    assert options(page, "role") == ["", "buyer", "supplier"]
    assert options(page, "kind") == ["", "offer", "need"]
    assert options(page, "theme") == ["", "laser", "metrology", "micro-nano"]
    assert options(page, "sector")[:3] == ["", "aeronautics", "automotive"]
    # Only the countries of listed participants, by name: Belgium, France, Germany.
    assert options(page, "country") == ["", "BE", "FR", "DE"]


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "unknown"},
        {"sector": "piracy"},
        {"country": "XX"},
        {"role": "both"},
        {"kind": "gift"},
        {"page": "0"},
        {"page": "2"},
        {"page": "a"},
        {"page": "²"},
        {"page": "-1"},
        {"page": "abc"},
        {"page": "99999999999999999999"},
    ],
)
async def test_marketplace_answers_404_for_an_unknown_filter_or_page(
    visitor: httpx.AsyncClient, params: dict[str, str]
) -> None:
    assert (await visitor.get("/b2b", params=params)).status_code == 404


async def test_marketplace_pages_hold_page_size_participants(
    people: People,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
) -> None:
    for number in range(PAGE_SIZE):
        user = await make_user(f"zeta{number}@example.org", name=f"Zeta {number}")
        await set_user(sessionmaker, user.id, company_name=f"Zeta {number:02d}", country="CH")
        await add_profile(sessionmaker, user.id, "supplier", "Swiss")
    await log_in_as(client, "anonymous")
    first = (await client.get("/b2b")).text
    assert len(card_names(first)) == PAGE_SIZE
    assert card_names(first)[:4] == [*ALL, "Zeta 00"]
    assert "23 participants" in first
    assert 'href="/b2b?page=2"' in first
    assert "Page 1 of 2" in first
    last = (await client.get("/b2b", params={"page": "2"})).text
    assert card_names(last) == ["Zeta 17", "Zeta 18", "Zeta 19"]
    assert 'href="/b2b"' in last
    assert (await client.get("/b2b", params={"page": "2", "country": "CH"})).status_code == 404


# --- the landing ------------------------------------------------------------------------------------------


async def test_marketplace_invites_an_anonymous_visitor_to_log_in_and_join(
    visitor: httpx.AsyncClient,
) -> None:
    page = (await visitor.get("/b2b")).text
    assert '<a class="button" href="/login?next=%2Fb2b%2Fprofile">Log in to join the B2B event</a>' in page


async def test_marketplace_invites_a_user_without_profile_to_join(
    people: People, client: httpx.AsyncClient
) -> None:
    await log_in_as(client, "attendee")
    page = (await client.get("/b2b")).text
    assert "You are not yet a participant of the B2B event" in page
    assert '<a class="button" href="/b2b/profile">Join the B2B event</a>' in page


async def test_marketplace_shows_a_participant_their_suggestions(
    people: People, client: httpx.AsyncClient
) -> None:
    await log_in_as(client, "participant")
    page = (await client.get("/b2b")).text
    assert '<a class="button" href="/b2b/suggestions">Suggested partners</a>' in page
    assert "Join the B2B event" not in page


# --- a participant's page ---------------------------------------------------------------------------------


def meeting_action(page: str) -> str:
    return " ".join(page.split('data-testid="meeting-action">')[1].split("</p>")[0].split())


async def test_participant_page_shows_profile_and_items(people: People, client: httpx.AsyncClient) -> None:
    await log_in_as(client, "other_participant")
    page = (await client.get(f"/b2b/participants/{people.paula_profile.id}")).text
    assert "<h1>Lumicron Laser</h1>" in page
    assert '<p class="lead">Laser micro-welding for medical devices</p>' in page
    assert "<dt>Takes part as</dt><dd>Supplier</dd>" in page
    assert "<dt>Contact</dt><dd>Paula Participant</dd>" in page
    assert "<dt>Country</dt><dd>France</dd>" in page
    assert "<h2>Offers</h2>" in page
    assert "<h2>Needs</h2>" not in page
    assert "<h3>Laser welding of titanium housings</h3>" in page
    assert "<p>Hermetic seams.</p>" in page
    assert '<span class="badge">Laser processes</span>' in page
    assert '<span class="badge">Health and medical devices</span>' in page
    assert "Keywords: laser welding, titanium" in page


async def test_participant_page_escapes_what_participants_write(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    profile = await add_profile(
        sessionmaker, people.ada.id, "buyer", "<script>x</script>", description="a <b>b</b>\n\nc"
    )
    await log_in_as(client, "anonymous")
    page = (await client.get(f"/b2b/participants/{profile.id}")).text
    assert "<script>x</script>" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<p>a &lt;b&gt;b&lt;/b&gt;</p><p>c</p>" in page


@pytest.mark.parametrize(
    ("role", "action"),
    [
        ("other_participant", '<a class="button" href="/b2b/requests/new?to={id}">Request a meeting</a>'),
        (
            "anonymous",
            '<a class="button" href="/login?next=%2Fb2b%2Frequests%2Fnew%3Fto%3D{id}">'
            "Log in to request a meeting</a>",
        ),
        ("attendee", '<a class="button" href="/b2b/profile">Join the B2B event to request a meeting</a>'),
        ("participant", '<a class="button" href="/b2b/profile">Edit my profile</a>'),
    ],
)
async def test_participant_page_meeting_button_depends_on_the_visitor(
    people: People, client: httpx.AsyncClient, role: str, action: str
) -> None:
    await log_in_as(client, role)
    page = (await client.get(f"/b2b/participants/{people.paula_profile.id}")).text
    assert meeting_action(page) == action.format(id=people.paula_profile.id)


async def test_participant_page_of_a_paused_profile_is_for_its_owner_and_organisers(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    paused = (await add_profile(sessionmaker, people.ada.id, "buyer", "Paused", is_active=False)).id
    await log_in_as(client, "attendee")
    page = (await client.get(f"/b2b/participants/{paused}")).text
    assert "This profile is paused" in page
    assert meeting_action(page) == '<a class="button" href="/b2b/profile">Edit my profile</a>'
    client.cookies.clear()
    await log_in_as(client, "organiser")
    page = (await client.get(f"/b2b/participants/{paused}")).text
    assert "This profile is paused" in page
    assert meeting_action(page) == ""
