"""Delivery through a real SMTP server: retries with back-off on a temporary refusal, a bounced address marked
and left alone, failures given up after the last attempt, several workers never sending a message twice,
the development folder, and pages that stay fast while the mail server is slow."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from emicronora.jobs.worker import Worker
from emicronora.mail import delivery, outbox
from emicronora.mail.delivery import MAX_ATTEMPTS, backoff, deliver_due
from emicronora.models import Job, OutboxEmail, User
from tests.conftest import PASSWORD, post_form
from tests.mail.conftest import MailServer, _free_port

ADA = "ada@example.org"


async def queue_reminder(sessionmaker, settings, user_id: int, title: str = "Soudage laser") -> int | None:
    async with sessionmaker() as db, db.begin():
        user = await db.get_one(User, user_id)
        context = {"title": title, "starts_at": datetime(2020, 9, 22, 8, tzinfo=UTC), "link": "http://x/s/1"}
        return await outbox.queue_email(db, user, "session_starting", context, settings=settings)


async def rows(sessionmaker) -> list[OutboxEmail]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(OutboxEmail).order_by(OutboxEmail.id))).all())


async def test_451_is_tried_again_after_the_back_off_then_delivered(
    sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA)
    await queue_reminder(sessionmaker, settings, user.id)
    smtp_server.busy_once.add(ADA)
    start = datetime.now(UTC) + timedelta(seconds=1)

    first = await deliver_due(sessionmaker, settings, start)
    assert first.counts["retry"] == 1
    [row] = await rows(sessionmaker)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == start + backoff(1) == start + timedelta(minutes=1)
    assert row.last_error.startswith("451 4.3.2 Please try again later")
    assert smtp_server.received == []

    too_early = await deliver_due(sessionmaker, settings, start + timedelta(seconds=59))
    assert sum(too_early.counts.values()) == 0

    later = await deliver_due(sessionmaker, settings, start + timedelta(minutes=1))
    assert later.counts["sent"] == 1
    [row] = await rows(sessionmaker)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert [answer for _address, answer in smtp_server.rcpt_answers] == ["451", "250"]
    assert len(smtp_server.to(ADA)) == 1


async def test_550_marks_the_address_bounced_and_it_gets_no_more_mail(
    sessionmaker, settings, make_user, smtp_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    user = await make_user(ADA)
    other = await make_user("bob@example.org", name="Bob")
    smtp_server.refuse.add(ADA)
    await queue_reminder(sessionmaker, settings, user.id, "Première")
    await queue_reminder(sessionmaker, settings, user.id, "Seconde")
    await queue_reminder(sessionmaker, settings, other.id)
    now = datetime.now(UTC) + timedelta(seconds=1)

    with caplog.at_level(logging.WARNING, logger="emicronora.mail"):
        report = await deliver_due(sessionmaker, settings, now)

    assert (report.counts["bounce"], report.counts["sent"]) == (2, 1)
    assert [(r.status, r.to_address) for r in await rows(sessionmaker)] == [
        ("bounced", ADA),
        ("bounced", ADA),
        ("sent", "bob@example.org"),
    ]
    first = (await rows(sessionmaker))[0]
    assert first.last_error.startswith("550 5.1.1 No such mailbox here")
    # Logged by id: the address is personal data, kept in the outbox, not copied into the logs.
    assert "bounced" in caplog.text and f"user {user.id}" in caplog.text and ADA not in caplog.text
    # The server was asked once; the second message was closed without trying.
    assert [a for a in smtp_server.rcpt_answers if a[0] == ADA] == [(ADA, "550")]
    async with sessionmaker() as db:
        assert (await db.get_one(User, user.id)).email_bounced_at == now
    # Not retried, even days later; and nothing new is queued for the address.
    again = await deliver_due(sessionmaker, settings, now + timedelta(days=2))
    assert sum(again.counts.values()) == 0
    assert await queue_reminder(sessionmaker, settings, user.id) is None
    assert len(smtp_server.rcpt_answers) == 2


async def test_an_unreachable_server_is_retried_with_growing_delays_then_marked_failed(
    sessionmaker, settings, make_user, caplog: pytest.LogCaptureFixture
) -> None:
    nobody = replace(settings, smtp_url=f"smtp://127.0.0.1:{_free_port()}?timeout=2")
    user = await make_user(ADA)
    await queue_reminder(sessionmaker, nobody, user.id)
    now = datetime.now(UTC) + timedelta(seconds=1)
    delays = []
    with caplog.at_level(logging.INFO, logger="emicronora.mail"):
        for attempt in range(1, MAX_ATTEMPTS + 1):
            report = await deliver_due(sessionmaker, nobody, now)
            assert sum(report.counts.values()) == 1
            [row] = await rows(sessionmaker)
            assert row.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert row.status == "pending"
                delays.append(row.next_attempt_at - now)
                now = row.next_attempt_at
    assert delays == [timedelta(minutes=2**i) for i in range(MAX_ATTEMPTS - 1)]
    [row] = await rows(sessionmaker)
    assert row.status == "failed"
    assert "ConnectionRefusedError" in row.last_error
    assert f"failed after {MAX_ATTEMPTS} attempts" in caplog.text
    # Given up: no further tries.
    assert sum((await deliver_due(sessionmaker, nobody, now + timedelta(days=1))).counts.values()) == 0


async def test_two_workers_at_once_send_each_message_exactly_once(
    sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    users = [await make_user(f"p{i}@example.org", name=f"P{i}") for i in range(4)]
    for i in range(60):
        await queue_reminder(sessionmaker, settings, users[i % 4].id, f"Session {i}")
    now = datetime.now(UTC) + timedelta(seconds=1)

    reports = []
    while any(r.status == "pending" for r in await rows(sessionmaker)):
        reports += await asyncio.gather(*(deliver_due(sessionmaker, settings, now) for _ in range(3)))

    assert sum(r.counts["sent"] for r in reports) == 60
    ids = [r.message["Message-ID"] for r in smtp_server.received]
    assert len(ids) == len(set(ids)) == 60
    assert {r.attempts for r in await rows(sessionmaker)} == {1}


async def test_without_a_server_each_message_is_written_to_the_folder(
    sessionmaker, settings, make_user, tmp_path: Path
) -> None:
    folder = tmp_path / "outgoing"
    development = replace(settings, smtp_url=folder.as_uri())
    user = await make_user(ADA)
    await queue_reminder(sessionmaker, development, user.id, "Mesure 3D")
    report = await deliver_due(sessionmaker, development, datetime.now(UTC) + timedelta(seconds=1))
    assert report.counts["sent"] == 1
    [eml] = list(folder.glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == ADA
    assert "Mesure 3D" in message.get_body(("plain",)).get_content()


async def test_pages_are_served_while_the_mail_server_holds_a_message(
    client: httpx.AsyncClient, sessionmaker, smtp_server: MailServer, job_worker: Worker
) -> None:
    """The server holds DATA for up to 30 s: a page that waited on the delivery would come after it."""
    smtp_server.go_on.clear()
    client.cookies.set("em_lang", "en")
    response = await post_form(
        client,
        "/register",
        {
            "name": "Ada Lovelace",
            "email": ADA,
            "company": "Analytical Engines",
            "country": "FR",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "terms": "on",
        },
        token_from="/register",
    )
    assert response.status_code == 200 and 'data-testid="registration-sent"' in response.text
    # The job worker, sending the message's job (queued with it), is now inside DATA, held by the server.
    assert await asyncio.to_thread(smtp_server.in_data.wait, 10)
    page = await client.get("/login")
    assert page.status_code == 200
    assert smtp_server.to(ADA) == [], "the page waited for the delivery to finish"
    smtp_server.go_on.set()
    for _ in range(200):
        if smtp_server.to(ADA):
            break
        await asyncio.sleep(0.05)
    assert "Confirm" in smtp_server.to(ADA)[0].message["Subject"]


async def test_a_slow_batch_starts_no_message_after_half_its_lease(
    sessionmaker, settings, make_user, smtp_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another worker takes a claimed message for abandoned once its lease runs out and sends it again:
    a batch held up by a slow server leaves the messages it has not started to the next round instead."""
    monkeypatch.setattr(delivery, "LEASE", timedelta(seconds=4))
    monkeypatch.setattr(delivery, "TIMEOUTS_PER_MESSAGE", 0.5)
    # The held message must still beat its own 3.2 s timeout: 0.8 s of room for a busy machine.
    quick = replace(settings, smtp_url=f"smtp://127.0.0.1:{smtp_server.port}?timeout=3.2")
    assert delivery.lease_for(quick) == timedelta(seconds=4)
    users = [await make_user(f"p{i}@example.org", name=f"P{i}") for i in range(3)]
    for user in users:
        await queue_reminder(sessionmaker, quick, user.id)
    now = datetime.now(UTC) + timedelta(seconds=1)
    smtp_server.go_on.clear()
    sending = asyncio.create_task(deliver_due(sessionmaker, quick, now))
    await asyncio.to_thread(smtp_server.in_data.wait, 5)
    await asyncio.sleep(2.4)  # past half of the 4 s lease
    smtp_server.go_on.set()
    report = await sending

    assert (report.counts["sent"], report.counts["untried"]) == (1, 2)
    assert len(smtp_server.received) == 1
    stored = await rows(sessionmaker)
    assert [(r.status, r.attempts) for r in stored] == [("sent", 1), ("pending", 0), ("pending", 0)]
    # Due again at once, and sent by the next round.
    assert all(r.next_attempt_at == now for r in stored[1:])
    assert (await deliver_due(sessionmaker, quick, now)).counts["sent"] == 2


