"""Who may use the organiser area: every route, every role. Anonymous visitors are sent to the login page,
attendees and exhibitors are refused (403) and nothing is written, organisers get the page or the action."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import login, post_form
from tests.organiser.conftest import CANDIDATE, ORGANISER, programme_state

SESSION_FORM = {
    "kind": "webinar",
    "title": "Découpe laser femtoseconde",
    "abstract": "Usinage sans bavure.",
    "day_id": "{day}",
    "theme_id": "{theme}",
    "starts_at": "16:00",
    "ends_at": "17:00",
    "speaker_ids": "{speaker}",
}

# (method, path, form data, status for an organiser). Placeholders are the ids of the `programme` fixture.
ROUTES: list[tuple[str, str, dict[str, str], int]] = [
    ("GET", "/organiser/", {}, 200),
    ("GET", "/organiser/sessions/new", {}, 200),
    ("POST", "/organiser/sessions/new", SESSION_FORM, 303),
    ("GET", "/organiser/sessions/{session}/edit", {}, 200),
    ("POST", "/organiser/sessions/{session}/edit", SESSION_FORM, 303),
    ("POST", "/organiser/sessions/{session}/cancel", {}, 303),
    ("POST", "/organiser/sessions/{cancelled}/restore", {}, 303),
    ("POST", "/organiser/sessions/{session}/move", {"direction": "down"}, 303),
    ("POST", "/organiser/sessions/{session}/moderators", {"email": CANDIDATE}, 303),
    ("POST", "/organiser/sessions/{session}/moderators/{moderator}/remove", {}, 303),
    ("GET", "/organiser/days/new", {}, 200),
    ("POST", "/organiser/days/new", {"date": "2020-09-24", "theme_id": "{theme}"}, 303),
    ("GET", "/organiser/days/{day}/edit", {}, 200),
    ("POST", "/organiser/days/{day}/edit", {"date": "2020-09-22", "theme_id": "{theme2}"}, 303),
    ("POST", "/organiser/days/{day}/cancel", {}, 303),
    ("POST", "/organiser/days/{day2}/restore", {}, 303),
    ("POST", "/organiser/days/{day}/move", {"direction": "down"}, 303),
    ("POST", "/organiser/days/{spare_day}/delete", {}, 303),
    ("GET", "/organiser/themes/new", {}, 200),
    ("POST", "/organiser/themes/new", {"slug": "micro-nano", "name_fr": "Micro", "name_en": "Micro"}, 303),
    ("GET", "/organiser/themes/{theme}/edit", {}, 200),
    (
        "POST",
        "/organiser/themes/{theme}/edit",
        {"slug": "laser", "name_fr": "Laser", "name_en": "Laser"},
        303,
    ),
    ("POST", "/organiser/themes/{theme}/move", {"direction": "down"}, 303),
    ("POST", "/organiser/themes/{spare_theme}/delete", {}, 303),
    ("GET", "/organiser/speakers/new", {}, 200),
    ("POST", "/organiser/speakers/new", {"name": "Ada Lovelace"}, 303),
    ("GET", "/organiser/speakers/{speaker}/edit", {}, 200),
    ("POST", "/organiser/speakers/{speaker}/edit", {"name": "Marie Curie"}, 303),
    ("POST", "/organiser/speakers/{speaker}/move", {"direction": "up"}, 303),
    ("POST", "/organiser/speakers/{speaker}/delete", {}, 303),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _data, _status in ROUTES]


def ids_of(programme: dict[str, Any]) -> dict[str, int]:
    return {
        "session": programme["welding"].id,
        "cancelled": programme["tomography"].id,
        "day": programme["days"][0].id,
        "day2": programme["days"][1].id,
        "spare_day": programme["spare_day"].id,
        "theme": programme["themes"][0].id,
        "theme2": programme["themes"][1].id,
        "spare_theme": programme["spare_theme"].id,
        "speaker": programme["speaker"].id,
        "moderator": programme["moderator"].id,
    }


async def call(
    client: httpx.AsyncClient, method: str, path: str, data: dict[str, str], ids: dict[str, int]
) -> httpx.Response:
    url = path.format(**ids)
    if method == "GET":
        return await client.get(url)
    return await post_form(client, url, {key: value.format(**ids) for key, value in data.items()})


@pytest.mark.parametrize(("method", "path", "data", "_status"), ROUTES, ids=ROUTE_IDS)
async def test_organiser_route_sends_anonymous_visitors_to_login(
    client: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    method: str,
    path: str,
    data: dict[str, str],
    _status: int,
) -> None:
    ids = ids_of(programme)
    before = await programme_state(sessionmaker)
    response = await call(client, method, path, data, ids)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote(path.format(**ids))
    assert await programme_state(sessionmaker) == before


@pytest.mark.parametrize("role", ["attendee", "exhibitor"])
@pytest.mark.parametrize(("method", "path", "data", "_status"), ROUTES, ids=ROUTE_IDS)
async def test_organiser_route_refuses_attendees_and_exhibitors(
    client: httpx.AsyncClient,
    programme: dict[str, Any],
    make_user: Callable[..., Awaitable[Any]],
    sessionmaker: async_sessionmaker[AsyncSession],
    role: str,
    method: str,
    path: str,
    data: dict[str, str],
    _status: int,
) -> None:
    email = f"{role}@example.org"
    await make_user(email, exhibitor=role == "exhibitor")
    await login(client, email)
    before = await programme_state(sessionmaker)
    response = await call(client, method, path, data, ids_of(programme))
    assert response.status_code == 403
    assert await programme_state(sessionmaker) == before


@pytest.mark.parametrize(("method", "path", "data", "status"), ROUTES, ids=ROUTE_IDS)
async def test_organiser_route_serves_organisers(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    method: str,
    path: str,
    data: dict[str, str],
    status: int,
) -> None:
    response = await call(organiser, method, path, data, ids_of(programme))
    assert response.status_code == status, response.text
    if status == 303:
        assert response.headers["location"].startswith(("/organiser/#", "/organiser/sessions/"))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/organiser/sessions/999999/edit"),
        ("POST", "/organiser/sessions/999999/edit"),
        ("POST", "/organiser/sessions/999999/cancel"),
        ("POST", "/organiser/sessions/999999/restore"),
        ("POST", "/organiser/sessions/999999/move"),
        ("POST", "/organiser/sessions/999999/moderators"),
        ("POST", "/organiser/sessions/999999/moderators/1/remove"),
        ("GET", "/organiser/days/999999/edit"),
        ("POST", "/organiser/days/999999/cancel"),
        ("POST", "/organiser/days/999999/delete"),
        ("GET", "/organiser/themes/999999/edit"),
        ("POST", "/organiser/themes/999999/delete"),
        ("GET", "/organiser/speakers/999999/edit"),
        ("POST", "/organiser/speakers/999999/move"),
    ],
)
async def test_organiser_route_answers_404_for_an_unknown_id(
    organiser: httpx.AsyncClient, programme: dict[str, Any], method: str, path: str
) -> None:
    response = await call(organiser, method, path, {"direction": "up"}, {})
    assert response.status_code == 404


async def test_organiser_post_without_csrf_token_is_refused(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await programme_state(sessionmaker)
    response = await organiser.post(f"/organiser/sessions/{programme['welding'].id}/cancel")
    assert response.status_code == 403
    response = await organiser.post(
        "/organiser/themes/new", data={"slug": "x", "name_fr": "X", "name_en": "X"}
    )
    assert response.status_code == 403
    assert await programme_state(sessionmaker) == before


async def test_organiser_post_with_a_wrong_csrf_token_is_refused(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await programme_state(sessionmaker)
    response = await organiser.post(
        f"/organiser/days/{programme['days'][0].id}/cancel", data={"csrf_token": "0" * 64}
    )
    assert response.status_code == 403
    assert await programme_state(sessionmaker) == before


async def test_organiser_link_is_shown_to_organisers_only(
    client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Any]]
) -> None:
    await make_user("attendee@example.org")
    await login(client, "attendee@example.org")
    assert 'href="/organiser/"' not in (await client.get("/programme")).text
    await make_user(ORGANISER, organiser=True)
    await login(client, ORGANISER)
    assert 'href="/organiser/"' in (await client.get("/programme")).text
