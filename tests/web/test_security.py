from __future__ import annotations

import httpx
import pytest
from asgi_lifespan import LifespanManager

from emicronora.forms import Form
from tests.conftest import csrf_token, login, post_form


async def test_every_page_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers  # http only here


async def test_hsts_is_sent_when_served_over_https(make_app) -> None:
    app = make_app(site_url="https://fair.example")
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="https://fair.example"
        ) as http,
    ):
        response = await http.get("/")
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert "Secure" in response.headers["set-cookie"]


@pytest.mark.parametrize("path", ["/login", "/register", "/logout", "/lang", "/account/password"])
async def test_post_without_csrf_token_is_refused(client: httpx.AsyncClient, path: str) -> None:
    await client.get("/login")
    response = await client.post(path, data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 403


async def test_post_with_a_token_of_another_visitor_is_refused(client: httpx.AsyncClient, make_user) -> None:
    await make_user("ada@example.org")
    stolen = await csrf_token(client)
    client.cookies.clear()
    await client.get("/login")
    response = await client.post(
        "/login", data={"csrf_token": stolen, "email": "ada@example.org", "password": "x"}
    )
    assert response.status_code == 403


async def test_post_from_another_origin_is_refused_even_with_a_token(client: httpx.AsyncClient) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/lang", data={"csrf_token": token, "locale": "en"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403


async def test_oversized_body_is_refused_with_413(client: httpx.AsyncClient, settings) -> None:
    token = await csrf_token(client)
    response = await client.post(
        "/login", data={"csrf_token": token, "email": "x" * (settings.max_body_bytes + 10), "password": "y"}
    )
    assert response.status_code == 413


async def test_get_changes_nothing_on_state_changing_urls(
    client: httpx.AsyncClient, make_user, make_programme
) -> None:
    programme = await make_programme()
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    session_id = programme["welding"].id
    assert (await client.get(f"/sessions/{session_id}/star")).status_code == 405
    assert (await client.get("/logout")).status_code == 405
    assert (await client.get("/account")).status_code == 200  # still logged in


async def test_unknown_route_renders_the_404_page(client: httpx.AsyncClient) -> None:
    client.cookies.set("em_lang", "en")
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "This page does not exist." in response.text
    assert "Back to the home page" in response.text


async def test_language_switch_is_kept_in_a_cookie_and_on_the_account(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    response = await post_form(client, "/lang", {"locale": "en", "next": "/programme"}, token_from="/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/programme"
    page = await client.get("/programme")
    assert '<html lang="en">' in page.text
    client.cookies.delete("em_lang")
    page = await client.get("/programme")  # the account remembers the choice
    assert '<html lang="en">' in page.text


@pytest.mark.parametrize(
    "path", ["/sessions/99999999999", "/sessions/2147483648", "/api/sessions/9999999999"]
)
async def test_an_id_too_large_for_the_database_is_not_found(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


def test_a_number_too_large_for_the_database_is_a_form_error_not_a_crash() -> None:
    form = Form(values={"a": "99999999999", "b": "2147483648", "c": "１２", "d": "2147483647"})
    assert [form.integer(name) for name in "abcd"] == [None, None, None, 2147483647]
    assert sorted(form.errors) == ["a", "b", "c"]
