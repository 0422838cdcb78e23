"""Calendar feeds over HTTP, parsed with icalendar and vobject."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import httpx
import icalendar
import vobject

from emicronora.models import User
from emicronora.people.roles import set_active
from tests.conftest import login, post_form

FEED_URL = re.compile(r'value="http://127\.0\.0\.1:8000(/calendar/u/[^"]+\.ics)" data-testid="feed-url"')


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    next(vobject.readComponents(body.decode()))  # the second parser must accept it too
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


async def personal_feed_path(client: httpx.AsyncClient) -> str:
    page = await client.get("/calendar")
    match = FEED_URL.search(page.text)
    assert match, page.text
    return match.group(1)


async def test_programme_feed_is_a_calendar_with_every_session_including_cancelled(
    client: httpx.AsyncClient, make_programme
) -> None:
    programme = await make_programme()
    response = await client.get("/calendar/programme.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="e-micronora.ics"'
    found = events(response.content)
    welding_uid = f"session-{programme['welding'].id}@127.0.0.1"
    tomography_uid = f"session-{programme['tomography'].id}@127.0.0.1"
    assert set(found) == {welding_uid, tomography_uid, f"session-{programme['pitch'].id}@127.0.0.1"}
    assert str(found[tomography_uid]["status"]) == "CANCELLED"
    assert str(found[welding_uid]["status"]) == "CONFIRMED"
    assert "DTSTART;TZID=Europe/Paris:20200922T100000" in response.text.splitlines()
    assert str(found[welding_uid]["categories"].cats[0]) == "Procédés laser"
    assert "Marie Curie-Laser (FEMTO-ST)" in str(found[welding_uid]["description"])
    assert str(found[welding_uid]["url"]) == f"http://127.0.0.1:8000/sessions/{programme['welding'].id}"


async def test_uids_are_stable_and_one_dtstamp_per_export(client: httpx.AsyncClient, make_programme) -> None:
    await make_programme()
    first = await client.get("/calendar/programme.ics")
    second = await client.get("/calendar/programme.ics")
    assert set(events(first.content)) == set(events(second.content))
    stamps = {line for line in first.text.splitlines() if line.startswith("DTSTAMP:")}
    assert len(stamps) == 1


async def test_unchanged_feed_answers_304_to_its_etag(client: httpx.AsyncClient, make_programme) -> None:
    await make_programme()
    first = await client.get("/calendar/programme.ics")
    etag = first.headers["etag"]
    assert first.headers["last-modified"].endswith("GMT")
    again = await client.get("/calendar/programme.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = await client.get("/calendar/programme.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


async def test_day_theme_and_session_feeds_hold_only_their_sessions(
    client: httpx.AsyncClient, make_programme
) -> None:
    programme = await make_programme()
    day = events((await client.get("/calendar/days/2020-09-23.ics")).content)
    assert set(day) == {f"session-{programme['tomography'].id}@127.0.0.1"}
    theme = events((await client.get("/calendar/themes/laser.ics")).content)
    assert set(theme) == {
        f"session-{programme['welding'].id}@127.0.0.1",
        f"session-{programme['pitch'].id}@127.0.0.1",
    }
    one = await client.get(f"/sessions/{programme['welding'].id}/calendar.ics")
    assert (
        one.headers["content-disposition"]
        == f'attachment; filename="e-micronora-session-{programme["welding"].id}.ics"'
    )
    assert set(events(one.content)) == {f"session-{programme['welding'].id}@127.0.0.1"}


async def test_unknown_feeds_are_404(client: httpx.AsyncClient, make_programme) -> None:
    await make_programme()
    for path in (
        "/calendar/days/2021-01-01.ics",
        "/calendar/days/not-a-day.ics",
        "/calendar/themes/nope.ics",
        "/sessions/99999/calendar.ics",
        "/sessions/abc/calendar.ics",
        "/calendar/u/not-a-token.ics",
        "/calendar/u/" + "x" * 200 + ".ics",
    ):
        assert (await client.get(path)).status_code == 404, path


async def test_session_page_offers_ics_and_google_calendar(client: httpx.AsyncClient, make_programme) -> None:
    programme = await make_programme()
    page = await client.get(f"/sessions/{programme['welding'].id}")
    assert f'href="/sessions/{programme["welding"].id}/calendar.ics?lang=fr"' in page.text
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Soudage+laser" in page.text
    assert "dates=20200922T080000Z%2F20200922T090000Z" in page.text


async def test_personal_feed_works_without_cookie_holds_starred_sessions_and_is_private(
    client: httpx.AsyncClient, make_programme, make_user
) -> None:
    programme = await make_programme()
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    path = await personal_feed_path(client)
    assert path == await personal_feed_path(client)  # the same URL every time
    empty = await client.get(path)
    assert empty.status_code == 200 and events(empty.content) == {}  # nothing starred: valid, empty
    await post_form(client, f"/sessions/{programme['welding'].id}/star", {}, token_from="/calendar")
    client.cookies.clear()
    response = await client.get(path)
    assert response.status_code == 200
    assert set(events(response.content)) == {f"session-{programme['welding'].id}@127.0.0.1"}
    assert response.headers["cache-control"].startswith("private")
    assert "X-WR-CALNAME:Mon e-Micronora" in response.text.splitlines()


async def test_revoked_personal_feed_is_404_at_once_and_the_new_one_works(
    client: httpx.AsyncClient, make_programme, make_user
) -> None:
    await make_programme()
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    old = await personal_feed_path(client)
    response = await post_form(client, "/calendar/personal/replace", {}, token_from="/calendar")
    assert response.status_code == 303
    new = await personal_feed_path(client)
    assert new != old
    assert (await client.get(old)).status_code == 404
    assert (await client.get(new)).status_code == 200


async def test_personal_feed_of_a_disabled_account_is_404(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    user = await make_user("ada@example.org")
    await login(client, "ada@example.org")
    path = await personal_feed_path(client)
    async with sessionmaker() as db, db.begin():
        await set_active(db, await db.get_one(User, user.id), None, False)
    assert (await client.get(path)).status_code == 404


async def test_organiser_zip_has_one_calendar_per_participant(
    client: httpx.AsyncClient, make_programme, make_user
) -> None:
    programme = await make_programme()
    await make_user("zoe@example.org", name="Zoé Électronique")
    await login(client, "zoe@example.org")
    await post_form(client, f"/sessions/{programme['welding'].id}/star", {}, token_from="/agenda")
    await post_form(client, f"/sessions/{programme['tomography'].id}/star", {}, token_from="/agenda")
    await post_form(client, "/logout", {}, token_from="/agenda")
    organiser = await make_user("org@example.org", organiser=True, name="Olga Organiser")
    await login(client, "org@example.org")
    response = await client.get("/organiser/exports/agendas.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == [f"olga-organiser-{organiser.id}.ics", names[1]]
    assert names[1].startswith("zoe-electronique-") and names[1].endswith(".ics")
    zoe = events(archive.read(names[1]))
    assert sorted(str(e["summary"]) for e in zoe.values()) == [
        "Soudage laser de boîtiers titane",
        "Tomographie industrielle",
    ]
    assert events(archive.read(names[0])) == {}

    assert (await client.get("/organiser/exports/agendas.pdf")).status_code == 404
    table = await client.get("/organiser/exports/agendas.csv")
    assert table.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert [(r["participant"], r["summary"], r["start"], r["status"]) for r in rows] == [
        ("Zoé Électronique", "Soudage laser de boîtiers titane", "2020-09-22T10:00:00+02:00", "CONFIRMED"),
        ("Zoé Électronique", "Tomographie industrielle", "2020-09-23T09:00:00+02:00", "CANCELLED"),
    ]


async def test_organiser_exports_are_refused_to_attendees(client: httpx.AsyncClient, make_user) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    for path in (
        "/organiser/exports",
        "/organiser/exports/agendas.zip",
        "/organiser/exports/agendas.csv",
        "/organiser/exports/programme.ics",
    ):
        assert (await client.get(path)).status_code == 403, path
