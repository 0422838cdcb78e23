"""B2B profiles: joining the event, editing the profile, adding, changing and deleting offers and needs;
bad input re-rendered with a message next to the field and nothing written; the permission matrix of the
profile, marketplace and suggestion routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.marketplace import forms, operations, queries
from emicronora.forms import Form
from emicronora.models import B2BProfile, User
from tests.b2b.profile_world import (
    People,
    add_profile,
    items_of,
    log_in_as,
    make_people,
    profile_state,
)
from tests.conftest import post_form

PROFILE_FORM = {"role": "buyer", "headline": "Buying micro-parts", "description": "Aero.", "max_meetings": ""}
ITEM_FORM = {
    "kind": "need",
    "title": "Laser-welding partner",
    "description": "Hermetic medical housings.",
    "themes": "laser",
    "sectors": "health",
    "keywords": "laser welding, titanium",
}


@pytest.fixture
async def people(
    make_user: Callable[..., Awaitable[User]], sessionmaker: async_sessionmaker[AsyncSession]
) -> People:
    return await make_people(make_user, sessionmaker)


async def profile_of_user(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> B2BProfile | None:
    async with sessionmaker() as db:
        return await db.scalar(select(B2BProfile).where(B2BProfile.user_id == user_id))


# --- joining and editing ----------------------------------------------------------------------------------


async def test_profile_join_creates_the_profile_and_makes_a_participant(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "attendee")
    page = (await client.get("/b2b/profile")).text
    assert "<h1>Join the B2B event</h1>" in page
    response = await post_form(client, "/b2b/profile", {**PROFILE_FORM, "max_meetings": "8"})
    assert response.status_code == 303
    assert response.headers["location"] == "/b2b/profile?joined=1"
    profile = await profile_of_user(sessionmaker, people.ada.id)
    assert profile is not None
    assert (profile.role, profile.headline, profile.description, profile.max_meetings, profile.is_active) == (
        "buyer",
        "Buying micro-parts",
        "Aero.",
        8,
        True,
    )
    page = (await client.get("/b2b/profile?joined=1")).text
    assert "<h1>My B2B profile</h1>" in page
    assert "Welcome to the B2B event." in page
    assert f'<a href="/b2b/participants/{profile.id}">See my public profile</a>' in page


async def test_profile_of_answers_the_users_profile_or_none(
    people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        paula = await db.get_one(User, people.paula.id)
        ada = await db.get_one(User, people.ada.id)
        found = await queries.profile_of(db, paula)
        assert found is not None and found.id == people.paula_profile.id
        assert await queries.profile_of(db, ada) is None


async def test_profile_edit_updates_the_profile(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "participant")
    page = (await client.get("/b2b/profile")).text
    assert 'value="Laser micro-welding for medical devices"' in page
    assert '<option value="supplier" selected>Supplier</option>' in page
    form = {"role": "both", "headline": "Laser welding", "description": "", "max_meetings": "12"}
    response = await post_form(client, "/b2b/profile", form)
    assert response.headers["location"] == "/b2b/profile?saved=1"
    profile = await profile_of_user(sessionmaker, people.paula.id)
    assert profile is not None
    assert (profile.id, profile.role, profile.headline, profile.description, profile.max_meetings) == (
        people.paula_profile.id,
        "both",
        "Laser welding",
        "",
        12,
    )


async def test_profile_page_shows_the_company_record_or_the_registration_company(
    people: People, client: httpx.AsyncClient
) -> None:
    await log_in_as(client, "participant")
    page = (await client.get("/b2b/profile")).text
    assert "<dd>Lumicron Laser (France)</dd>" in page
    assert "The company you gave when you registered." not in page
    client.cookies.clear()
    await log_in_as(client, "other_participant")
    page = (await client.get("/b2b/profile")).text
    assert "<dd>Aerotech GmbH (Germany)</dd>" in page
    assert "The company you gave when you registered." in page


PROFILE_ERRORS = [
    ({"role": ""}, "role", "Choose one of the options."),
    ({"role": "seller"}, "role", "Choose one of the options."),
    ({"headline": "  "}, "headline", "This field is required."),
    ({"headline": "h" * 201}, "headline", "At most 200 characters."),
    ({"description": "d" * 5001}, "description", "At most 5000 characters."),
    ({"max_meetings": "0"}, "max_meetings", "Enter a number from 1 to 50."),
    ({"max_meetings": "51"}, "max_meetings", "Enter a number from 1 to 50."),
    ({"max_meetings": "ten"}, "max_meetings", "Enter a whole number."),
]


@pytest.mark.parametrize(("role", "who"), [("attendee", "joining"), ("participant", "editing")])
@pytest.mark.parametrize(
    ("changes", "field", "message"), PROFILE_ERRORS, ids=[str(c) for c, _f, _m in PROFILE_ERRORS]
)
async def test_profile_bad_input_rerenders_with_message_next_to_field(
    people: People,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    role: str,
    who: str,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    await log_in_as(client, role)
    before = await profile_state(sessionmaker)
    form = {**PROFILE_FORM, "headline": "Kept <value>", **changes}
    response = await post_form(client, "/b2b/profile", form)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    if field != "headline":
        assert 'value="Kept &lt;value&gt;"' in response.text
    assert await profile_state(sessionmaker) == before


# --- items ------------------------------------------------------------------------------------------------


async def test_item_add_stores_it_with_parsed_keywords(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "participant")
    page = (await client.get("/b2b/profile/items/new?kind=need")).text
    assert '<option value="need" selected>Need</option>' in page
    form = {
        **ITEM_FORM,
        "themes": "laser,metrology",
        "keywords": " Laser  welding ; titanium,LASER WELDING,\n",
    }
    response = await post_form(client, "/b2b/profile/items/new", form)
    assert response.status_code == 303
    _offer, added = await items_of(sessionmaker, people.paula_profile.id)
    assert response.headers["location"] == f"/b2b/profile#item-{added.id}"
    assert (added.kind, added.title, added.description, added.themes, added.sectors, added.keywords) == (
        "need",
        "Laser-welding partner",
        "Hermetic medical housings.",
        ["laser", "metrology"],
        ["health"],
        ["Laser welding", "titanium"],
    )
    page = (await client.get("/b2b/profile")).text
    assert f'<tr id="item-{added.id}" data-testid="item-row">' in page
    assert "<td>Laser processes, Metrology, Health and medical devices</td>" in page


async def test_item_edit_changes_it(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "participant")
    url = f"/b2b/profile/items/{people.paula_item.id}/edit"
    page = (await client.get(url)).text
    assert 'value="laser welding, titanium"' in page
    assert '<input type="checkbox" name="themes" value="laser" checked>' in page
    response = await post_form(client, url, {**ITEM_FORM, "kind": "offer", "themes": "", "keywords": ""})
    assert response.headers["location"] == f"/b2b/profile#item-{people.paula_item.id}"
    (item,) = await items_of(sessionmaker, people.paula_profile.id)
    assert (item.kind, item.title, item.themes, item.sectors, item.keywords) == (
        "offer",
        "Laser-welding partner",
        [],
        ["health"],
        [],
    )


async def test_item_delete_removes_it(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "participant")
    response = await post_form(client, f"/b2b/profile/items/{people.paula_item.id}/delete", {})
    assert response.headers["location"] == "/b2b/profile#items"
    assert await items_of(sessionmaker, people.paula_profile.id) == []
    assert "No offer or need yet" in (await client.get("/b2b/profile")).text


ITEM_ERRORS = [
    ({"kind": "gift"}, "kind", "Choose one of the options."),
    ({"kind": ""}, "kind", "Choose one of the options."),
    ({"title": ""}, "title", "This field is required."),
    ({"title": "t" * 201}, "title", "At most 200 characters."),
    ({"description": "d" * 5001}, "description", "At most 5000 characters."),
    ({"themes": "laser,piracy"}, "themes", "Choose among the options listed."),
    ({"sectors": "health,tobacco"}, "sectors", "Choose among the options listed."),
    ({"keywords": ",".join(f"k{n}" for n in range(11))}, "keywords", "At most 10 keywords."),
    ({"keywords": "ok, " + "k" * 41}, "keywords", "Each keyword has at most 40 characters."),
]


@pytest.mark.parametrize("action", ["new", "edit"])
@pytest.mark.parametrize(
    ("changes", "field", "message"), ITEM_ERRORS, ids=[str(c)[:40] for c, _f, _m in ITEM_ERRORS]
)
async def test_item_bad_input_rerenders_with_message_next_to_field(
    people: People,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    action: str,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    await log_in_as(client, "participant")
    before = await profile_state(sessionmaker)
    url = "/b2b/profile/items/new" if action == "new" else f"/b2b/profile/items/{people.paula_item.id}/edit"
    response = await post_form(client, url, {**ITEM_FORM, "description": "Kept", **changes})
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    if field != "description":
        assert ">Kept</textarea>" in response.text
    assert await profile_state(sessionmaker) == before


async def test_item_add_refuses_an_eleventh_item(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "participant")
    for number in range(forms.MAX_ITEMS - 1):
        response = await post_form(client, "/b2b/profile/items/new", {**ITEM_FORM, "title": f"Need {number}"})
        assert response.status_code == 303
    assert len(await items_of(sessionmaker, people.paula_profile.id)) == 10
    page = (await client.get("/b2b/profile")).text
    assert "Add an offer" not in page
    before = await profile_state(sessionmaker)
    response = await post_form(client, "/b2b/profile/items/new", {**ITEM_FORM, "title": "One too many"})
    assert response.status_code == 400
    message = "A profile holds at most 10 offers and needs: edit or delete one instead."
    assert f'<p class="error" id="e-items">{message}</p>' in response.text
    assert 'value="One too many"' in response.text
    assert await profile_state(sessionmaker) == before
    # Editing one of the ten is still possible.
    first = (await items_of(sessionmaker, people.paula_profile.id))[0]
    edited = await post_form(client, f"/b2b/profile/items/{first.id}/edit", ITEM_FORM)
    assert edited.status_code == 303


async def test_item_of_another_participant_answers_404_and_writes_nothing(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "other_participant")
    before = await profile_state(sessionmaker)
    item = people.paula_item.id
    assert (await client.get(f"/b2b/profile/items/{item}/edit")).status_code == 404
    assert (await post_form(client, f"/b2b/profile/items/{item}/edit", ITEM_FORM)).status_code == 404
    assert (await post_form(client, f"/b2b/profile/items/{item}/delete", {})).status_code == 404
    assert (await client.get("/b2b/profile/items/999999/edit")).status_code == 404
    assert await profile_state(sessionmaker) == before


async def test_item_pages_send_a_user_without_profile_to_join_first(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "attendee")
    before = await profile_state(sessionmaker)
    for response in (
        await client.get("/b2b/profile/items/new"),
        await post_form(client, "/b2b/profile/items/new", ITEM_FORM),
    ):
        assert response.status_code == 303
        assert response.headers["location"] == "/b2b/profile"
    assert await profile_state(sessionmaker) == before


async def test_save_item_is_usable_without_a_request(
    people: People, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """What a seed script does: domain functions with a session and a Form."""
    async with sessionmaker() as db, db.begin():
        ada = await db.get_one(User, people.ada.id)
        profile = await operations.save_profile(
            db, Form(values={"role": "both", "headline": "Seeded"}), ada, None
        )
        assert profile is not None
        item = await operations.save_item(
            db, Form(values={"kind": "offer", "title": "Seeded offer"}), profile, None, []
        )
        assert item is not None
    async with sessionmaker() as db:
        ada = await db.get_one(User, people.ada.id)
        found = await queries.profile_of(db, ada)
        assert found is not None
        assert [i.title for i in await queries.items_of(db, found.id)] == ["Seeded offer"]


# --- permissions ------------------------------------------------------------------------------------------

ROLES = ("anonymous", "participant", "other_participant", "organiser")
LOGIN = "login"  # anonymous visitors are sent to the login page
JOIN = "join"  # a logged-in user without a profile is sent to create one first


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(ROLES, status)


def logged_in(ok: int) -> dict[str, int | str]:
    return {"anonymous": LOGIN, "participant": ok, "other_participant": ok, "organiser": ok}


def with_profile(ok: int) -> dict[str, int | str]:
    return {"anonymous": LOGIN, "participant": ok, "other_participant": ok, "organiser": JOIN}


def item_owner(ok: int) -> dict[str, int | str]:
    """Paula's item: only Paula; others may not learn it exists."""
    return {"anonymous": LOGIN, "participant": ok, "other_participant": 404, "organiser": 404}


