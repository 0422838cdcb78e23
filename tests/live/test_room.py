"""The room protocol over a real server and real WebSocket clients."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from websockets.exceptions import InvalidStatus

from emicronora.live.hub import Connection
from emicronora.models import ChatMessage, Mute, Question, RoomEvent, Session, SessionModerator
from tests.live.conftest import event_of, joined


async def test_two_clients_see_each_others_messages_in_order(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await ada.send(type="chat.post", client_id="a1", body="Bonjour <b>tous</b>")
    await bob.send(type="chat.post", client_id="b1", body="Salut Ada")
    for client in (ada, bob):
        first = await client.wait_for(event_of("chat.message"))
        second = await client.wait_for(event_of("chat.message"))
        assert [first["event"]["message"]["body"], second["event"]["message"]["body"]] in (
            ["Bonjour <b>tous</b>", "Salut Ada"],
            ["Salut Ada", "Bonjour <b>tous</b>"],
        )
        assert second["seq"] == first["seq"] + 1
        assert {first["event"]["message"]["author"], second["event"]["message"]["author"]} == {"Ada", "Bob"}


async def test_new_client_gets_the_last_messages_in_its_snapshot(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    for i in range(3):
        await ada.send(type="chat.post", client_id=f"m{i}", body=f"message {i}")
        await ada.wait_for(lambda m, i=i: m.get("type") == "ack" and m["client_id"] == f"m{i}")
    bob = await open_room(room["id"], room["bob_cookie"])
    welcome, snapshot = await bob.next(), await bob.next()
    assert welcome["seq"] == 3 and snapshot["seq"] == 3
    assert [m["body"] for m in snapshot["messages"]] == ["message 0", "message 1", "message 2"]


async def test_resume_after_a_disconnect_gets_exactly_the_missed_events(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await ada.send(type="chat.post", client_id="1", body="before")
    seen = await bob.wait_for(event_of("chat.message"))
    await bob.close()
    for i in range(3):  # posts are limited to five per ten seconds
        await ada.send(type="chat.post", client_id=f"missed-{i}", body=f"missed {i}")
        await ada.wait_for(lambda m, i=i: m.get("type") == "ack" and m["client_id"] == f"missed-{i}")
    bob = await open_room(room["id"], room["bob_cookie"], after=seen["seq"])
    welcome = await bob.next()
    assert welcome["resumed"] is True
    replayed = [await bob.next() for _ in range(3)]
    assert [m["event"]["message"]["body"] for m in replayed] == [f"missed {i}" for i in range(3)]
    assert [m["seq"] for m in replayed] == list(range(seen["seq"] + 1, seen["seq"] + 4))
    await ada.send(type="chat.post", client_id="after", body="live again")
    live = await bob.next()
    assert live["event"]["message"]["body"] == "live again" and live["seq"] == seen["seq"] + 4


async def test_a_retried_post_is_stored_once(open_room, room, sessionmaker) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await ada.send(type="chat.post", client_id="same-id", body="hello")
    first_ack = await ada.wait_for(lambda m: m.get("type") == "ack")
    await ada.send(type="chat.post", client_id="same-id", body="hello")
    second_ack = await ada.wait_for(lambda m: m.get("type") == "ack")
    assert first_ack["seq"] == second_ack["seq"]
    await bob.wait_for(event_of("chat.message"))
    with pytest.raises(TimeoutError):
        await bob.wait_for(event_of("chat.message"), within=0.5)
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(ChatMessage)) == 1
        assert await db.scalar(select(func.count()).select_from(RoomEvent)) == 1


async def test_handshake_is_refused_without_login_or_from_another_origin(open_room, room) -> None:
    with pytest.raises(InvalidStatus) as anonymous:
        await open_room(room["id"], "em_session=not-a-session")
    assert anonymous.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as foreign:
        await open_room(room["id"], room["ada_cookie"], origin="https://evil.example")
    assert foreign.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as unknown_room:
        await open_room(999999, room["ada_cookie"])
    assert unknown_room.value.response.status_code == 403


async def test_oversize_and_flood_messages_get_errors_not_silence(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="big", body="x" * 3000)
    error = await ada.wait_for(lambda m: m.get("type") == "error")
    assert (error["code"], error["client_id"]) == ("too_long", "big")
    await ada.send(type="chat.post", client_id="huge", body="é" * 2001)  # over the 4 KiB frame cap
    assert (await ada.wait_for(lambda m: m.get("type") == "error"))["code"] == "too_large"
    await ada.socket.send("not json")
    assert (await ada.wait_for(lambda m: m.get("type") == "error"))["code"] == "invalid"
    for i in range(8):
        await ada.send(type="chat.post", client_id=f"flood-{i}", body=f"flood {i}")
    codes = []
    for _ in range(8):
        message = await ada.wait_for(lambda m: m.get("type") in ("ack", "error"))
        codes.append(message["type"] if message["type"] == "ack" else message["code"])
    # The too-long post counted as an attempt; frames that could not be read did not. Four more pass.
    assert codes == ["ack"] * 4 + ["rate_limited"] * 4
    limited = next(m for m in ada.seen if m.get("code") == "rate_limited")
    assert limited["message"] == "Vous envoyez des messages trop vite. Attendez quelques secondes."


async def test_a_retried_question_is_stored_once_and_a_retry_takes_no_number(
    open_room, room, sessionmaker
) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="question.ask", client_id="q-1", body="Quelle précision ?")
    first = await ada.wait_for(lambda m: m.get("type") == "ack")
    await ada.send(type="question.ask", client_id="q-1", body="Quelle précision ?")
    again = await ada.wait_for(lambda m: m.get("type") == "ack")
    assert again["seq"] == first["seq"]
    # Another person may pick the same client_id: it is only unique per person.
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await bob.send(type="chat.post", client_id="q-1", body="Bonjour")
    assert (await bob.wait_for(lambda m: m.get("type") == "ack"))["seq"] == first["seq"] + 1
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Question)) == 1
        assert await db.scalar(select(func.count()).select_from(RoomEvent)) == 2


async def test_a_mute_that_has_run_out_no_longer_stops_posts(open_room, room, sessionmaker) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(
            Mute(
                session_id=room["id"], user_id=room["ada"].id, until=datetime.now(UTC) - timedelta(minutes=1)
            )
        )
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="after", body="Je peux parler")
    assert (await ada.wait_for(event_of("chat.message")))["event"]["message"]["body"] == "Je peux parler"


async def test_a_muted_user_cannot_post_and_is_told_so(open_room, room) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await org.send(type="user.mute", user_id=room["ada"].id, minutes=10)
    muted = await ada.wait_for(event_of("user.muted"))
    assert muted["event"]["user_id"] == room["ada"].id
    await ada.send(type="chat.post", client_id="m", body="let me speak")
    error = await ada.wait_for(lambda m: m.get("type") == "error")
    assert error["code"] == "muted" and error["client_id"] == "m"


async def test_attendees_cannot_moderate(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    for request in (
        {"type": "user.mute", "user_id": room["bob"].id, "minutes": 5},
        {"type": "chat.close"},
        {"type": "poll.open", "question": "?", "options": ["a", "b"]},
        {"type": "chat.delete", "message_id": 1},
    ):
        await ada.send(**request)
        assert (await ada.wait_for(lambda m: m.get("type") == "error"))["code"] == "forbidden"


async def test_a_deleted_message_vanishes_for_everyone(open_room, room) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="x", body="spam spam")
    message = (await org.wait_for(event_of("chat.message")))["event"]["message"]
    await org.send(type="chat.delete", message_id=message["id"])
    for client in (org, ada):
        deleted = await client.wait_for(event_of("chat.deleted"))
        assert deleted["event"]["message_id"] == message["id"]
    late = await open_room(room["id"], room["bob_cookie"])
    await late.next()
    assert (await late.next())["messages"] == []


async def test_closed_chat_refuses_posts_from_attendees(open_room, room) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await org.send(type="chat.close", closed=True)
    assert (await ada.wait_for(event_of("room.updated")))["event"]["chat_closed"] is True
    await ada.send(type="chat.post", client_id="c", body="anyone?")
    assert (await ada.wait_for(lambda m: m.get("type") == "error"))["code"] == "chat_closed"


async def test_upvoting_twice_counts_once_and_questions_carry_their_votes(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await ada.send(type="question.ask", client_id="q", body="Quelle rugosité après polissage laser ?")
    question = (await bob.wait_for(event_of("question.updated")))["event"]["question"]
    assert question["votes"] == 0 and question["status"] == "approved"
    await bob.send(type="question.vote", question_id=question["id"])
    voted = await ada.wait_for(
        lambda m: event_of("question.updated")(m) and m["event"]["question"]["votes"] == 1
    )
    assert voted["event"]["question"]["id"] == question["id"]
    await bob.send(type="question.vote", question_id=question["id"])
    error = await bob.wait_for(lambda m: m.get("type") == "error")
    assert error["code"] == "already_voted"
    late = await open_room(room["id"], room["org_cookie"])
    await late.next()
    snapshot = await late.next()
    assert [(q["body"], q["votes"]) for q in snapshot["questions"]] == [
        ("Quelle rugosité après polissage laser ?", 1)
    ]


async def test_moderated_questions_wait_for_approval_and_pinning_is_exclusive(
    open_room, room, sessionmaker
) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await org.send(type="room.moderated", moderated=True)
    await bob.wait_for(event_of("room.updated"))
    await ada.send(type="question.ask", client_id="q1", body="Question one")
    pending = (await org.wait_for(event_of("question.updated")))["event"]["question"]
    assert pending["status"] == "pending"
    assert (await ada.wait_for(event_of("question.updated")))["event"]["question"]["status"] == "pending"
    with pytest.raises(TimeoutError):  # Bob does not see a question that is not approved
        await bob.wait_for(event_of("question.updated"), within=0.5)
    await org.send(type="question.moderate", question_id=pending["id"], action="approve")
    assert (await bob.wait_for(event_of("question.updated")))["event"]["question"]["status"] == "approved"
    await org.send(type="question.moderate", question_id=pending["id"], action="pin")
    assert (await bob.wait_for(event_of("question.updated")))["event"]["question"]["status"] == "pinned"
    await org.send(type="question.moderate", question_id=pending["id"], action="answer")
    assert (await bob.wait_for(event_of("question.updated")))["event"]["question"]["status"] == "answered"


async def test_session_moderator_appointed_for_the_session_may_moderate(
    open_room, room, sessionmaker
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(SessionModerator(session_id=room["id"], user_id=room["bob"].id))
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    await bob.send(type="chat.close", closed=True)
    assert (await bob.wait_for(event_of("room.updated")))["event"]["chat_closed"] is True


async def test_polls_take_one_vote_each_and_update_live(open_room, room) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await org.send(type="poll.open", question="Quel laser utilisez-vous ?", options=["fibre", "CO2"])
    poll = (await ada.wait_for(event_of("poll.updated")))["event"]["poll"]
    assert poll["counts"] == [0, 0] and poll["is_open"] is True
    await ada.send(type="poll.vote", poll_id=poll["id"], option=1)
    await org.wait_for(event_of("poll.updated"))  # its own poll, opened
    assert (await org.wait_for(event_of("poll.updated")))["event"]["poll"]["counts"] == [0, 1]
    await ada.send(type="poll.vote", poll_id=poll["id"], option=0)
    assert (await ada.wait_for(lambda m: m.get("type") == "error"))["code"] == "already_voted"
    await org.send(type="poll.close", poll_id=poll["id"])
    assert (await ada.wait_for(event_of("poll.updated")))["event"]["poll"]["is_open"] is False
    await org.send(type="poll.open", question="Trop d'options ?", options=["1", "2", "3", "4", "5", "6", "7"])
    assert (await org.wait_for(lambda m: m.get("type") == "error"))["code"] == "invalid"


async def test_a_client_that_stops_reading_is_dropped_not_waited_for() -> None:
    connection = Connection(user_id=1, is_moderator=False, queue_size=3)
    for seq in range(1, 4):
        connection.offer(seq, "{}")
    assert not connection.dropped
    connection.offer(4, "{}")
    assert connection.dropped
    items = connection.pending()
    assert items[-1] is None  # the writer's signal to close the socket
    assert [item[0] for item in items[:-1] if item is not None] == [1, 2]
    connection.offer(5, "{}")
    assert connection.pending() == items


async def test_history_returns_older_messages_for_scrolling(open_room, room) -> None:
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    ids = []
    for i in range(4):
        await ada.send(type="chat.post", client_id=f"h{i}", body=f"h{i}")
        ids.append((await ada.wait_for(event_of("chat.message")))["event"]["message"]["id"])
        await asyncio.sleep(0)
    await ada.send(type="history", before=ids[2])
    history = await ada.wait_for(lambda m: m.get("type") == "history")
    assert [m["body"] for m in history["messages"]] == ["h0", "h1"]


async def test_an_ended_session_is_read_only_and_a_cancelled_one_has_no_room(
    open_room, room, sessionmaker
) -> None:
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session)
            .where(Session.id == room["id"])
            .values(ends_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="late", body="too late?")
    error = await ada.wait_for(lambda m: m.get("type") == "error")
    assert (error["code"], error["message"]) == (
        "ended",
        "Cette session est terminée : sa salle se lit, mais on n’y ajoute plus rien.",
    )
    async with sessionmaker() as db, db.begin():
        await db.execute(update(Session).where(Session.id == room["id"]).values(is_cancelled=True))
    with pytest.raises(InvalidStatus) as cancelled:
        await open_room(room["id"], room["bob_cookie"])
    assert cancelled.value.response.status_code == 403
