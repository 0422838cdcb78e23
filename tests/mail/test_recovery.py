"""Account confirmation and password reset by e-mail: the links work once and expire, a reset ends every
other session, the "forgot password" form never tells whether an account exists, and it is rate-limited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from emicronora.accounts import sessions
from emicronora.mail import tokens
from emicronora.models import LoginSession, OutboxEmail, User
from tests.conftest import PASSWORD, login, post_form
from tests.mail.conftest import MailServer, deliver_all

ADA = "ada@example.org"
NEW_PASSWORD = "a brand new sentence for ada"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/account/(?:confirm|reset)/[A-Za-z0-9_-]+)")


def link_in(server: MailServer, address: str, index: int = -1) -> str:
    match = LINK.search(server.to(address)[index].text)
    assert match, server.to(address)[index].text
    return match.group(1)


async def login_sessions(sessionmaker, user_id: int) -> int:
    async with sessionmaker() as db:
        return await db.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
        )


async def test_confirmation_link_confirms_once(
    client: httpx.AsyncClient, sessionmaker, settings, smtp_server: MailServer
) -> None:
    client.cookies.set("em_lang", "en")
    await post_form(
        client,
        "/register",
        {
            "name": "Ada",
            "email": ADA,
            "company": "ACME",
            "country": "FR",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "terms": "on",
        },
        token_from="/register",
    )
    await deliver_all(sessionmaker, settings)
    path = link_in(smtp_server, ADA)

    # Opening the link (as a mail scanner would) does not use it up.
    for _ in range(2):
        page = await client.get(path)
        assert page.status_code == 200 and "Confirm my e-mail address" in page.text
    confirmed = await post_form(client, path, {}, token_from=path)
    assert confirmed.status_code == 200 and 'data-testid="email-confirmed"' in confirmed.text
    async with sessionmaker() as db:
        user = await db.scalar(select(User).where(User.email == ADA))
    assert user.email_confirmed_at is not None

    # Registering does not log in (the page answers the same for a known address): the password does.
    await login(client, ADA)
    again = await post_form(client, path, {}, token_from="/account/email")
    assert again.status_code == 400 and "has expired or has already been used" in again.text
    assert (await client.get(path)).status_code == 400
    preferences = await client.get("/account/email")
    assert '<dd data-testid="email-status">Confirmed</dd>' in preferences.text


async def test_links_expire_after_48_hours_for_confirmation_and_one_hour_for_reset(
    sessionmaker, make_user
) -> None:
    user = await make_user(ADA)
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        confirm = await tokens.issue(db, user, "confirm", now)
        reset = await tokens.issue(db, user, "reset", now)
    async with sessionmaker() as db, db.begin():
        assert await tokens.redeem(db, confirm, "confirm", now + timedelta(hours=48)) is None
        assert await tokens.redeem(db, reset, "reset", now + timedelta(minutes=60)) is None
        # A link is only good for its own purpose.
        assert await tokens.redeem(db, confirm, "reset", now) is None
    async with sessionmaker() as db, db.begin():
        assert (
            await tokens.redeem(db, confirm, "confirm", now + timedelta(hours=47, minutes=59))
        ).id == user.id
        assert (await tokens.redeem(db, reset, "reset", now + timedelta(minutes=59))).id == user.id
    async with sessionmaker() as db, db.begin():
        assert await tokens.redeem(db, confirm, "confirm", now) is None
        assert await tokens.redeem(db, reset, "reset", now) is None


async def test_password_reset_sets_the_password_ends_other_sessions_and_works_once(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA, name="Ada")
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(User, user.id)).locale = "en"
        old_tokens = [await sessions.open_session(db, user, "10.0.0.1", "laptop", now) for _ in range(2)]
    client.cookies.set("em_lang", "en")
    assert "/account/forgot" in (await client.get("/login")).text

    asked = await post_form(client, "/account/forgot", {"email": " ADA@example.org "}, "/account/forgot")
    assert asked.status_code == 200 and 'data-testid="reset-sent"' in asked.text
    await deliver_all(sessionmaker, settings)
    mail = smtp_server.to(ADA)[0]
    assert mail.message["Subject"] == "Reset your e-Micronora password"
    assert "expires in 60 minutes" in mail.text
    path = link_in(smtp_server, ADA)

    assert (await client.get(path)).status_code == 200
    weak = await post_form(client, path, {"new_password": "short", "new_password_confirm": "short"}, path)
    assert weak.status_code == 400 and "Use at least 12 characters." in weak.text
    done = await post_form(
        client, path, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}, path
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?reset=1"
    # This browser is logged in; the sessions opened before the reset are over.
    assert (await client.get("/account")).status_code == 200
    for token in old_tokens:
        assert await sessions.resolve(sessionmaker, token, settings, datetime.now(UTC)) is None
    assert await login_sessions(sessionmaker, user.id) == 1

    await post_form(client, "/logout", {}, token_from="/")
    again = await post_form(
        client,
        path,
        {"new_password": "yet another sentence here", "new_password_confirm": "yet another sentence here"},
        path,
    )
    assert again.status_code == 400 and 'data-testid="link-invalid"' in again.text
    await login(client, ADA, NEW_PASSWORD)
    async with sessionmaker() as db:
        assert (await db.get_one(User, user.id)).email_confirmed_at is not None


async def test_forgot_password_answers_the_same_for_unknown_addresses_and_sends_nothing(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    await make_user(ADA)
    client.cookies.set("em_lang", "en")
    known = await post_form(client, "/account/forgot", {"email": ADA}, "/account/forgot")
    unknown = await post_form(client, "/account/forgot", {"email": "nobody@example.org"}, "/account/forgot")
    assert known.status_code == unknown.status_code == 200
    token = re.compile(r'name="csrf_token" value="[^"]+"')
    assert token.sub("", known.text) == token.sub("", unknown.text)
    await deliver_all(sessionmaker, settings)
    assert [r.envelope_to for r in smtp_server.received] == [[ADA]]


async def test_forgot_password_is_rate_limited_per_account_and_per_connection(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    await make_user(ADA)
    client.cookies.set("em_lang", "en")
    statuses = [
        (await post_form(client, "/account/forgot", {"email": ADA}, "/account/forgot")).status_code
        for _ in range(10)
    ]
    assert statuses == [200] * 10
    await deliver_all(sessionmaker, settings)
    # Three links an hour for one account, however often it is asked.
    assert len(smtp_server.to(ADA)) == 3
    throttled = await post_form(client, "/account/forgot", {"email": "other@example.org"}, "/account/forgot")
    assert throttled.status_code == 429 and "Too many requests." in throttled.text


async def test_an_unconfirmed_user_asks_for_the_link_again_a_few_times_an_hour(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA)
    client.cookies.set("em_lang", "en")
    await login(client, ADA)
    page = await client.get("/account/email")
    assert "Not confirmed yet" in page.text and 'action="/account/email/confirm"' in page.text
    for _ in range(5):
        asked = await post_form(client, "/account/email/confirm", {}, token_from="/account/email")
        assert asked.status_code == 303
    await deliver_all(sessionmaker, settings)
    assert len(smtp_server.to(ADA)) == 3
    path = link_in(smtp_server, ADA, index=0)
    assert (await post_form(client, path, {}, token_from=path)).status_code == 200
    page = await client.get("/account/email")
    assert 'action="/account/email/confirm"' not in page.text
    async with sessionmaker() as db:
        assert (await db.get_one(User, user.id)).email_confirmed_at is not None


async def test_a_bounced_address_still_gets_the_reset_link_it_asks_for(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    """A mailbox refused once (full, or a server's mistake) must not lock its owner out for good: the link
    they ask for is sent, and using it shows the mailbox works again."""
    user = await make_user(ADA)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(User, user.id)).email_bounced_at = datetime(2020, 9, 22, 8, tzinfo=UTC)
    client.cookies.set("em_lang", "en")
    asked = await post_form(client, "/account/forgot", {"email": ADA}, "/account/forgot")
    assert asked.status_code == 200
    await deliver_all(sessionmaker, settings)
    path = link_in(smtp_server, ADA)
    done = await post_form(
        client, path, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}, path
    )
    assert done.status_code == 303
    async with sessionmaker() as db:
        assert (await db.get_one(User, user.id)).email_bounced_at is None


async def test_the_outbox_forgets_a_link_once_its_message_is_delivered(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    """The token table keeps only a hash so that a copy of the database opens no account; the delivered
    message must not keep the working link in clear beside it."""
    await make_user(ADA)
    smtp_server.refuse.add("bob@example.org")
    await make_user("bob@example.org", name="Bob")
    for address in (ADA, "bob@example.org"):
        await post_form(client, "/account/forgot", {"email": address}, "/account/forgot")
    await deliver_all(sessionmaker, settings)
    secret = link_in(smtp_server, ADA).rsplit("/", 1)[1]
    async with sessionmaker() as db:
        stored = (await db.scalars(select(OutboxEmail).order_by(OutboxEmail.id))).all()
    assert [row.status for row in stored] == ["sent", "bounced"]
    for row in stored:
        assert "/account/reset/" not in row.body_text + row.body_html
    assert all(secret not in row.body_text for row in stored)


async def test_changing_the_password_voids_the_reset_links_asked_for_before(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    await make_user(ADA)
    client.cookies.set("em_lang", "en")
    await post_form(client, "/account/forgot", {"email": ADA}, "/account/forgot")
    await deliver_all(sessionmaker, settings)
    path = link_in(smtp_server, ADA)
    # Ada remembers her password after all, and changes it.
    await login(client, ADA)
    changed = await post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
        token_from="/account",
    )
    assert changed.status_code == 303
    assert (await client.get(path)).status_code == 400


async def test_pages_of_a_link_leak_its_secret_neither_as_referer_nor_to_a_cache(
    client: httpx.AsyncClient, sessionmaker, make_user
) -> None:
    user = await make_user(ADA)
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        paths = [
            f"/account/confirm/{await tokens.issue(db, user, 'confirm', now)}",
            f"/account/reset/{await tokens.issue(db, user, 'reset', now)}",
            "/account/reset/unknown",
        ]
    for path in paths:
        page = await client.get(path)
        assert page.headers["referrer-policy"] == "no-referrer", path
        assert page.headers["cache-control"] == "no-store", path
    weak = await post_form(client, paths[1], {"new_password": "x", "new_password_confirm": "x"}, paths[1])
    assert weak.status_code == 400 and weak.headers["referrer-policy"] == "no-referrer"


async def test_unknown_or_oversized_links_and_an_empty_address_are_refused(
    client: httpx.AsyncClient, sessionmaker, make_user
) -> None:
    await make_user(ADA)
    client.cookies.set("em_lang", "en")
    for path in ("/account/confirm/unknown", "/account/confirm/" + "x" * 200, "/account/reset/" + "x" * 200):
        page = await client.get(path)
        assert page.status_code == 400 and 'data-testid="link-invalid"' in page.text, path
    confirmed = await post_form(client, "/account/confirm/unknown", {}, token_from="/account/forgot")
    assert confirmed.status_code == 400 and 'data-testid="link-invalid"' in confirmed.text
    empty = await post_form(client, "/account/forgot", {"email": "  "}, "/account/forgot")
    assert empty.status_code == 400 and "This field is required." in empty.text
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(OutboxEmail)) == 0
