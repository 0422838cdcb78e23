from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from emicronora.models import Session
from tests.conftest import login, post_form
from tests.live.conftest import event_of


async def test_announcement_appears_in_every_live_room_and_only_there(
    live_server, make_programme, make_user, session_cookie, open_room, sessionmaker
) -> None:
    programme = await make_programme()
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session)
            .where(Session.id.in_([programme["welding"].id, programme["pitch"].id]))
            .values(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=30))
        )
        # An ended (not cancelled: a cancelled session has no room) session's room gets nothing.
        await db.execute(
            update(Session).where(Session.id == programme["tomography"].id).values(is_cancelled=False)
        )
    ada = await make_user("ada@example.org", name="Ada")
    await make_user("org@example.org", name="Olga", organiser=True)
    cookie = await session_cookie(ada)
    live_rooms = [await open_room(programme[key].id, cookie) for key in ("welding", "pitch")]
    ended_room = await open_room(programme["tomography"].id, cookie)
    # Through the same server as the sockets (another app instance would have its own hub).
    async with httpx.AsyncClient(base_url=live_server.base) as client:
        await login(client, "org@example.org")
        client.cookies.set("em_lang", "en")
        response = await post_form(
            client,
            "/organiser/announcements",
            {"body": "Pause café à 10 h 30"},
            token_from="/organiser/announcements",
        )
    assert response.status_code == 200
    assert "Announcement posted in 2 live rooms." in response.text
    for room in live_rooms:
        event = await room.wait_for(event_of("announcement"))
        assert (event["event"]["body"], event["event"]["author"]) == ("Pause café à 10 h 30", "Olga")
    with pytest.raises(TimeoutError):
        await ended_room.wait_for(event_of("announcement"), within=0.5)


async def test_announcement_form_refuses_empty_text_and_attendees(client, make_user) -> None:
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    client.cookies.set("em_lang", "en")
    empty = await post_form(
        client, "/organiser/announcements", {"body": "  "}, token_from="/organiser/announcements"
    )
    assert empty.status_code == 400
    assert "This field is required." in empty.text
    await post_form(client, "/logout", {}, token_from="/organiser/announcements")
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    assert (await client.get("/organiser/announcements")).status_code == 403
