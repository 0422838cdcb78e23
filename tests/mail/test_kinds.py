"""Every kind of message, caused through the pages that cause it, delivered to the local SMTP server and read
back: in the recipient's language, with a text/plain part (and HTML beside it), the right links, and for the
schedule the agenda as an .ics attachment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from babel.dates import format_date, format_time
from icalendar import Calendar
from sqlalchemy import select, update

from emicronora.mail.delivery import check_reminders
from emicronora.models import Company, MeetingRequest, OutboxEmail, PitchProposal, Session, Star, User
from tests.b2b import meeting_factories as f
from tests.b2b.worker_world import run_due_jobs
from tests.conftest import PARIS, PASSWORD, login, post_form
from tests.mail.conftest import MailServer, Received, deliver_all

ANNE = "anne.buyer@example.org"
BRUNO = "bruno.supplier@example.org"
CLARA = "clara.supplier@example.org"
OLGA = "olga.organiser@example.org"


async def set_locale(sessionmaker, email: str, locale: str) -> None:
    async with sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.email == email).values(locale=locale))


async def logout(client: httpx.AsyncClient) -> None:
    await post_form(client, "/logout", {}, token_from="/")


def only(server: MailServer, address: str) -> Received:
    received = server.to(address)
    assert len(received) == 1, [r.message["Subject"] for r in received]
    return received[0]


async def test_registration_sends_a_confirmation_in_the_language_of_the_page(
    client: httpx.AsyncClient, sessionmaker, settings, smtp_server: MailServer
) -> None:
    client.cookies.set("em_lang", "en")
    response = await post_form(
        client,
        "/register",
        {
            "name": "Ada & <Co>",
            "email": "ada@example.org",
            "company": "Analytical Engines",
            "country": "GB",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "terms": "on",
        },
        token_from="/register",
    )
    assert response.status_code == 200 and 'data-testid="registration-sent"' in response.text
    await deliver_all(sessionmaker, settings)

    mail = only(smtp_server, "ada@example.org")
    assert mail.message["Subject"] == "Confirm your e-mail address for e-Micronora"
    assert mail.message["Content-Language"] == "en"
    assert mail.message["From"] == settings.mail_from
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "Hello Ada & <Co>," in mail.text
    assert "Hello Ada &amp; &lt;Co&gt;," in mail.html
    assert f"{settings.site_origin}/account/confirm/" in mail.text
    assert "expires in 48 hours" in mail.text
    # Always sent: it has no link to turn it off.
    assert "List-Unsubscribe" not in mail.message


async def test_meeting_request_received_accepted_and_declined(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    await f.set_rules(sessionmaker)
    await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech")
    _bruno, bruno = await f.participant(
        make_user, sessionmaker, BRUNO, "Bruno Fournisseur", company="Lasertec", role="supplier"
    )
    await f.participant(make_user, sessionmaker, CLARA, "Clara Client", company="Horlo")
    await set_locale(sessionmaker, BRUNO, "en")

    await login(client, ANNE)
    sent = await post_form(
        client, "/b2b/requests/new", {"to": str(bruno.id), "message": "Parlons <soudage> laser."}, "/b2b"
    )
    assert sent.status_code == 303
    await logout(client)
    await login(client, CLARA)
    await post_form(client, "/b2b/requests/new", {"to": str(bruno.id), "message": ""}, "/b2b")
    await logout(client)
    await deliver_all(sessionmaker, settings)

    received = smtp_server.to(BRUNO)
    assert [r.message["Subject"] for r in received] == [
        "Anne Acheteuse asks you for a B2B meeting",
        "Clara Client asks you for a B2B meeting",
    ]
    first = received[0]
    assert "Anne Acheteuse (Aérotech) asks you for a B2B meeting." in first.text
    assert "Parlons <soudage> laser." in first.text
    assert "Parlons &lt;soudage&gt; laser." in first.html
    # The deadline, in English words, in the event's time zone.
    expires = datetime.now(UTC) + timedelta(hours=72)
    assert format_date(expires.astimezone(PARIS).date(), "full", locale="en") in first.text
    assert f"{settings.site_origin}/b2b/requests#request-" in first.text
    assert first.message["List-Unsubscribe"] == f"<{settings.site_origin}/account/email>"

    async with sessionmaker() as db:
        from_anne, from_clara = (
            await db.scalars(select(MeetingRequest.id).order_by(MeetingRequest.id))
        ).all()
    await login(client, BRUNO)
    assert (
        await post_form(client, f"/b2b/requests/{from_anne}/accept", {}, "/b2b/requests")
    ).status_code == 303
    assert (
        await post_form(client, f"/b2b/requests/{from_clara}/decline", {}, "/b2b/requests")
    ).status_code == 303
    await deliver_all(sessionmaker, settings)

    accepted = only(smtp_server, ANNE)
    # Anne registered without choosing a language: French, the fair's default.
    assert accepted.message["Content-Language"] == "fr"
    assert "Bruno Fournisseur" in accepted.message["Subject"]
    assert "Bruno Fournisseur (Lasertec)" in accepted.text
    assert f"{settings.site_origin}/b2b/agenda" in accepted.text
    declined = only(smtp_server, CLARA)
    assert "Bruno Fournisseur" in declined.message["Subject"]
    assert accepted.message["Subject"] != declined.message["Subject"]


async def test_schedule_published_sends_each_participant_their_agenda_as_ics(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    await f.set_rules(sessionmaker)
    _anne, anne = await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech")
    _bruno, bruno = await f.participant(
        make_user, sessionmaker, BRUNO, "Bruno Fournisseur", company="Lasertec", role="supplier"
    )
    _clara, clara = await f.participant(make_user, sessionmaker, CLARA, "Clara Client", company="Horlo")
    await set_locale(sessionmaker, BRUNO, "en")
    first_slot, second_slot = await f.slots(sessionmaker, f.soon(days=5, hour=8), 2)
    with_bruno = await f.meeting(sessionmaker, anne, bruno, slot=first_slot)
    with_clara = await f.meeting(sessionmaker, clara, bruno, slot=second_slot)
    await make_user(OLGA, organiser=True, name="Olga Organiser")
    await login(client, OLGA)

    published = await post_form(client, "/organiser/b2b/publish", {}, "/organiser/b2b/schedule")
    assert published.status_code == 303
    await run_due_jobs(sessionmaker, settings)  # the worker writes the participants' messages
    await deliver_all(sessionmaker, settings)

    bruno_mail = only(smtp_server, BRUNO)
    assert bruno_mail.message["Subject"] == "Your B2B meeting schedule is published"
    assert bruno_mail.message.get_content_type() == "multipart/mixed"
    assert "B2B meeting: Anne Acheteuse (Aérotech)" in bruno_mail.text
    assert "B2B meeting: Clara Client (Horlo)" in bruno_mail.text
    [attachment] = list(bruno_mail.message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "e-micronora-b2b.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "PUBLISH"
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("DTSTART"))
    assert [str(e["UID"]) for e in events] == [
        f"meeting-{with_bruno.id}@127.0.0.1",
        f"meeting-{with_clara.id}@127.0.0.1",
    ]
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events] == [
        (first_slot.starts_at, first_slot.ends_at),
        (second_slot.starts_at, second_slot.ends_at),
    ]
    assert events[0]["DTSTART"].params["TZID"] == "Europe/Paris"

    # Anne reads French (the default): her calendar too.
    anne_mail = only(smtp_server, ANNE)
    assert anne_mail.message["Content-Language"] == "fr"
    [anne_ics] = list(anne_mail.message.iter_attachments())
    [anne_event] = Calendar.from_ical(anne_ics.get_content()).walk("VEVENT")
    assert str(anne_event["SUMMARY"]) == "Rendez-vous d’affaires : Bruno Fournisseur (Lasertec)"
    assert "Rendez-vous d’affaires : Bruno Fournisseur (Lasertec)" in anne_mail.text
    assert only(smtp_server, CLARA)

    # Publishing again with nothing new sends nothing more.
    await post_form(client, "/organiser/b2b/publish", {}, "/organiser/b2b/schedule")
    await run_due_jobs(sessionmaker, settings)
    await deliver_all(sessionmaker, settings)
    assert len(smtp_server.received) == 3


async def test_session_starting_reminder_goes_once_to_each_user_who_starred_it(
    make_programme, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    programme = await make_programme()
    welding: Session = programme["welding"]
    pitch: Session = programme["pitch"]
    now = datetime.now(UTC).replace(microsecond=0)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session)
            .where(Session.id == welding.id)
            .values(starts_at=now + timedelta(minutes=10), ends_at=now + timedelta(minutes=70))
        )
        await db.execute(
            update(Session)
            .where(Session.id == pitch.id)
            .values(starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(minutes=80))
        )
    ada = await make_user("ada@example.org", name="Ada")
    bob = await make_user("bob@example.org", name="Bob")
    quiet = await make_user("quiet@example.org", name="Quiet")
    await set_locale(sessionmaker, "ada@example.org", "en")
    async with sessionmaker() as db, db.begin():
        db.add_all(Star(user_id=u.id, session_id=s.id) for u in (ada, bob, quiet) for s in (welding, pitch))
        (await db.get_one(User, quiet.id)).email_opt_outs = ["session_starting"]

    # Two workers checking at the same moment, then one a minute later: still one reminder each.
    counts = await asyncio.gather(*(check_reminders(sessionmaker, settings, now) for _ in range(2)))
    counts.append(await check_reminders(sessionmaker, settings, now + timedelta(minutes=1)))
    assert sum(counts) == 2
    await deliver_all(sessionmaker, settings)

    ada_mail = only(smtp_server, "ada@example.org")
    assert ada_mail.message["Subject"] == "Starting in 15 minutes: Soudage laser de boîtiers titane"
    assert f"{settings.site_origin}/sessions/{welding.id}" in ada_mail.text
    start = (now + timedelta(minutes=10)).astimezone(PARIS)
    assert f"starts at {format_time(start, 'short', locale='en')} (Europe/Paris)" in ada_mail.text
    assert ada_mail.message["Content-Language"] == "en"
    # Bob never chose a language: French, the fair's default.
    assert only(smtp_server, "bob@example.org").message["Content-Language"] == "fr"
    assert f"{start:%H:%M} (Europe/Paris)" in only(smtp_server, "bob@example.org").text
    assert smtp_server.to("quiet@example.org") == []

    # Ten minutes later the pitch session is within 15 minutes: its reminders go, the welding ones do not.
    assert await check_reminders(sessionmaker, settings, now + timedelta(minutes=10)) == 2
    async with sessionmaker() as db:
        keys = sorted((await db.scalars(select(OutboxEmail.dedupe_key))).all())
    assert keys == sorted(f"session_starting:{s.id}:{u.id}" for s in (welding, pitch) for u in (ada, bob))


async def test_pitch_accepted_and_rejected_reach_the_exhibitor(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    programme = await make_programme()
    laser, metrology = programme["themes"]
    eve = await make_user("eve@example.org", exhibitor=True, name="Eve Exposante")
    await set_locale(sessionmaker, "eve@example.org", "en")
    async with sessionmaker() as db, db.begin():
        company = await db.scalar(select(Company))
        proposals = [
            PitchProposal(
                company_id=company.id,
                theme_id=theme.id,
                title=title,
                summary="Résumé.",
                speaker_name="Eve",
                submitted_by=eve.id,
            )
            for theme, title in ((laser, "Soudage sans contact"), (metrology, "Palpeur optique"))
        ]
        db.add_all(proposals)
    await make_user(OLGA, organiser=True, name="Olga")
    await login(client, OLGA)
    for proposal, decision, message in (
        (proposals[0], "accept", "Bienvenue !"),
        (proposals[1], "reject", "Hors sujet & trop long."),
    ):
        reviewed = await post_form(
            client,
            f"/organiser/pitches/{proposal.id}/review",
            {"decision": decision, "message": message},
            token_from="/organiser/pitches",
        )
        assert reviewed.status_code == 303
    await deliver_all(sessionmaker, settings)

    accepted, rejected = smtp_server.to("eve@example.org")
    assert accepted.message["Subject"] == "Your pitch proposal is accepted: Soudage sans contact"
    assert "(Laser processes)" in accepted.text and "Bienvenue !" in accepted.text
    assert rejected.message["Subject"] == "Your pitch proposal was not accepted: Palpeur optique"
    assert "(Metrology)" in rejected.text and "Hors sujet & trop long." in rejected.text
    assert "Hors sujet &amp; trop long." in rejected.html
    assert f"{settings.site_origin}/exhibitor-area/pitches" in rejected.text


async def test_with_approval_the_requester_hears_only_the_organisers_final_answer(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, smtp_server: MailServer
) -> None:
    await f.set_rules(sessionmaker, approval_required=True)
    await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech")
    await f.participant(make_user, sessionmaker, CLARA, "Clara Client", company="Horlo")
    _bruno, bruno = await f.participant(
        make_user, sessionmaker, BRUNO, "Bruno Fournisseur", company="Lasertec", role="supplier"
    )
    for email in (ANNE, CLARA):
        await set_locale(sessionmaker, email, "en")
        await login(client, email)
        await post_form(client, "/b2b/requests/new", {"to": str(bruno.id), "message": ""}, "/b2b")
        await logout(client)
    async with sessionmaker() as db:
        from_anne, from_clara = (
            await db.scalars(select(MeetingRequest.id).order_by(MeetingRequest.id))
        ).all()
    await login(client, BRUNO)
    for request_id in (from_anne, from_clara):
        await post_form(client, f"/b2b/requests/{request_id}/accept", {}, "/b2b/requests")
    await logout(client)
    await deliver_all(sessionmaker, settings)
    assert smtp_server.to(ANNE) == [] and smtp_server.to(CLARA) == []

    await make_user(OLGA, organiser=True, name="Olga")
    await login(client, OLGA)
    approvals = "/organiser/b2b/approvals"
    assert (await post_form(client, f"{approvals}/{from_anne}/approve", {}, approvals)).status_code == 303
    assert (await post_form(client, f"{approvals}/{from_clara}/refuse", {}, approvals)).status_code == 303
    await deliver_all(sessionmaker, settings)
    assert only(smtp_server, ANNE).message["Subject"] == "Bruno Fournisseur accepted your B2B meeting request"
    assert (
        only(smtp_server, CLARA).message["Subject"] == "Bruno Fournisseur declined your B2B meeting request"
    )
