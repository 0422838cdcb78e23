"""Login and reset throttles under parallel requests, what a login costs whoever the account, rehashing when
the argon2 parameters change, and `__Host-` cookies over https."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from sqlalchemy import select, update

from emicronora.models import User
from tests.conftest import PASSWORD, csrf_token, login, post_form


@pytest.fixture
def verified_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hash of every argon2 password check, in order (each one costs `argon2_memory_kib`)."""
    checked: list[str] = []
    original = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:
        checked.append(hash if isinstance(hash, str) else hash.decode())
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return checked


@asynccontextmanager
async def client_of(app: Any, base_url: str = "http://testserver") -> AsyncIterator[httpx.AsyncClient]:
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url=base_url) as http,
    ):
        yield http


async def test_parallel_wrong_passwords_get_no_more_checks_than_the_account_limit(
    client: httpx.AsyncClient, make_user, settings, verified_hashes: list[str]
) -> None:
    await make_user("ada@example.org")
    token = await csrf_token(client)
    form = {"csrf_token": token, "email": "ada@example.org", "password": "a wrong guess here"}
    responses = await asyncio.gather(*(client.post("/login", data=form) for _ in range(30)))
    limit = settings.login_max_failures_per_account
    assert Counter(response.status_code for response in responses) == {400: limit, 429: 30 - limit}
    assert len(verified_hashes) == limit


async def test_reset_requests_do_not_use_up_the_logins_of_the_connection(
    client: httpx.AsyncClient, make_user, settings
) -> None:
    await make_user("ada@example.org")
    for _ in range(10):
        sent = await post_form(client, "/account/forgot", {"email": "ada@example.org"}, "/account/forgot")
        assert sent.status_code == 200
    for n in range(settings.login_max_failures_per_ip - 10):
        wrong = await post_form(client, "/login", {"email": f"nobody{n}@example.org", "password": "x" * 12})
        assert wrong.status_code == 400
    await login(client, "ada@example.org")


async def test_unknown_and_disabled_accounts_cost_one_password_check_like_any_other(
    client: httpx.AsyncClient, make_user, sessionmaker, verified_hashes: list[str]
) -> None:
    ada = await make_user("ada@example.org")
    await make_user("bob@example.org")
    async with sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.id == ada.id).values(is_active=False))
    for email in ("ada@example.org", "nobody@example.org", "bob@example.org"):
        answer = await post_form(client, "/login", {"email": email, "password": PASSWORD + " wrong"})
        assert answer.status_code == 400
    assert len(verified_hashes) == 3
    dummy = verified_hashes[0]
    # The disabled account's own hash is never checked: its password cannot be guessed by timing either.
    assert dummy != ada.password_hash and verified_hashes[1] == dummy


@pytest.mark.parametrize(
    ("changes", "expected"), [({"argon2_time_cost": 2}, "t=2,"), ({"argon2_memory_kib": 4096}, "m=4096,")]
)
async def test_login_hashes_the_password_again_when_the_argon2_parameters_changed(
    make_app, make_user, sessionmaker, changes: dict[str, int], expected: str
) -> None:
    ada = await make_user("ada@example.org")
    assert expected not in ada.password_hash
    async with client_of(make_app(**changes)) as http:
        await login(http, "ada@example.org")
        async with sessionmaker() as db:
            rehashed = await db.scalar(select(User.password_hash).where(User.id == ada.id))
        assert rehashed is not None and expected in rehashed
        # Unchanged parameters: the hash stays as it is.
        http.cookies.clear()
        await login(http, "ada@example.org")
    async with sessionmaker() as db:
        assert await db.scalar(select(User.password_hash).where(User.id == ada.id)) == rehashed


async def test_cookies_carry_the_host_prefix_over_https(make_app, make_user) -> None:
    await make_user("ada@example.org")
    async with client_of(make_app(site_url="https://fair.example"), "https://fair.example") as http:
        page = await http.get("/login")
        anonymous = page.headers["set-cookie"]
        assert anonymous.startswith("__Host-em_anon=")
        assert "; Path=/;" in anonymous and "Secure" in anonymous and "Domain" not in anonymous
        logged_in = await login(http, "ada@example.org")
        session = logged_in.headers["set-cookie"]
        assert session.startswith("__Host-em_session=")
        assert "; Path=/;" in session and "Secure" in session and "Domain" not in session
        assert (await http.get("/account")).status_code == 200
        logout = await post_form(http, "/logout", {}, "/account")
        assert logout.headers["set-cookie"].startswith("__Host-em_session=;")
        assert (await http.get("/account")).status_code == 303
