"""What a subscribed calendar app sees when the organiser moves or cancels a session."""

from __future__ import annotations

import httpx
import icalendar

from tests.calendar.test_feeds import personal_feed_path
from tests.conftest import login, post_form


def event_lines(body: str, uid: str) -> list[str]:
    for block in body.split("BEGIN:VEVENT")[1:]:
        lines = block.split("END:VEVENT")[0].splitlines()
        if f"UID:{uid}" in lines:
            return lines
    raise AssertionError(f"{uid} not in the feed")


def session_form(programme: dict, **changes: str) -> dict[str, str]:
    welding = programme["welding"]
    return {
        "kind": "webinar",
        "title": welding.title,
        "abstract": welding.abstract,
        "day_id": str(programme["days"][0].id),
        "theme_id": str(programme["themes"][0].id),
        "starts_at": "10:00",
        "ends_at": "11:00",
        "speaker_ids": str(programme["speaker"].id),
        **changes,
    }


async def test_moved_then_cancelled_session_updates_the_subscribed_feed(
    client: httpx.AsyncClient, make_programme, make_user
) -> None:
    programme = await make_programme()
    welding = programme["welding"]
    uid = f"session-{welding.id}@127.0.0.1"
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    await post_form(client, f"/sessions/{welding.id}/star", {}, token_from="/calendar")
    feed = await personal_feed_path(client)
    await post_form(client, "/logout", {}, token_from="/calendar")

    before = await client.get(feed)
    lines = event_lines(before.text, uid)
    assert "DTSTART;TZID=Europe/Paris:20200922T100000" in lines
    assert "SEQUENCE:0" in lines and "STATUS:CONFIRMED" in lines
    etag = before.headers["etag"]

    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    moved = await post_form(
        client,
        f"/organiser/sessions/{welding.id}/edit",
        session_form(programme, starts_at="14:30", ends_at="15:30"),
        token_from="/organiser/",
    )
    assert moved.status_code == 303

    after_move = await client.get(feed, headers={"If-None-Match": etag})
    assert after_move.status_code == 200  # the old ETag no longer matches: the app downloads the change
    lines = event_lines(after_move.text, uid)
    assert "DTSTART;TZID=Europe/Paris:20200922T143000" in lines
    assert "DTEND;TZID=Europe/Paris:20200922T153000" in lines
    assert "SEQUENCE:1" in lines
    assert f"UID:{uid}" in lines

    cancelled = await post_form(
        client, f"/organiser/sessions/{welding.id}/cancel", {}, token_from="/organiser/"
    )
    assert cancelled.status_code == 303
    after_cancel = await client.get(feed)
    lines = event_lines(after_cancel.text, uid)
    assert "STATUS:CANCELLED" in lines  # still in the feed, so that calendar apps remove it
    assert "SEQUENCE:2" in lines


async def test_sessions_around_the_october_dst_change_keep_their_paris_time_over_http(
    client: httpx.AsyncClient, make_programme, make_user
) -> None:
    programme = await make_programme()
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    for day in ("2020-10-24", "2020-10-26"):
        response = await post_form(
            client,
            "/organiser/days/new",
            {"date": day, "theme_id": str(programme["themes"][0].id)},
            token_from="/organiser/",
        )
        assert response.status_code == 303, response.text
    for day in ("2020-10-24", "2020-10-26"):
        days = (await client.get("/api/days")).json()["days"]
        day_id = next(d["id"] for d in days if d["date"] == day)
        created = await post_form(
            client,
            "/organiser/sessions/new",
            session_form(
                programme, title=f"Session {day}", day_id=str(day_id), starts_at="10:00", ends_at="11:00"
            ),
            token_from="/organiser/",
        )
        assert created.status_code == 303, created.text
    body = (await client.get("/calendar/programme.ics")).text
    feed_lines = body.splitlines()
    assert "DTSTART;TZID=Europe/Paris:20201024T100000" in feed_lines
    assert "DTSTART;TZID=Europe/Paris:20201026T100000" in feed_lines
    starts = sorted(
        (str(e["summary"]), e.decoded("dtstart").utcoffset().total_seconds() / 3600)
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["summary"]).startswith("Session 2020-10")
    )
    assert starts == [("Session 2020-10-24", 2.0), ("Session 2020-10-26", 1.0)]