async def test_a_message_is_sent_once_by_the_job_queued_with_it(
    sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA)
    email_id = await queue_reminder(sessionmaker, settings, user.id)
    async with sessionmaker() as db:
        [job] = (await db.scalars(select(Job))).all()
    assert (job.kind, job.key, job.payload) == ("mail.send", f"mail:{email_id}", {"email_ids": [email_id]})
    worker = Worker(sessionmaker, settings, queues=["mail"], periodic=False)
    assert await worker.run_one()
    assert not await worker.run_one()
    assert [r.message["Subject"] for r in smtp_server.to(ADA)] == [(await rows(sessionmaker))[0].subject]
    # The sweep's job for the same message, or a retry of the job, sends nothing more.
    async with sessionmaker() as db, db.begin():
        await outbox.queue_sending(db, [email_id], run_after=datetime.now(UTC))
    assert await worker.run_one()
    assert len(smtp_server.to(ADA)) == 1
    [row] = await rows(sessionmaker)
    assert (row.status, row.attempts) == ("sent", 1)


async def test_a_message_refused_for_now_gets_a_later_job(
    sessionmaker, settings, make_user, smtp_server: MailServer
) -> None:
    user = await make_user(ADA)
    email_id = await queue_reminder(sessionmaker, settings, user.id)
    smtp_server.busy_once.add(ADA)
    worker = Worker(sessionmaker, settings, queues=["mail"], periodic=False)
    assert await worker.run_one()
    [row] = await rows(sessionmaker)
    async with sessionmaker() as db:
        later = (await db.scalars(select(Job).where(Job.status == "queued"))).all()
    assert [(job.payload, job.run_after) for job in later] == [
        ({"email_ids": [email_id]}, row.next_attempt_at)
    ]
    assert row.next_attempt_at > datetime.now(UTC) + timedelta(seconds=50)
