"""Attendance: every stay in a live room leaves one `room_visits` row, written in batches."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from websockets.exceptions import InvalidStatus

from emicronora.live.visits import VisitRecorder
from emicronora.models import RoomVisit, User
from tests.live.conftest import LiveServer, stop_server


def recorder_of(live: LiveServer) -> VisitRecorder:
    return live.server.lifespan.state["visits"]


async def joined(open_room, session_id: int, cookie: str):
    client = await open_room(session_id, cookie)
    assert (await client.next())["type"] == "welcome"
    return client


async def visits(sessionmaker) -> list[RoomVisit]:
    async with sessionmaker() as db:
        return list(await db.scalars(select(RoomVisit).order_by(RoomVisit.id)))


async def flushed_until_left(recorder: VisitRecorder, sessionmaker, count: int) -> list[RoomVisit]:
    """The server notices a closed socket a moment after the client has closed it."""
    async with asyncio.timeout(5):
        while True:
            await recorder.flush()
            rows = await visits(sessionmaker)
            if sum(row.left_at is not None for row in rows) >= count:
                return rows
            await asyncio.sleep(0.02)


async def test_joining_then_leaving_a_room_leaves_one_visit_with_both_times(
    open_room, room, live_server, sessionmaker
) -> None:
    recorder = recorder_of(live_server)
    before = datetime.now(UTC)
    ada = await joined(open_room, room["id"], room["ada_cookie"])
    await recorder.flush()
    [present] = await visits(sessionmaker)
    assert (present.session_id, present.user_id, present.left_at) == (room["id"], room["ada"].id, None)
    assert before <= present.joined_at <= datetime.now(UTC)
    closing = datetime.now(UTC)
    await ada.close()
    [visit] = await flushed_until_left(recorder, sessionmaker, 1)
    assert visit.id == present.id and visit.joined_at == present.joined_at
    assert visit.left_at is not None and closing <= visit.left_at <= datetime.now(UTC)


async def test_each_stay_is_a_row_even_when_it_ends_before_the_next_write(
    open_room, room, live_server, sessionmaker
) -> None:
    recorder = recorder_of(live_server)
    bob = await joined(open_room, room["id"], room["bob_cookie"])
    for _ in range(2):
        ada = await joined(open_room, room["id"], room["ada_cookie"])
        await ada.close()
    rows = await flushed_until_left(recorder, sessionmaker, 2)
    by_user = sorted((row.user_id, row.left_at is None) for row in rows)
    assert by_user == sorted([(room["ada"].id, False), (room["ada"].id, False), (room["bob"].id, True)])
    assert all(row.left_at is None or row.left_at >= row.joined_at for row in rows)
    await bob.close()
    rows = await flushed_until_left(recorder, sessionmaker, 3)
    assert len(rows) == 3


async def test_stays_still_buffered_are_written_when_the_server_stops(
    open_room, room, live_server, sessionmaker
) -> None:
    await joined(open_room, room["id"], room["ada_cookie"])
    await stop_server(live_server)
    [visit] = await visits(sessionmaker)
    assert visit.user_id == room["ada"].id
    # The server closed the socket on its way out, after the last periodic write: the stay ended with it.
    assert visit.left_at is not None and visit.left_at >= visit.joined_at


async def test_a_refused_handshake_is_no_visit(open_room, room, live_server, sessionmaker) -> None:
    with pytest.raises(InvalidStatus):
        await open_room(room["id"], "em_session=not-a-session")
    with pytest.raises(InvalidStatus):
        await open_room(room["id"], room["ada_cookie"], origin="https://evil.example")
    await recorder_of(live_server).flush()
    assert await visits(sessionmaker) == []


async def test_a_stay_of_a_deleted_user_is_dropped_and_the_others_written(room, sessionmaker) -> None:
    recorder = VisitRecorder(sessionmaker)
    now = datetime.now(UTC)
    recorder.join(room["id"], room["ada"].id, now)
    bob_stay = recorder.join(room["id"], room["bob"].id, now)
    recorder.leave(bob_stay, now)
    async with sessionmaker() as db, db.begin():
        await db.delete(await db.get(User, room["bob"].id))
    await recorder.flush()
    [visit] = await visits(sessionmaker)
    assert (visit.user_id, visit.left_at) == (room["ada"].id, None)
    assert recorder.pending == 0
