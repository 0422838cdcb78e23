"""Pages shown to a logged-in person are never stored by a cache (Cache-Control: no-store), so that the Back
button after logout cannot show them again; pages for anonymous visitors keep their caching."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.app import create_app
from emicronora.settings import Settings
from tests.b2b.profile_world import add_profile
from tests.conftest import login, post_form
from tests.web.test_pagination import get_paths

# The pages with the most personal data: video-room links, the secret feed address, leads, people, mail.
PRIVATE_PAGES = [
    "/account",
    "/b2b/agenda",
    "/b2b/requests",
    "/calendar",
    "/exhibitor-area/leads",
    "/organiser/people",
    "/organiser/audit",
    "/organiser/mail",
]


async def log_in_everywhere(
    client: httpx.AsyncClient, make_user, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """An organiser who exhibits and takes part in the B2B meetings: every private page is theirs to see."""
    user = await make_user("olga@example.org", organiser=True, exhibitor=True, name="Olga Organiser")
    await add_profile(sessionmaker, user.id, "buyer", "Achats laser")
    await login(client, "olga@example.org")


async def test_each_private_page_is_sent_with_no_store(
    client: httpx.AsyncClient, make_user, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_everywhere(client, make_user, sessionmaker)
    for path in PRIVATE_PAGES:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path


async def test_every_page_of_the_site_for_a_logged_in_person_is_sent_with_no_store(
    client: httpx.AsyncClient, make_user, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await log_in_everywhere(client, make_user, sessionmaker)
    stored = []
    for path, _route in get_paths(list(create_app(settings).routes)):
        response = await client.get(path)
        cache_control = response.headers.get("cache-control")
        if response.headers.get("content-type", "").startswith("text/html") and cache_control != "no-store":
            stored.append((path, response.status_code, cache_control))
    assert stored == []


async def test_after_logout_the_same_pages_are_public_and_keep_their_caching(
    client: httpx.AsyncClient, make_user, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_everywhere(client, make_user, sessionmaker)
    assert (await client.get("/programme")).headers["cache-control"] == "no-store"
    await post_form(client, "/logout", {}, token_from="/account")
    anonymous = await client.get("/programme")
    assert anonymous.status_code == 200
    assert "cache-control" not in anonymous.headers
    assert (await client.get("/account")).status_code == 303  # to the login page, never the old page
