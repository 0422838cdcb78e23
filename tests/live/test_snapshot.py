"""What someone arriving in a room sees: the room's state as of their arrival, their own votes and the
questions only they and the moderators see, though a crowd arriving together shares one reading."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import pytest

from emicronora.live.snapshot import SharedSnapshot, SnapshotCache, with_own_questions
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
    await org.send(type="poll.open", question="Quelle longueur d'onde ?", options=["UV", "IR", "vert"])
    second = await ada.wait_for(
        lambda m: event_of("poll.updated")(m) and m["event"]["poll"]["id"] != poll["id"]
    )
    await ada.send(type="poll.vote", poll_id=second["event"]["poll"]["id"], option=0)
    await org.wait_for(lambda m: event_of("poll.updated")(m) and m["event"]["poll"]["counts"] == [1, 0, 0])

    again = await arrive(open_room, room["id"], room["bob_cookie"])
    assert [m["body"] for m in again["messages"]] == ["Bonjour"]
    assert [(q["body"], q["votes"]) for q in again["questions"]] == [("Quelle cadence ?", 1)]
    assert [p["counts"] for p in again["polls"]] == [[0, 1], [1, 0, 0]]
    assert again["seq"] > first["seq"]
    # Her own votes come back to Ada, not to Bob.
    hers = await arrive(open_room, room["id"], room["ada_cookie"])
    assert hers["my_question_votes"] == [question["id"]]
    assert hers["my_poll_votes"] == {str(poll["id"]): 1, str(second["event"]["poll"]["id"]): 0}
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


class Reader:
    """Counts the readings of the room; a reading may be held open, or fail."""

    def __init__(self) -> None:
        self.count = 0
        self.hold = asyncio.Event()
        self.hold.set()
        self.fail = False

    def __call__(self, seq: int, made_at: float | None = None) -> Callable[[], Awaitable[SharedSnapshot]]:
        async def read() -> SharedSnapshot:
            self.count += 1
            await self.hold.wait()
            if self.fail:
                raise ConnectionError("the database went away")
            return SharedSnapshot(seq, made_at or time.monotonic(), [], [], "[]", f'{{"seq":{seq}')

        return read


async def test_one_reading_serves_its_event_number_for_a_few_seconds_only() -> None:
    cache, read = SnapshotCache(keep_for=5.0), Reader()
    first = await cache.reading(1, False, 7, read(7))
    assert await cache.reading(1, False, 7, read(7)) is first and read.count == 1
    await cache.reading(1, True, 7, read(7))  # the moderators' reading is another one
    await cache.reading(2, False, 7, read(7))
    assert read.count == 3
    await cache.reading(1, False, 8, read(8))  # an event came since
    assert read.count == 4
    cache.forget(1)
    await cache.reading(1, False, 8, read(8))
    assert read.count == 5
    # What changes without an event is read again after a few seconds.
    stale = SnapshotCache(keep_for=5.0)
    await stale.reading(1, False, 7, read(7, time.monotonic() - 6.0))
    await stale.reading(1, False, 7, read(7))
    assert read.count == 7


async def test_arrivals_during_a_reading_wait_for_it_and_an_older_number_does_not_replace_a_newer() -> None:
    cache, read = SnapshotCache(), Reader()
    read.hold.clear()
    crowd = [asyncio.create_task(cache.reading(1, False, 7, read(7))) for _ in range(30)]
    await asyncio.sleep(0)
    read.hold.set()
    readings = await asyncio.gather(*crowd)
    assert read.count == 1 and all(r is readings[0] for r in readings)
    newer = await cache.reading(1, False, 9, read(9))
    await cache.reading(1, False, 8, read(8))  # a late arrival that read the number before the last event
    assert await cache.reading(1, False, 9, read(9)) is newer and read.count == 3


async def test_when_a_reading_fails_those_waiting_read_for_themselves() -> None:
    cache, read = SnapshotCache(), Reader()
    read.hold.clear()
    read.fail = True
    first = asyncio.create_task(cache.reading(1, False, 7, read(7)))
    await asyncio.sleep(0)
    second = asyncio.create_task(cache.reading(1, False, 7, read(7)))
    await asyncio.sleep(0)
    read.hold.set()
    with pytest.raises(ConnectionError):
        await first
    with pytest.raises(ConnectionError):
        await second
    assert read.count == 2
    read.fail = False
    assert (await cache.reading(1, False, 7, read(7))).seq == 7


def test_a_persons_own_questions_join_the_public_ones_in_the_rooms_order() -> None:
    public = [{"id": 1, "votes": 3, "status": "approved"}, {"id": 4, "votes": 0, "status": "approved"}]
    own = [{"id": 2, "votes": 1, "status": "pending"}, {"id": 4, "votes": 0, "status": "dismissed"}]
    # Question 4 was dismissed after the shared reading: the person's own, newer read wins.
    assert with_own_questions(public, own) == [
        {"id": 1, "votes": 3, "status": "approved"},
        {"id": 2, "votes": 1, "status": "pending"},
        {"id": 4, "votes": 0, "status": "dismissed"},
    ]
