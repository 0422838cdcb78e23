"""Rights that follow changes: a logout, a disabled account, a moderator removed or an organiser appointed,
a cancelled session reach the open room sockets at once, without a reconnect (live/rights.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select
from websockets.exceptions import ConnectionClosed

from emicronora.models import ChatMessage, Room, SessionModerator
from tests.conftest import post_form
from tests.live.conftest import LiveServer, RoomClient, event_of, joined, make_live
from tests.live.test_scale_out import redis_admin, two_workers  # noqa: F401  (fixtures)

SIGNED_OUT = 4401
SESSION_CANCELLED = 4410


async def act(server: LiveServer, cookie: str, path: str, data: dict[str, str] | None = None) -> None:
    """A form posted by the browser holding `cookie`, as the page's button would."""
    name, _, value = cookie.partition("=")
    async with httpx.AsyncClient(base_url=server.base) as client:
        client.cookies.set(name, value)
        response = await post_form(client, path, data or {}, token_from="/account")
    assert response.status_code == 303, response.text


async def closed_with(client: RoomClient) -> int:
    """Waits for the server to close the socket (anything else it sends is skipped); its close code."""
    with pytest.raises(ConnectionClosed) as closed:
        await client.wait_for(lambda message: False)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def rights_told(client: RoomClient) -> dict:
    """The rights message, whether it came already (while the test waited for something else) or comes."""
    told = [message for message in client.seen if message.get("type") == "rights"]
    return told[-1] if told else await client.wait_for(lambda m: m.get("type") == "rights")


def ack_of(client_id: str):
    return lambda message: message.get("type") == "ack" and message["client_id"] == client_id


def error_of(client_id: str | None = None):
    return lambda message: message.get("type") == "error" and message.get("client_id") == client_id


@pytest.fixture
async def moderated_room(room, sessionmaker) -> AsyncIterator[dict]:
    async with sessionmaker() as db, db.begin():
        db.add(SessionModerator(session_id=room["id"], user_id=room["bob"].id))
    yield room


async def test_a_removed_moderator_can_no_longer_delete_or_close_from_the_open_socket(
    open_room, live_server, moderated_room, sessionmaker
) -> None:
    room = moderated_room
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await open_room(room["id"], room["bob_cookie"])
    assert (await bob.next())["moderator"] is True
    await ada.send(type="chat.post", client_id="a1", body="un message")
    message_id = (await ada.wait_for(event_of("chat.message")))["event"]["message"]["id"]

    await act(
        live_server, room["org_cookie"], f"/organiser/people/{room['bob'].id}/moderation/{room['id']}/remove"
    )
    # Straight after the organiser's page answered, on the same socket.
    await bob.send(type="chat.delete", client_id="d1", message_id=message_id)
    refused = await bob.wait_for(error_of("d1"))
    assert refused["code"] == "forbidden"
    await bob.send(type="chat.close", client_id="c1", closed=True)
    assert (await bob.wait_for(error_of("c1")))["code"] == "forbidden"
    # The page is told, and gets the room as a participant sees it.
    assert await rights_told(bob) == {"type": "rights", "moderator": False}
    told_at = next(i for i, m in enumerate(bob.seen) if m.get("type") == "rights")
    snapshot = bob.seen[told_at + 1] if len(bob.seen) > told_at + 1 else await bob.next()
    assert snapshot["type"] == "snapshot"
    async with sessionmaker() as db:
        assert (await db.get_one(ChatMessage, message_id)).is_deleted is False
        assert (await db.get_one(Room, room["id"])).chat_closed is False


async def test_a_new_organiser_moderates_the_room_already_open_without_reconnecting(
    open_room, live_server, room, sessionmaker
) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="a1", body="à effacer")
    message_id = (await ada.wait_for(event_of("chat.message")))["event"]["message"]["id"]
    await act(live_server, room["org_cookie"], f"/organiser/people/{room['ada'].id}/organiser/grant")
    assert (await ada.wait_for(lambda m: m.get("type") == "rights")) == {"type": "rights", "moderator": True}
    await ada.send(type="chat.delete", client_id="d1", message_id=message_id)
    await ada.wait_for(event_of("chat.deleted"))


