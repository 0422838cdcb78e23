"""The attendance of ended sessions, kept in `session_attendance` after its first computation: the figures it
gives are those of the sweep over every stay, whatever was kept before, and a change of the stays (or of the
session) makes them computed again."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import httpx
import pytest
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.dashboard import attendance as attendance_module
from emicronora.dashboard import queries
from emicronora.dashboard.attendance import presence, sweep
from emicronora.dashboard.jobs import keep_ended_attendance
from emicronora.models import RoomVisit, Session, SessionAttendanceFigures, User
from emicronora.models.base import utcnow
from emicronora.periods import Period
from tests.conftest import PARIS
from tests.dashboard.test_pages import table_numbers
from tests.dashboard.world import World, at

WHOLE = Period(None, None, PARIS)
DAY_22 = Period(date(2020, 9, 22), date(2020, 9, 22), PARIS)
# Both sessions of the 22nd have ended (welding 10:00-11:00, pitch 14:00-15:00).
EVENING = at(22, 18)

Kept = dict[int, tuple[int, int, int, int, int]]


async def figures_by_session(
    sessionmaker: async_sessionmaker[AsyncSession], period: Period, now: datetime
) -> dict[int, tuple[int, int]]:
    async with sessionmaker() as db:
        rows = await queries.attendance(db, period, now)
    return {row.session_id: (row.unique_viewers, row.peak) for row in rows}


async def swept(
    sessionmaker: async_sessionmaker[AsyncSession], period: Period, now: datetime
) -> dict[int, tuple[int, int]]:
    async with sessionmaker() as db:
        return await presence(db, period, now)


async def kept_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> Kept:
    """Each kept row: visits, last visit id, open visits, unique viewers, peak."""
    kept = SessionAttendanceFigures
    async with sessionmaker() as db:
        rows = await db.execute(
            select(
                kept.session_id,
                kept.visits,
                kept.last_visit_id,
                kept.open_visits,
                kept.unique_viewers,
                kept.peak,
            )
        )
        return {session_id: tuple(rest) for session_id, *rest in rows.all()}  # type: ignore[misc]


async def forget_kept(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as db, db.begin():
        await db.execute(delete(SessionAttendanceFigures))


async def last_visit(sessionmaker: async_sessionmaker[AsyncSession], session_id: int) -> int:
    async with sessionmaker() as db:
        last = await db.scalar(select(func.max(RoomVisit.id)).where(RoomVisit.session_id == session_id))
    assert last is not None
    return last


@pytest.fixture
async def loaded(world: World, sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    """The fair once the dashboard has loaded it in the evening: both sessions of the 22nd kept."""
    await figures_by_session(sessionmaker, WHOLE, EVENING)
    return world


async def test_ended_sessions_are_kept_with_their_figures_after_the_first_load(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = world.sessions["welding"], world.sessions["pitch"]
    assert await kept_rows(sessionmaker) == {}
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (5, 3), pitch: (3, 2)}
    # Welding: seven stays, u3's never closed; pitch: three stays, u5's and u2's never closed.
    assert await kept_rows(sessionmaker) == {
        welding: (7, await last_visit(sessionmaker, welding), 1, 5, 3),
        pitch: (3, await last_visit(sessionmaker, pitch), 2, 3, 2),
    }


async def test_kept_figures_are_read_instead_of_swept_again(
    loaded: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = loaded.sessions["welding"], loaded.sessions["pitch"]
    # Figures no sweep would give, under the fingerprint of the stays as they are: only the kept row says so.
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(SessionAttendanceFigures)
            .where(SessionAttendanceFigures.session_id == welding)
            .values(unique_viewers=99, peak=42)
        )
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (99, 42), pitch: (3, 2)}
    assert await figures_by_session(sessionmaker, DAY_22, at(23, 9)) == {welding: (99, 42), pitch: (3, 2)}


async def test_a_stay_added_after_the_end_is_counted_on_the_next_load(
    loaded: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = loaded.sessions["welding"], loaded.sessions["pitch"]
    # Recorded late: u3 was in the pitch room 14:12-14:15, with u5 and u1.
    async with sessionmaker() as db, db.begin():
        db.add(
            RoomVisit(
                session_id=pitch, user_id=loaded.users[2].id, joined_at=at(22, 14, 12), left_at=at(22, 14, 15)
            )
        )
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (5, 3), pitch: (4, 3)}
    assert (await kept_rows(sessionmaker))[pitch] == (4, await last_visit(sessionmaker, pitch), 2, 4, 3)


async def test_a_stay_closed_after_the_end_is_counted_on_the_next_load(
    loaded: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = loaded.sessions["welding"], loaded.sessions["pitch"]
    u3 = loaded.users[2].id
    # The batched recorder closes u3's stay late: u3 left as soon as they came (10:10), never with u1 and u2.
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(RoomVisit)
            .where(RoomVisit.session_id == welding, RoomVisit.user_id == u3)
            .values(left_at=at(22, 10, 10))
        )
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (5, 2), pitch: (3, 2)}
    assert (await kept_rows(sessionmaker))[welding] == (7, await last_visit(sessionmaker, welding), 0, 5, 2)


async def test_stays_removed_with_an_account_are_no_longer_counted(
    loaded: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = loaded.sessions["welding"], loaded.sessions["pitch"]
    # u4's account is deleted, and its stay in the welding room (neither the last nor an open one) with it.
    async with sessionmaker() as db, db.begin():
        await db.execute(delete(User).where(User.id == loaded.users[3].id))
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (4, 3), pitch: (3, 2)}
    assert (await kept_rows(sessionmaker))[welding] == (6, await last_visit(sessionmaker, welding), 1, 4, 3)


async def test_a_stay_gone_and_another_come_between_two_loads_are_both_counted(
    loaded: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = loaded.sessions["welding"], loaded.sessions["pitch"]
    # As many stays as before, as many open: u4's account is deleted, and u5's second stay (10:25-10:35, with
    # u1, u2 and u3) is recorded late.
    async with sessionmaker() as db, db.begin():
        await db.execute(delete(User).where(User.id == loaded.users[3].id))
        db.add(
            RoomVisit(
                session_id=welding,
                user_id=loaded.users[4].id,
                joined_at=at(22, 10, 25),
                left_at=at(22, 10, 35),
            )
        )
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (4, 4), pitch: (3, 2)}
    assert (await kept_rows(sessionmaker))[welding] == (7, await last_visit(sessionmaker, welding), 1, 4, 4)


async def test_a_session_moved_after_its_figures_were_kept_is_computed_again(
    loaded: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = loaded.sessions["welding"], loaded.sessions["pitch"]
    # The pitch now ended at 14:05: u5's open stay ends there, before u1 came (14:10).
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session).where(Session.id == pitch).values(ends_at=at(22, 14, 5), updated_at=utcnow())
        )
    assert await figures_by_session(sessionmaker, WHOLE, EVENING) == {welding: (5, 3), pitch: (3, 1)}
    assert (await kept_rows(sessionmaker))[pitch][3:] == (3, 1)


async def test_a_running_session_is_swept_and_never_kept(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = world.sessions["welding"], world.sessions["pitch"]
    during_pitch = at(22, 14, 30)
    for _ in range(2):
        assert await figures_by_session(sessionmaker, WHOLE, during_pitch) == {welding: (5, 3), pitch: (3, 2)}
        assert set(await kept_rows(sessionmaker)) == {welding}
    # Kept once it has ended; but a load as of a moment while it ran sweeps it, whatever was kept: at 14:05
    # u5's open stay ends before u1 comes, the kept peak (two) is not that moment's.
    await figures_by_session(sessionmaker, WHOLE, EVENING)
    assert set(await kept_rows(sessionmaker)) == {welding, pitch}
    assert await figures_by_session(sessionmaker, WHOLE, at(22, 14, 5)) == {welding: (5, 3), pitch: (3, 1)}


async def test_kept_figures_equal_the_sweep_on_the_hand_counted_fair(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    moments = [at(22, 10, 5), at(22, 10, 35), at(22, 12), at(22, 14, 5), at(22, 14, 30), EVENING, at(25, 9)]
    periods = [WHOLE, DAY_22, Period(date(2020, 9, 23), None, PARIS)]
    cases = [(now, period) for now in moments for period in periods]
    # First cold (nothing kept) then warm; then again with whatever the other moments and periods kept.
    for forgetting in (True, False):
        for now, period in cases:
            expected = await swept(sessionmaker, period, now)
            if forgetting:
                await forget_kept(sessionmaker)
            for _ in range(2):
                got = await figures_by_session(sessionmaker, period, now)
                # The sessions nobody watched are listed with zeros; the sweep leaves them out.
                assert {key: value for key, value in got.items() if value != (0, 0)} == expected, (
                    now,
                    period,
                )
    assert await swept(sessionmaker, WHOLE, EVENING) == {
        world.sessions["welding"]: (5, 3),
        world.sessions["pitch"]: (3, 2),
    }


async def test_two_loads_at_once_both_give_the_figures_and_keep_one_row_each(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = world.sessions["welding"], world.sessions["pitch"]
    first, second = await asyncio.gather(
        figures_by_session(sessionmaker, WHOLE, EVENING), figures_by_session(sessionmaker, DAY_22, EVENING)
    )
    assert first == second == {welding: (5, 3), pitch: (3, 2)}
    assert {session_id: row[3:] for session_id, row in (await kept_rows(sessionmaker)).items()} == {
        welding: (5, 3),
        pitch: (3, 2),
    }


async def test_the_page_keeps_the_figures_and_shows_a_late_stay_on_the_next_visit(
    organiser: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = world.sessions["welding"], world.sessions["pitch"]
    first = await organiser.get("/organiser/dashboard")
    assert first.status_code == 200
    assert table_numbers(first.text, "attendance-table") == [["5", "3"], ["3", "2"]]
    assert set(await kept_rows(sessionmaker)) == {welding, pitch}
    async with sessionmaker() as db, db.begin():
        db.add(RoomVisit(session_id=pitch, user_id=world.users[2].id, joined_at=at(22, 14, 12), left_at=None))
    # u3 came at 14:12 and never left: with u5 and u1 until 14:20, until the end with u5.
    second = await organiser.get("/organiser/dashboard")
    assert table_numbers(second.text, "attendance-table") == [["5", "3"], ["4", "3"]]


async def test_the_background_pass_keeps_ended_sessions_before_anyone_opens_the_dashboard(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = world.sessions["welding"], world.sessions["pitch"]
    # The fair of the fixture is in 2020: by the real clock of the pass, both sessions have ended.
    await keep_ended_attendance(sessionmaker, PARIS)
    kept = await kept_rows(sessionmaker)
    assert {session: row[3:] for session, row in kept.items()} == {welding: (5, 3), pitch: (3, 2)}


async def test_the_background_pass_leaves_running_sessions_to_the_dashboard(
    world: World, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    welding, pitch = world.sessions["welding"], world.sessions["pitch"]
    # The pitch now runs until well after the real clock of the pass: it has not ended, nothing is kept of it.
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session).where(Session.id == pitch).values(ends_at=at(22, 15).replace(year=2100))
        )
    swept_sessions: list[ColumnElement[bool]] = []

    async def counted_sweep(
        db: AsyncSession, sessions: list[ColumnElement[bool]], now: datetime
    ) -> dict[int, tuple[int, int]]:
        swept_sessions.extend(sessions)
        return await sweep(db, sessions, now)

    monkeypatch.setattr(attendance_module, "sweep", counted_sweep)
    await keep_ended_attendance(sessionmaker, PARIS)
    assert {session: row[3:] for session, row in (await kept_rows(sessionmaker)).items()} == {welding: (5, 3)}
    # Once the ended sessions are kept, a pass reads their fingerprints and sweeps nothing.
    swept_sessions.clear()
    await keep_ended_attendance(sessionmaker, PARIS)
    assert swept_sessions == []
