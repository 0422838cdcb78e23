"""Every paged list reads `?page=` the same way: a page that cannot exist is a 404, never a server error."""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from emicronora.app import create_app
from emicronora.settings import Settings
from tests.conftest import login

BAD_PAGES = ["²", "-1", "0", "99999999999999999999", "abc", "1.5", "٣"]
# The lists with a page navigation, anonymous or organiser.
PAGED = {
    "/exhibitors",
    "/videos",
    "/b2b",
    "/organiser/people",
    "/organiser/audit",
    "/organiser/jobs",
    "/organiser/exports",
}


def get_paths(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    """Every GET route without path parameters, with its full path."""
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            yield from get_paths(list(route.routes), prefix + route.path)
        elif isinstance(route, Route) and "GET" in (route.methods or ()) and "{" not in route.path:
            yield prefix + route.path, route


def reads_page_number(route: Route) -> bool:
    try:
        return "page_number(" in inspect.getsource(route.endpoint)
    except (OSError, TypeError):
        return False


def test_the_paged_list_is_complete(settings: Settings) -> None:
    app = create_app(settings)
    # A list whose handler reads the page itself must be walked below (some read it through a helper).
    assert {path for path, route in get_paths(list(app.routes)) if reads_page_number(route)} <= PAGED


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("path", sorted(PAGED))
async def test_a_page_that_cannot_exist_is_not_found(
    client: httpx.AsyncClient, make_user, path: str, page: str
) -> None:
    await make_user("organiser@example.org", organiser=True)
    await login(client, "organiser@example.org")
    response = await client.get(path, params={"page": page})
    assert response.status_code in (400, 404)


async def test_a_page_past_the_end_is_not_found_and_page_one_of_nothing_is_fine(
    client: httpx.AsyncClient, make_user
) -> None:
    await make_user("organiser@example.org", organiser=True)
    await login(client, "organiser@example.org")
    for path in sorted(PAGED):
        assert (await client.get(path, params={"page": "1"})).status_code == 200, path
        assert (await client.get(path, params={"page": "500"})).status_code == 404, path


async def test_no_page_of_the_site_fails_on_a_bad_page_number(
    client: httpx.AsyncClient, make_user, settings: Settings
) -> None:
    await make_user("organiser@example.org", organiser=True)
    await login(client, "organiser@example.org")
    failures = []
    for path, _route in get_paths(list(create_app(settings).routes)):
        for page in ("²", "99999999999999999999"):
            response = await client.get(path, params={"page": page})
            if response.status_code >= 500:
                failures.append((path, page, response.status_code))
    assert failures == []