async def test_logout_closes_the_sockets_of_that_login_and_a_post_right_after_is_refused(
    open_room, live_server, room, session_cookie, sessionmaker
) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    other_browser = await joined(open_room, room["id"], await session_cookie(room["ada"]))
    await act(live_server, room["ada_cookie"], "/logout")
    with pytest.raises(ConnectionClosed) as closed:
        await ada.send(type="chat.post", client_id="late", body="après la déconnexion")
        await ada.wait_for(ack_of("late"))
    assert closed.value.rcvd is not None and closed.value.rcvd.code == SIGNED_OUT
    # Ada's other browser is still logged in: its socket goes on.
    await other_browser.send(type="chat.post", client_id="still", body="toujours là")
    await other_browser.wait_for(ack_of("still"))
    async with sessionmaker() as db:
        assert (await db.scalars(select(ChatMessage.body))).all() == ["toujours là"]


async def test_disabling_an_account_closes_its_sockets_at_once(open_room, live_server, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await act(live_server, room["org_cookie"], f"/organiser/people/{room['ada'].id}/disable")
    assert await closed_with(ada) == SIGNED_OUT
    await bob.send(type="chat.post", client_id="b1", body="Ada est partie")
    await bob.wait_for(ack_of("b1"))


async def test_cancelling_the_session_closes_its_room_for_everyone(open_room, live_server, room) -> None:
    clients = [await joined(open_room, room["id"], room[f"{name}_cookie"]) for name in ("ada", "bob", "org")]
    await act(live_server, room["org_cookie"], f"/organiser/sessions/{room['id']}/cancel")
    for client in clients:
        assert await closed_with(client) == SESSION_CANCELLED


async def test_changes_made_on_one_worker_reach_the_sockets_of_another_through_redis(
    two_workers,  # noqa: F811
    make_programme,
    make_user,
    session_cookie,
    open_room,
    sessionmaker,
) -> None:
    first, second, _prefix = two_workers
    programme = await make_programme()
    room_id = programme["welding"].id
    await make_live(sessionmaker, room_id)
    ada = await make_user("ada@example.org", name="Ada")
    bob = await make_user("bob@example.org", name="Bob")
    org_cookie = await session_cookie(await make_user("org@example.org", name="Olga", organiser=True))
    async with sessionmaker() as db, db.begin():
        db.add(SessionModerator(session_id=room_id, user_id=bob.id))
    on_first_ada = await joined(open_room, room_id, await session_cookie(ada), server=first)
    on_first_bob = await joined(open_room, room_id, await session_cookie(bob), server=first)

    await act(second, org_cookie, f"/organiser/people/{bob.id}/moderation/{room_id}/remove")
    assert (await on_first_bob.wait_for(lambda m: m.get("type") == "rights"))["moderator"] is False
    await act(second, org_cookie, f"/organiser/people/{ada.id}/disable")
    assert await closed_with(on_first_ada) == SIGNED_OUT


async def test_a_binary_frame_is_answered_with_an_error_and_the_socket_goes_on(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.socket.send(b'{"type": "chat.post", "body": "en binaire"}')
    assert (await ada.wait_for(error_of()))["code"] == "invalid"
    await ada.send(type="chat.post", client_id="a1", body="en texte")
    await ada.wait_for(ack_of("a1"))


async def test_history_before_a_huge_id_is_answered_with_an_error_and_the_socket_goes_on(
    open_room, room
) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="a1", body="premier")
    await ada.wait_for(ack_of("a1"))
    for before in (10**30, -5, "12", True):
        await ada.send(type="history", before=before)
        assert (await ada.wait_for(error_of()))["code"] == "invalid"
    await ada.send(type="history", before=10**6)
    page = await ada.wait_for(lambda m: m.get("type") == "history")
    assert [message["body"] for message in page["messages"]] == ["premier"]


async def test_history_is_rate_limited(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    for _ in range(11):
        await ada.send(type="history", before=1000)
    answers = [await ada.wait_for(lambda m: m.get("type") in ("history", "error")) for _ in range(11)]
    assert [answer["type"] for answer in answers] == ["history"] * 10 + ["error"]
    assert answers[-1]["code"] == "rate_limited"
