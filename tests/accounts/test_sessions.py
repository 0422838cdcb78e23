from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from emicronora.accounts import ratelimit
from emicronora.models import LoginAttempt, LoginSession, User
from emicronora.people import roles
from tests.conftest import PASSWORD, csrf_token, login, post_form


async def test_login_sets_httponly_lax_cookie_and_redirects_to_next(
    client: httpx.AsyncClient, make_user
) -> None:
    await make_user("ada@example.org")
    token = await csrf_token(client, "/login?next=/agenda")
    response = await client.post(
        "/login",
        data={"csrf_token": token, "email": "ADA@example.org", "password": PASSWORD, "next": "/agenda"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/agenda"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("em_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain http in tests


async def test_login_refuses_an_offsite_next(client: httpx.AsyncClient, make_user) -> None:
    await make_user("ada@example.org")
    response = await post_form(
        client, "/login", {"email": "ada@example.org", "password": PASSWORD, "next": "//evil.example/x"}
    )
    assert response.headers["location"] == "/"


async def test_login_with_a_wrong_password_says_so_without_telling_which_part(
    client: httpx.AsyncClient, make_user
) -> None:
    await make_user("ada@example.org")
    client.cookies.set("em_lang", "en")
    wrong = await post_form(client, "/login", {"email": "ada@example.org", "password": "not the password"})
    unknown = await post_form(
        client, "/login", {"email": "nobody@example.org", "password": "not the password"}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong e-mail address or password." in wrong.text
    assert "Wrong e-mail address or password." in unknown.text
    assert 'value="ada@example.org"' in wrong.text


async def test_logout_makes_a_copied_cookie_useless(client: httpx.AsyncClient, make_user) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    copied = client.cookies.get("em_session")
    response = await post_form(client, "/logout", {}, token_from="/account")
    assert response.status_code == 303
    client.cookies.set("em_session", copied)
    after = await client.get("/account")
    assert after.status_code == 303
    assert after.headers["location"] == "/login?next=/account"


async def test_password_change_revokes_other_sessions_and_keeps_this_one(
    client: httpx.AsyncClient, make_user, settings
) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    other_device = client.cookies.get("em_session")
    new_password = "a brand new passphrase 42"
    response = await post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": new_password, "new_password_confirm": new_password},
        token_from="/account",
    )
    assert response.status_code == 303
    assert (await client.get("/account")).status_code == 200  # the browser that changed it stays in
    this_device = client.cookies.get("em_session")
    client.cookies.set("em_session", other_device)
    assert (await client.get("/account")).status_code == 303
    client.cookies.set("em_session", this_device)
    await post_form(client, "/logout", {}, token_from="/account")
    assert (
        await post_form(client, "/login", {"email": "ada@example.org", "password": new_password})
    ).status_code == 303


async def test_password_change_bad_inputs_are_shown_next_to_fields(
    client: httpx.AsyncClient, make_user
) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    client.cookies.set("em_lang", "en")
    response = await post_form(
        client,
        "/account/password",
        {"current_password": "wrong", "new_password": "short", "new_password_confirm": "short"},
        token_from="/account",
    )
    assert response.status_code == 400
    assert "This is not your current password." in response.text
    assert "Use at least 12 characters." in response.text


async def test_disabled_account_loses_its_sessions_at_once(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    async with sessionmaker() as db, db.begin():
        user = await db.scalar(select(User))
        await roles.set_active(db, user, None, False)
    assert (await client.get("/account")).status_code == 303
    refused = await post_form(client, "/login", {"email": "ada@example.org", "password": PASSWORD})
    assert refused.status_code == 400


async def test_organiser_session_ends_after_30_idle_minutes(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    async with sessionmaker() as db, db.begin():
        await db.execute(update(LoginSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    assert (await client.get("/account")).status_code == 303


async def test_attendee_session_survives_an_idle_hour_but_not_12_hours(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    async with sessionmaker() as db, db.begin():
        await db.execute(update(LoginSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=61)))
    assert (await client.get("/account")).status_code == 200
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(LoginSession).values(created_at=datetime.now(UTC) - timedelta(hours=12, minutes=1))
        )
    assert (await client.get("/account")).status_code == 303


async def test_login_is_throttled_per_account_with_429(
    client: httpx.AsyncClient, make_user, settings
) -> None:
    await make_user("ada@example.org")
    client.cookies.set("em_lang", "en")
    for _ in range(settings.login_max_failures_per_account):
        assert (
            await post_form(client, "/login", {"email": "ada@example.org", "password": "nope nope"})
        ).status_code == 400
    blocked = await post_form(client, "/login", {"email": "ada@example.org", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Too many failed attempts. Wait 15 minutes and retry." in blocked.text


async def test_login_is_throttled_per_ip_across_accounts(
    client: httpx.AsyncClient, settings, sessionmaker
) -> None:
    async with sessionmaker() as db, db.begin():
        now = datetime.now(UTC)
        db.add_all(
            LoginAttempt(
                email=ratelimit.login_budget(f"user{i}@example.org", "", settings).key, ip="127.0.0.1", at=now
            )
            for i in range(settings.login_max_failures_per_ip)
        )
    response = await post_form(
        client, "/login", {"email": "someone@example.org", "password": "whatever it is"}
    )
    assert response.status_code == 429
