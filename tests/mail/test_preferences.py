"""Each user turns each kind of message on or off (confirmation and reset stay on); a bounced address is shown
and can be resumed; the organisers see the outbox and queue failed messages again; nobody else may."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from emicronora.mail import notify, outbox
from emicronora.mail.compose import OPTIONAL_KINDS
from emicronora.models import AuditEntry, OutboxEmail, User
from tests.b2b import meeting_factories as f
from tests.conftest import csrf_token, login, post_form
from tests.mail.conftest import MailServer, deliver_all

ANNE = "anne.buyer@example.org"
BRUNO = "bruno.supplier@example.org"
OLGA = "olga.organiser@example.org"


async def test_preferences_page_turns_kinds_off_and_they_are_not_sent(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    await f.set_rules(sessionmaker)
    await f.participant(make_user, sessionmaker, ANNE, "Anne", company="Aérotech")
    _bruno, bruno = await f.participant(make_user, sessionmaker, BRUNO, "Bruno", company="Lasertec")
    client.cookies.set("em_lang", "en")
    await login(client, BRUNO)
    assert 'href="/account/email"' in (await client.get("/account")).text
    page = await client.get("/account/email")
    assert page.status_code == 200
    checked = re.findall(r'name="kind_(\w+)" value="on" checked', page.text)
    assert checked == list(OPTIONAL_KINDS)
    assert "kind_password_reset" not in page.text and "kind_confirm_account" not in page.text

    # Without the CSRF token nothing changes.
    forged = await client.post("/account/email", data={"kind_session_starting": "on"})
    assert forged.status_code == 403
    keep = {f"kind_{kind}": "on" for kind in OPTIONAL_KINDS if kind != "meeting_request_received"}
    saved = await post_form(client, "/account/email", keep, token_from="/account/email")
    assert saved.status_code == 303
    page = await client.get(saved.headers["location"])
    assert "Your preferences are saved." in page.text
    assert 'name="kind_meeting_request_received" value="on" >' in page.text
    async with sessionmaker() as db:
        assert (await db.get_one(User, bruno.user_id)).email_opt_outs == ["meeting_request_received"]
    await post_form(client, "/logout", {}, token_from="/")

    await login(client, ANNE)
    sent = await post_form(client, "/b2b/requests/new", {"to": str(bruno.id), "message": ""}, "/b2b")
    assert sent.status_code == 303
    await deliver_all(sessionmaker, settings)
    assert smtp_server.to(BRUNO) == []

    # A password reset is sent whatever the preferences say.
    async with sessionmaker() as db, db.begin():
        user = await db.get_one(User, bruno.user_id)
        user.email_opt_outs = ["password_reset", "confirm_account", *OPTIONAL_KINDS]
        assert await notify.password_reset(db, user, settings, datetime.now(UTC)) is not None
        assert await notify.confirmation(db, user, settings, datetime.now(UTC)) is not None
    await deliver_all(sessionmaker, settings)
    assert len(smtp_server.to(BRUNO)) == 2


async def test_a_bounced_address_is_shown_and_its_owner_can_resume_mail(
    client: httpx.AsyncClient, make_user, sessionmaker, settings
) -> None:
    user = await make_user(ANNE)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(User)
            .where(User.id == user.id)
            .values(email_bounced_at=datetime(2020, 9, 22, 8, tzinfo=UTC))
        )
    client.cookies.set("em_lang", "en")
    await login(client, ANNE)
    page = await client.get("/account/email")
    assert "Undeliverable since" in page.text
    async with sessionmaker() as db, db.begin():
        bounced = await db.get_one(User, user.id)
        assert not outbox.may_send(bounced, "session_starting")
        # A link the owner asks for still goes (see test_recovery): they may have no other way back in.
        assert outbox.may_send(bounced, "password_reset")
    resumed = await post_form(client, "/account/email/resume", {}, token_from="/account/email")
    assert resumed.status_code == 303
    assert "Undeliverable" not in (await client.get("/account/email")).text
    async with sessionmaker() as db:
        assert (await db.get_one(User, user.id)).email_bounced_at is None


async def test_non_organisers_get_403_on_the_mail_console(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await make_user(ANNE)
    assert (await client.get("/organiser/mail")).status_code in (302, 303)
    await login(client, ANNE)
    assert (await client.get("/organiser/mail")).status_code == 403
    token = await csrf_token(client, "/account")
    assert (await client.post("/organiser/mail/1/retry", data={"csrf_token": token})).status_code == 403


async def test_organiser_sees_the_outbox_and_queues_a_failed_message_again(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    anne = await make_user(ANNE, name="Anne")
    bruno = await make_user(BRUNO, name="Bruno")
    now = datetime.now(UTC)
    # Queued and marked in one transaction, so that the app's worker never sees them pending.
    async with sessionmaker() as db, db.begin():
        failed_id, bounced_id, _sent_id = [
            await notify.password_reset(db, await db.get_one(User, user.id), settings, now)
            for user in (anne, anne, bruno)
        ]
        await db.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == failed_id)
            .values(status="failed", attempts=8, last_error="451 4.3.2 Please try again later")
        )
        await db.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == bounced_id)
            .values(status="bounced", attempts=1, last_error="550 5.1.1 No such mailbox here")
        )
    await deliver_all(sessionmaker, settings)
    await make_user(OLGA, organiser=True, name="Olga")
    client.cookies.set("em_lang", "en")
    await login(client, OLGA)

    page = await client.get("/organiser/mail")
    assert page.status_code == 200
    assert 'href="/organiser/mail"' in page.text  # the console's navigation
    counts = dict(re.findall(r'<tr data-status="(\w+)"><td>[^<]+</td><td>(\d+)</td></tr>', page.text))
    assert counts == {"pending": "0", "sent": "1", "failed": "1", "bounced": "1"}
    assert "451 4.3.2 Please try again later" in page.text
    assert "550 5.1.1 No such mailbox here" in page.text
    assert page.text.count('action="/organiser/mail/') == 1
    assert f'action="/organiser/mail/{failed_id}/retry"' in page.text

    # A bounced message is not queued again by the button; a failed one is, and then delivered.
    await post_form(client, f"/organiser/mail/{bounced_id}/retry", {}, token_from="/organiser/mail")
    retried = await post_form(client, f"/organiser/mail/{failed_id}/retry", {}, token_from="/organiser/mail")
    assert retried.status_code == 303
    assert (await post_form(client, "/organiser/mail/999999/retry", {}, "/organiser/mail")).status_code == 404
    await deliver_all(sessionmaker, settings)
    async with sessionmaker() as db:
        statuses = {row.id: (row.status, row.attempts) for row in await db.scalars(select(OutboxEmail))}
        audit = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "mail.retry"))).all()
    assert statuses[failed_id] == ("sent", 1)
    assert statuses[bounced_id] == ("bounced", 1)
    assert [(a.target_id, a.actor_email) for a in audit] == [(str(failed_id), OLGA)]
    assert len(smtp_server.received) == 2


async def test_queue_email_skips_a_disabled_account(make_user, sessionmaker, settings) -> None:
    user = await make_user(ANNE)
    async with sessionmaker() as db, db.begin():
        row = await db.get_one(User, user.id)
        row.is_active = False
        context = {"title": "T", "starts_at": datetime.now(UTC) + timedelta(minutes=5), "link": "x"}
        assert await outbox.queue_email(db, row, "session_starting", context, settings=settings) is None
