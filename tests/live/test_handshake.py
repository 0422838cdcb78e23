"""The room handshake reads the login session without writing to it, and still enforces its timeouts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from websockets.exceptions import ConnectionClosed, InvalidStatus

from emicronora.live import client as live_client
from emicronora.live.hub import SIGNED_OUT
from emicronora.models import ChatMessage, LoginSession, User
from tests.live.conftest import make_live


async def set_last_seen(sessionmaker, minutes_ago: int) -> datetime:
    when = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    async with sessionmaker() as db, db.begin():
        await db.execute(update(LoginSession).values(last_seen_at=when))
    return when


async def last_seen(sessionmaker) -> datetime:
    async with sessionmaker() as db:
        return await db.scalar(select(LoginSession.last_seen_at))


async def test_joining_a_room_does_not_write_the_login_session(
    open_room, make_programme, make_user, session_cookie, sessionmaker
) -> None:
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    cookie = await session_cookie(await make_user("ada@example.org"))
    when = await set_last_seen(sessionmaker, 5)
    client = await open_room(programme["welding"].id, cookie)
    assert (await client.next())["type"] == "welcome"
    assert await last_seen(sessionmaker) == when


async def test_an_organiser_idle_for_31_minutes_cannot_join_a_room(
    open_room, make_programme, make_user, session_cookie, sessionmaker
) -> None:
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    cookie = await session_cookie(await make_user("org@example.org", organiser=True))
    await set_last_seen(sessionmaker, 29)
    client = await open_room(programme["welding"].id, cookie)
    assert (await client.next())["type"] == "welcome"
    await client.close()
    await set_last_seen(sessionmaker, 31)
    with pytest.raises(InvalidStatus) as refused:
        await open_room(programme["welding"].id, cookie)
    assert refused.value.response.status_code == 403


async def test_a_disabled_account_can_no_longer_act_in_a_room_it_had_joined(
    open_room, make_programme, make_user, session_cookie, sessionmaker, monkeypatch
) -> None:
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    user = await make_user("eve@example.org")
    client = await open_room(programme["welding"].id, await session_cookie(user))
    assert (await client.next())["type"] == "welcome"
    # Checked before every action for the test, instead of every half minute.
    monkeypatch.setattr(live_client, "LOGIN_CHECK_S", -1.0)
    await client.send(type="chat.post", client_id="before", body="still welcome")
    await client.wait_for(lambda m: m.get("type") == "ack" and m["client_id"] == "before")
    async with sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.id == user.id).values(is_active=False))
    await client.send(type="chat.post", client_id="after", body="should not be stored")
    with pytest.raises(ConnectionClosed) as closed:
        await client.wait_for(lambda m: m.get("type") == "ack" and m["client_id"] == "after")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == SIGNED_OUT
    async with sessionmaker() as db:
        bodies = (await db.scalars(select(ChatMessage.body))).all()
    assert bodies == ["still welcome"]


async def test_a_login_that_timed_out_can_no_longer_act_in_a_room_it_had_joined(
    open_room, make_programme, make_user, session_cookie, sessionmaker, monkeypatch
) -> None:
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    client = await open_room(
        programme["welding"].id, await session_cookie(await make_user("org@example.org", organiser=True))
    )
    assert (await client.next())["type"] == "welcome"
    monkeypatch.setattr(live_client, "LOGIN_CHECK_S", -1.0)
    await set_last_seen(sessionmaker, 31)  # past the organisers' 30-minute idle timeout
    await client.send(type="chat.post", client_id="late", body="should not be stored")
    with pytest.raises(ConnectionClosed) as closed:
        await client.wait_for(lambda m: m.get("type") == "ack")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == SIGNED_OUT
    async with sessionmaker() as db:
        assert (await db.scalars(select(ChatMessage.body))).all() == []


async def test_acting_in_a_room_counts_as_activity_for_the_login_session(
    open_room, make_programme, make_user, session_cookie, sessionmaker, monkeypatch
) -> None:
    """Someone chatting through a long webinar without opening a page is not logged out for being idle."""
    programme = await make_programme()
    await make_live(sessionmaker, programme["welding"].id)
    client = await open_room(
        programme["welding"].id, await session_cookie(await make_user("ada@example.org"))
    )
    assert (await client.next())["type"] == "welcome"
    monkeypatch.setattr(live_client, "LOGIN_CHECK_S", -1.0)
    before = await set_last_seen(sessionmaker, 20)
    await client.send(type="chat.post", client_id="busy", body="une question")
    await client.wait_for(lambda m: m.get("type") == "ack" and m["client_id"] == "busy")
    assert await last_seen(sessionmaker) > before + timedelta(minutes=19)
