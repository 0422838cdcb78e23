"""B2B meetings in the calendar feeds: a stable UID, the room as LOCATION, a higher SEQUENCE and
STATUS:CANCELLED after cancellation; and in the organisers' per-participant export."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import icalendar
from sqlalchemy import update

from emicronora.b2b.meetings import booking
from emicronora.models import Meeting, User
from tests.b2b import meeting_factories as f
from tests.calendar.test_feed_updates import event_lines
from tests.calendar.test_feeds import personal_feed_path
from tests.conftest import login, post_form

PARIS = ZoneInfo("Europe/Paris")
ANNE = "anne.buyer@example.org"
BRUNO = "bruno.supplier@example.org"


def local(moment: datetime) -> str:
    return moment.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")


async def _world(make_user, sessionmaker):
    anne_user, anne = await f.participant(
        make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech", headline="Achats aéronautiques"
    )
    bruno_user, bruno = await f.participant(
        make_user, sessionmaker, BRUNO, "Bruno Fournisseur", company="Lasertec", headline="Soudage laser"
    )
    async with sessionmaker() as db, db.begin():
        await db.execute(update(User).values(locale="en"))
    return anne_user, anne, bruno_user, bruno


async def feed_of(client: httpx.AsyncClient, email: str) -> str:
    client.cookies.set("em_lang", "en")
    await login(client, email)
    path = await personal_feed_path(client)
    await post_form(client, "/logout", {}, token_from="/calendar")
    return path


async def test_booked_meeting_is_in_both_feeds_then_cancelled_with_the_same_uid(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    _a, anne, _b, bruno = await _world(make_user, sessionmaker)
    (slot,) = await f.slots(sessionmaker, f.soon(), 1)
    made = await f.meeting(sessionmaker, anne, bruno)
    anne_feed = await feed_of(client, ANNE)
    bruno_feed = await feed_of(client, BRUNO)
    uid = f"meeting-{made.id}@127.0.0.1"
    assert uid not in (await client.get(anne_feed)).text  # not scheduled yet

    await booking.book(sessionmaker, made.id, anne, datetime.now(UTC))
    before = await client.get(anne_feed)
    lines = event_lines(before.text, uid)
    assert f"DTSTART;TZID=Europe/Paris:{local(slot.starts_at)}" in lines
    assert f"DTEND;TZID=Europe/Paris:{local(slot.ends_at)}" in lines
    assert "SUMMARY:B2B meeting: Bruno Fournisseur (Lasertec)" in lines
    assert "SEQUENCE:1" in lines and "STATUS:CONFIRMED" in lines
    assert f"LOCATION:{made.room_url}" in lines
    assert "URL:http://127.0.0.1:8000/b2b/agenda" in lines
    bruno_lines = event_lines((await client.get(bruno_feed)).text, uid)
    assert "SUMMARY:B2B meeting: Anne Acheteuse (Aérotech)" in bruno_lines
    event = icalendar.Calendar.from_ical(before.text).walk("VEVENT")[0]
    assert "Soudage laser" in str(event["description"]) and made.room_url in str(event["description"])
    etag = before.headers["etag"]

    client.cookies.set("em_lang", "en")
    await login(client, BRUNO)
    response = await post_form(client, f"/b2b/meetings/{made.id}/cancel", {}, token_from="/b2b/agenda")
    assert response.status_code == 303
    after = await client.get(anne_feed, headers={"If-None-Match": etag})
    assert after.status_code == 200
    lines = event_lines(after.text, uid)  # still there, same UID
    assert "STATUS:CANCELLED" in lines and "SEQUENCE:2" in lines
    assert f"DTSTART;TZID=Europe/Paris:{local(slot.starts_at)}" in lines
    assert "STATUS:CANCELLED" in event_lines((await client.get(bruno_feed)).text, uid)


async def test_unpublished_meetings_stay_out_of_the_feeds_and_a_move_bumps_the_sequence(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    _a, anne, _b, bruno = await _world(make_user, sessionmaker)
    first, second = await f.slots(sessionmaker, f.soon(), 2)
    made = await f.meeting(sessionmaker, anne, bruno, slot=first, published=False)
    feed = await feed_of(client, ANNE)
    uid = f"meeting-{made.id}@127.0.0.1"
    assert uid not in (await client.get(feed)).text
    async with sessionmaker() as db, db.begin():
        await db.execute(update(Meeting).values(is_published=True))
    assert "SEQUENCE:0" in event_lines((await client.get(feed)).text, uid)
    # The organisers move it (their scheduler bumps the sequence as any change of time does).
    async with sessionmaker() as db, db.begin():
        await db.execute(update(Meeting).values(slot_id=second.id, sequence=Meeting.sequence + 1))
    lines = event_lines((await client.get(feed)).text, uid)
    assert f"DTSTART;TZID=Europe/Paris:{local(second.starts_at)}" in lines and "SEQUENCE:1" in lines


async def test_organiser_export_holds_each_participants_meetings(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    _a, anne, _b, bruno = await _world(make_user, sessionmaker)
    (slot,) = await f.slots(sessionmaker, f.soon(), 1)
    made = await f.meeting(sessionmaker, anne, bruno, slot=slot, published=True)
    await make_user("org@example.org", organiser=True, name="Olga Organiser")
    client.cookies.set("em_lang", "en")
    await login(client, "org@example.org")
    response = await client.get("/organiser/exports/agendas.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    summaries = {}
    for name in archive.namelist():
        calendar = icalendar.Calendar.from_ical(archive.read(name))
        summaries[name.rsplit("-", 1)[0]] = [
            (str(e["uid"]), str(e["summary"])) for e in calendar.walk("VEVENT")
        ]
    uid = f"meeting-{made.id}@127.0.0.1"
    assert summaries["anne-acheteuse"] == [(uid, "B2B meeting: Bruno Fournisseur (Lasertec)")]
    assert summaries["bruno-fournisseur"] == [(uid, "B2B meeting: Anne Acheteuse (Aérotech)")]
    assert summaries["olga-organiser"] == []
    table = await client.get("/organiser/exports/agendas.csv")
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert sorted((r["participant"], r["uid"], r["status"]) for r in rows) == [
        ("Anne Acheteuse", uid, "CONFIRMED"),
        ("Bruno Fournisseur", uid, "CONFIRMED"),
    ]
