"""What someone arriving in a room sees: the room's state as of their arrival, their own votes and the
questions only they and the moderators see, though a crowd arriving together shares one reading."""

from __future__ import annotations

import time

from emicronora.live.snapshot import SharedSnapshot, SnapshotCache
from tests.live.conftest import event_of, joined


async def arrive(open_room, room_id: int, cookie: str) -> dict:
    client = await open_room(room_id, cookie)
    assert (await client.next())["type"] == "welcome"
    snapshot = await client.next()
    assert snapshot["type"] == "snapshot"
    return snapshot


async def test_someone_arriving_after_a_change_sees_it_though_others_arrived_just_before(
    open_room, room
) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    first = await arrive(open_room, room["id"], room["bob_cookie"])
    assert first["messages"] == [] and first["questions"] == [] and first["polls"] == []
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="chat.post", client_id="m", body="Bonjour")
    await ada.send(type="question.ask", client_id="q", body="Quelle cadence ?")
    question = (await org.wait_for(event_of("question.updated")))["event"]["question"]
    await org.send(type="poll.open", question="Quel laser ?", options=["fibre", "CO2"])
    poll = (await ada.wait_for(event_of("poll.updated")))["event"]["poll"]
    await ada.send(type="poll.vote", poll_id=poll["id"], option=1)
    await ada.send(type="question.vote", question_id=question["id"])
    # In the order Ada acted.
    await org.wait_for(lambda m: event_of("poll.updated")(m) and m["event"]["poll"]["counts"] == [0, 1])
    await org.wait_for(lambda m: event_of("question.updated")(m) and m["event"]["question"]["votes"] == 1)

    again = await arrive(open_room, room["id"], room["bob_cookie"])
    assert [m["body"] for m in again["messages"]] == ["Bonjour"]
    assert [(q["body"], q["votes"]) for q in again["questions"]] == [("Quelle cadence ?", 1)]
    assert [p["counts"] for p in again["polls"]] == [[0, 1]]
    assert again["seq"] > first["seq"]
    # Her own votes come back to Ada, not to Bob.
    hers = await arrive(open_room, room["id"], room["ada_cookie"])
    assert hers["my_question_votes"] == [question["id"]] and hers["my_poll_votes"] == {str(poll["id"]): 1}
    assert again["my_question_votes"] == [] and again["my_poll_votes"] == {}


async def test_a_question_waiting_for_approval_is_in_its_authors_snapshot_and_the_moderators_only(
    open_room, room
) -> None:
    org = await joined(open_room, room["id"], room["org_cookie"])
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await ada.send(type="question.ask", client_id="q1", body="Publique")
    public = (await org.wait_for(event_of("question.updated")))["event"]["question"]
    await ada.send(type="question.vote", question_id=public["id"])
    await org.wait_for(lambda m: event_of("question.updated")(m) and m["event"]["question"]["votes"] == 1)
    await org.send(type="room.moderated", moderated=True)
    await ada.wait_for(event_of("room.updated"))
    await ada.send(type="question.ask", client_id="q2", body="En attente")
    await org.wait_for(
        lambda m: event_of("question.updated")(m) and m["event"]["question"]["status"] == "pending"
    )
    # Bob arrives first: the room is read once for everyone who is not a moderator...
    bobs = await arrive(open_room, room["id"], room["bob_cookie"])
    adas = await arrive(open_room, room["id"], room["ada_cookie"])
    orgs = await arrive(open_room, room["id"], room["org_cookie"])
    assert [q["body"] for q in bobs["questions"]] == ["Publique"]
    # ...and Ada still finds her own question, in its place after the voted one.
    assert [(q["body"], q["status"]) for q in adas["questions"]] == [
        ("Publique", "approved"),
        ("En attente", "pending"),
    ]
    assert [(q["body"], q["status"]) for q in orgs["questions"]] == [
        ("Publique", "approved"),
        ("En attente", "pending"),
    ]
    assert bobs["moderated"] and adas["moderated"] and orgs["moderated"]


def shared(seq: int, made_at: float) -> SharedSnapshot:
    return SharedSnapshot(seq, made_at, [], [], "[]", '{"type":"snapshot"')


def test_a_kept_reading_serves_its_own_event_number_for_a_few_seconds_only() -> None:
    cache = SnapshotCache(keep_for=5.0)
    now = time.monotonic()
    cache.put(1, False, shared(7, now))
    assert cache.get(1, False, 7) is not None
    assert cache.get(1, False, 8) is None  # an event came since
    assert cache.get(1, True, 7) is None  # the moderators' reading is another one
    assert cache.get(2, False, 7) is None
    cache.put(1, False, shared(7, now - 6.0))
    assert cache.get(1, False, 7) is None  # what changes without an event is read again
    cache.put(1, False, shared(7, now))
    cache.forget(1)
    assert cache.get(1, False, 7) is None