def paused_profile() -> dict[str, int | str]:
    return {"anonymous": 404, "participant": 404, "other_participant": 404, "organiser": 200}


# (method, path, form data, expected per role). Placeholders are ids of the `people` fixture.
ROUTES: list[tuple[str, str, dict[str, str], dict[str, int | str]]] = [
    ("GET", "/b2b", {}, everyone(200)),
    ("GET", "/b2b?q=laser&role=supplier", {}, everyone(200)),
    ("GET", "/b2b/profile", {}, logged_in(200)),
    ("POST", "/b2b/profile", PROFILE_FORM, logged_in(303)),
    ("GET", "/b2b/profile/items/new", {}, with_profile(200)),
    ("POST", "/b2b/profile/items/new", ITEM_FORM, with_profile(303)),
    ("GET", "/b2b/profile/items/{item}/edit", {}, item_owner(200)),
    ("POST", "/b2b/profile/items/{item}/edit", ITEM_FORM, item_owner(303)),
    ("POST", "/b2b/profile/items/{item}/delete", {}, item_owner(303)),
    ("GET", "/b2b/participants/{profile}", {}, everyone(200)),
    ("GET", "/b2b/participants/{paused}", {}, paused_profile()),
    ("GET", "/b2b/participants/999999", {}, everyone(404)),
    ("GET", "/b2b/suggestions", {}, logged_in(200)),
]
CASES = [(role, *route) for route in ROUTES for role in ROLES]
CASE_IDS = [f"{role}-{method} {path}" for method, path, _d, _e in ROUTES for role in ROLES]


@pytest.mark.parametrize(("role", "method", "path", "data", "expected"), CASES, ids=CASE_IDS)
async def test_b2b_profile_route_answers_each_role(
    people: People,
    client: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
    role: str,
    method: str,
    path: str,
    data: dict[str, str],
    expected: dict[str, int | str],
) -> None:
    paused_user = await make_user("paused@example.org", name="Paused Participant")
    paused = await add_profile(sessionmaker, paused_user.id, "buyer", "Paused", is_active=False)
    url = path.format(item=people.paula_item.id, profile=people.paula_profile.id, paused=paused.id)
    await log_in_as(client, role)
    before = await profile_state(sessionmaker)
    response = await (client.get(url) if method == "GET" else post_form(client, url, data))
    outcome = expected[role]
    if outcome == LOGIN:
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=" + quote(url)
    elif outcome == JOIN:
        assert response.status_code == 303
        assert response.headers["location"] == "/b2b/profile"
    else:
        assert response.status_code == outcome, response.text
    if outcome in (LOGIN, JOIN, 404):
        assert await profile_state(sessionmaker) == before
