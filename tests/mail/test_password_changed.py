"""The security notice of a password change (OWASP ASVS 2.2.3): sent after a change on the account page and
after a reset through a link, in the recipient's language, whatever their preferences or an earlier bounce;
it says when and what to do if it was not them, and carries no secret."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from babel.dates import format_date, format_time
from sqlalchemy import func, select

from emicronora.mail import outbox
from emicronora.models import EMAIL_KINDS, OutboxEmail, User
from tests.conftest import PARIS, PASSWORD, login, post_form
from tests.mail.conftest import MailServer, Received, deliver_all
from tests.mail.test_recovery import link_in

ADA = "ada@example.org"
NEW_PASSWORD = "a brand new sentence for ada"
FORGOT_PAGE = "/account/forgot"


def notices(server: MailServer, address: str, subject: str | None = None) -> list[Received]:
    """The notices among what `address` received: they alone point to the "forgot password" page."""
    found = [r for r in server.to(address) if FORGOT_PAGE in r.text]
    if subject is not None:
        assert [r.message["Subject"] for r in found] == [subject] * len(found)
    return found


def when(changed_at: datetime, locale: str) -> str:
    local = changed_at.astimezone(PARIS)
    day = format_date(local.date(), "full", locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)} (Europe/Paris)"


async def changed_at(sessionmaker, user_id: int) -> datetime:
    async with sessionmaker() as db:
        return (await db.get_one(User, user_id)).password_changed_at


async def notices_queued(sessionmaker) -> int:
    async with sessionmaker() as db:
        return await db.scalar(
            select(func.count()).select_from(OutboxEmail).where(OutboxEmail.kind == "password_changed")
        )


async def change_password(client: httpx.AsyncClient, current: str) -> httpx.Response:
    """Posts the account page's form, from `current` to NEW_PASSWORD."""
    form = {"current_password": current, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}
    return await post_form(client, "/account/password", form, token_from="/account")


def assert_no_secret(mail: Received, *secrets: str) -> None:
    for body in (mail.text, mail.html):
        assert "/account/reset/" not in body and "/account/confirm/" not in body
        for secret in (PASSWORD, NEW_PASSWORD, *secrets):
            assert secret not in body


async def test_a_change_on_the_account_page_sends_the_notice_in_the_users_language_whatever_they_opted_out(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA, name="Ada")
    async with sessionmaker() as db, db.begin():
        # Opted out of everything, even of the kinds nobody can turn off.
        (await db.get_one(User, user.id)).email_opt_outs = list(EMAIL_KINDS)
    # The pages in English, the account in French (the fair's default): the mail follows the account.
    client.cookies.set("em_lang", "en")
    await login(client, ADA)
    preferences = await client.get("/account/email")
    assert preferences.status_code == 200 and "kind_password_changed" not in preferences.text

    refused = await change_password(client, "wrong")
    assert refused.status_code == 400
    assert await notices_queued(sessionmaker) == 0
    changed = await change_password(client, PASSWORD)
    assert changed.status_code == 303
    await deliver_all(sessionmaker, settings)

    assert len(smtp_server.to(ADA)) == 1
    [mail] = notices(smtp_server, ADA)
    assert mail.message["Content-Language"] == "fr"
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "List-Unsubscribe" not in mail.message
    assert mail.text.startswith("Bonjour Ada,")
    assert '<html lang="fr">' in mail.html
    assert when(await changed_at(sessionmaker, user.id), "fr") in mail.text
    assert f"{settings.site_origin}{FORGOT_PAGE}" in mail.text
    assert "Mot de passe oublié ?" in mail.text
    assert settings.contact_email in mail.text
    assert f'href="mailto:{settings.contact_email}"' in mail.html
    # Nothing to turn off: no link to the preferences.
    assert "/account/email" not in mail.text + mail.html
    assert_no_secret(mail)
    # The page the notice points to is where a reset link is asked for.
    forgot = await client.get(FORGOT_PAGE)
    assert forgot.status_code == 200 and f'action="{FORGOT_PAGE}"' in forgot.text


async def test_a_reset_through_the_link_sends_the_notice_without_the_link(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA, name="Ada")
    async with sessionmaker() as db, db.begin():
        account = await db.get_one(User, user.id)
        account.locale = "en"
        account.email_opt_outs = list(EMAIL_KINDS)
    # French pages, an English account.
    await post_form(client, FORGOT_PAGE, {"email": ADA}, FORGOT_PAGE)
    await deliver_all(sessionmaker, settings)
    path = link_in(smtp_server, ADA)
    weak = await post_form(client, path, {"new_password": "short", "new_password_confirm": "short"}, path)
    assert weak.status_code == 400
    assert await notices_queued(sessionmaker) == 0
    done = await post_form(
        client, path, {"new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD}, path
    )
    assert done.status_code == 303
    await deliver_all(sessionmaker, settings)

    assert len(smtp_server.to(ADA)) == 2  # the link, then the notice
    [mail] = notices(smtp_server, ADA, "Your e-Micronora password was changed")
    assert mail.message["Content-Language"] == "en"
    assert mail.text.startswith("Hello Ada,")
    at = when(await changed_at(sessionmaker, user.id), "en")
    assert f"The password of your e-Micronora account was changed on {at}." in mail.text
    lines = mail.text.splitlines()
    forgot = lines.index(f"{settings.site_origin}{FORGOT_PAGE}")
    assert lines[forgot - 1].endswith("Choose a new password at once with “Forgot your password?”:")
    assert f"Then tell the organisers: {settings.contact_email}" in lines
    assert_no_secret(mail, path, path.rsplit("/", 1)[1])


async def test_an_address_that_bounced_still_gets_the_notice(
    client: httpx.AsyncClient, sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(User, user.id)).email_bounced_at = datetime(2020, 9, 22, 8, tzinfo=UTC)
    await login(client, ADA)
    changed = await change_password(client, PASSWORD)
    assert changed.status_code == 303
    await deliver_all(sessionmaker, settings)
    assert len(notices(smtp_server, ADA)) == 1
    async with sessionmaker() as db, db.begin():
        account = await db.get_one(User, user.id)
        assert outbox.may_send(account, "password_changed")
        account.is_active = False
        # A disabled account gets nothing, this notice included.
        assert not outbox.may_send(account, "password_changed")
