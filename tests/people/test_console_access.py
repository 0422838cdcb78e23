"""Every route of the organiser console, found by walking the app's routes (mounts included), so that a route
added later is covered without touching this test: a logged-in attendee or exhibitor gets 403 for each of
its methods (POSTs with a valid CSRF token), an anonymous visitor 403 or the login page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from emicronora.app import create_app
from emicronora.settings import Settings
from tests.conftest import csrf_token, login

PARAM = re.compile(r"{([a-zA-Z_]\w*)(?::(\w+))?}")
SAMPLES = {
    "int": "1",
    "str": "x",
    "path": "x",
    "float": "1.0",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path template) of every HTTP route under `routes`, mounts included."""
    for route in routes:
        if isinstance(route, Mount):
            yield from walk(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
                yield method, prefix + route.path


def console_routes(settings: Settings) -> list[tuple[str, str]]:
    app = create_app(settings)
    return sorted({(m, p) for m, p in walk(app.routes) if p == "/organiser" or p.startswith("/organiser/")})


def concrete(path: str) -> str:
    return PARAM.sub(lambda match: SAMPLES[match.group(2) or "str"], path)


async def request(client: httpx.AsyncClient, method: str, path: str, token: str | None) -> httpx.Response:
    data = {"csrf_token": token} if token is not None else {}
    return await client.request(method, concrete(path), data=data if method != "GET" else None)


def test_the_walk_finds_the_console_routes_of_every_area(settings: Settings) -> None:
    found = console_routes(settings)
    paths = {path for _method, path in found}
    # From the /organiser mount, from areas that list /organiser routes themselves, and from this area.
    for expected in (
        "/organiser/",
        "/organiser/days/{day_id:int}/edit",
        "/organiser/showrooms",
        "/organiser/pitches",
        "/organiser/b2b/schedule",
        "/organiser/announcements",
        "/organiser/people",
        "/organiser/people/{user_id:int}/disable",
        "/organiser/audit",
    ):
        assert expected in paths
    assert len(found) > 50
    assert {"GET", "POST"} <= {method for method, _path in found}


@pytest.mark.parametrize("role", ["attendee", "exhibitor"])
async def test_every_console_route_refuses_non_organisers(
    client: httpx.AsyncClient, settings: Settings, make_user: Callable[..., Awaitable[Any]], role: str
) -> None:
    email = f"{role}@example.org"
    await make_user(email, exhibitor=role == "exhibitor")
    await login(client, email)
    token = await csrf_token(client, "/account")
    answers = {
        (method, path): (await request(client, method, path, token)).status_code
        for method, path in console_routes(settings)
    }
    assert {route: status for route, status in answers.items() if status != 403} == {}


async def test_every_console_route_refuses_anonymous_visitors(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    token = await csrf_token(client)
    wrong = {}
    for method, path in console_routes(settings):
        response = await request(client, method, path, token)
        to_login = response.status_code in (302, 303) and response.headers["location"].startswith("/login")
        if not (response.status_code == 403 or to_login):
            wrong[(method, path)] = response.status_code
    assert wrong == {}
