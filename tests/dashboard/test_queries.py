"""Each figure of the dashboard against values counted by hand on the small fair of world.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.dashboard import queries
from emicronora.dashboard.live import LiveNow, live_now
from emicronora.models import RoomVisit
from emicronora.periods import Period
from tests.conftest import PARIS
from tests.dashboard.world import NOON_DAY1, World, at

WHOLE = Period(None, None, PARIS)


def sept(first: int, last: int) -> Period:
    return Period(date(2020, 9, first), date(2020, 9, last), PARIS)


async def test_registrations_count_each_event_day_with_the_running_total(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        whole = await queries.registrations(db, WHOLE)
        part = await queries.registrations(db, sept(22, 23))
    # 00:30 on the 21st in Paris is the 20th in UTC: it is a registration of the 21st.
    assert [(row.day.day, row.new, row.total) for row in whole] == [
        (21, 2, 2),
        (22, 2, 4),
        (23, 0, 4),
        (24, 1, 5),
    ]
    # The total starts from the two accounts created before the period.
    assert [(row.day.day, row.new, row.total) for row in part] == [(22, 2, 4), (23, 0, 4)]


async def test_registrations_with_one_open_end_run_to_the_data(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        since = await queries.registrations(db, Period(date(2020, 9, 22), None, PARIS))
        until = await queries.registrations(db, Period(None, date(2020, 9, 22), PARIS))
    assert [(row.day.day, row.new, row.total) for row in since] == [(22, 2, 4), (23, 0, 4), (24, 1, 5)]
    assert [(row.day.day, row.new, row.total) for row in until] == [(21, 2, 2), (22, 2, 4)]


async def test_attendance_counts_people_not_tabs_and_ends_open_stays_with_the_session(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        rows = await queries.attendance(db, WHOLE, datetime.now(UTC))
    # Welding: u1 (two tabs), u2 (reconnected), u3 (never left), u4, u5 (no time at all); at most u1, u2, u3
    # at once. Counting sockets would give 4 (10:20-10:30), or 5 with u5's instant at 10:20.
    # Pitch: u5 (until the end), u1 (ten minutes), u2 (after the end). The cancelled session is not listed.
    assert [(row.session_id, row.unique_viewers, row.peak) for row in rows] == [
        (world.sessions["welding"], 5, 3),
        (world.sessions["pitch"], 3, 2),
    ]


async def test_attendance_ends_an_open_stay_now_while_the_session_runs(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        rows = await queries.attendance(db, sept(22, 22), at(22, 10, 5))
    # At 10:05 u3 (joined at 10:10, no end) has not been there yet: the peak is u1 and u2, or u2 and u4.
    assert (rows[0].session_id, rows[0].peak) == (world.sessions["welding"], 2)


async def test_attendance_lists_only_the_sessions_of_the_period(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        assert await queries.attendance(db, sept(23, 23), datetime.now(UTC)) == []
        assert [row.title for row in await queries.attendance(db, sept(22, 22), datetime.now(UTC))] == [
            "Soudage laser de boîtiers titane",
            "Pitch laser",
        ]


async def test_activity_counts_per_hour_in_event_time_without_removed_posts(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        day = await queries.activity(db, sept(22, 22))
        whole = await queries.activity(db, WHOLE)
    assert day.step == "hour"
    assert len(day.points) == 24
    assert day.points[0].at == at(22, 0)
    busy = {
        point.at.hour: (point.chat, point.questions) for point in day.points if point.chat or point.questions
    }
    # 10:00: three messages (one more was deleted), one question (one more dismissed); 14:00: one and one.
    assert busy == {10: (3, 1), 14: (1, 1)}
    # Without bounds the hours run from the first post to the last.
    assert [(p.at.hour, p.chat, p.questions) for p in whole.points] == [
        (10, 3, 1),
        (11, 0, 0),
        (12, 0, 0),
        (13, 0, 0),
        (14, 1, 1),
    ]


async def test_activity_counts_per_day_over_a_longer_period_and_knows_daylight_saving(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        days = await queries.activity(db, sept(20, 30))
        autumn = await queries.activity(db, Period(date(2020, 10, 25), date(2020, 10, 25), PARIS))
    assert days.step == "day"
    assert [(p.at.day, p.chat, p.questions) for p in days.points if p.chat or p.questions] == [(22, 4, 2)]
    assert len(days.points) == 11
    # The day the clocks go back has 25 hours.
    assert len(autumn.points) == 25


async def test_session_activity_counts_each_session(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        rows = await queries.session_activity(db, WHOLE)
    assert [(row.session_id, row.chat, row.questions) for row in rows] == [
        (world.sessions["welding"], 3, 1),
        (world.sessions["pitch"], 1, 1),
    ]


async def test_video_views_and_leads_per_exhibitor(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    alpha, beta = world.companies["alpha"], world.companies["beta"]
    async with sessionmaker() as db:
        views = await queries.video_views_per_exhibitor(db, WHOLE)
        views_22 = await queries.video_views_per_exhibitor(db, sept(22, 22))
        leads = await queries.leads_per_exhibitor(db, WHOLE)
        leads_22 = await queries.leads_per_exhibitor(db, sept(22, 22))
    assert [(row.company_id, row.name, row.count) for row in views] == [
        (alpha, "Alpha Laser", 3),
        (beta, "Beta Métrologie", 1),
    ]
    assert [(row.company_id, row.count) for row in views_22] == [(alpha, 2), (beta, 1)]
    assert [(row.company_id, row.count) for row in leads] == [(beta, 2), (alpha, 1)]
    assert [(row.company_id, row.count) for row in leads_22] == [(alpha, 1)]


async def test_b2b_figures(world: World, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as db:
        whole = await queries.b2b(db, WHOLE, NOON_DAY1)
        day21 = await queries.b2b(db, sept(21, 21), NOON_DAY1)
    assert whole.requests == {
        "pending": 1,
        "awaiting_approval": 1,
        "accepted": 3,
        "declined": 1,
        # Still marked pending, but past its expiry.
        "expired": 1,
        "withdrawn": 0,
    }
    # The 11:00 slot has ended at noon (held), the 16:00 one not; the third meeting was cancelled.
    assert (whole.scheduled, whole.held, whole.upcoming, whole.cancelled) == (2, 1, 1, 1)
    # p4 is inactive; p5 has no meeting.
    assert (whole.participants, whole.without_meeting) == (4, 1)
    assert day21.requests_sent == 6
    assert (day21.scheduled, day21.held, day21.cancelled) == (0, 0, 0)
    assert (day21.participants, day21.without_meeting) == (4, 4)


async def test_live_tile_counts_people_online_and_rooms_live(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        # u1 and u5 were seen within five minutes, u3 is in the welding room (u2's 10:20 is too old).
        assert await live_now(db, at(22, 10, 35)) == LiveNow(online=3, rooms_live=1, in_rooms=1)
        # Only u5, in the pitch room; u3's stay in the welding room ended with the session.
        assert await live_now(db, at(22, 14, 30)) == LiveNow(online=1, rooms_live=1, in_rooms=1)
        assert await live_now(db, at(22, 12)) == LiveNow(online=0, rooms_live=0, in_rooms=0)


async def test_attendance_merges_three_stays_and_keeps_two_apart_stays_apart(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    pitch = world.sessions["pitch"]
    u3, u4 = world.users[2].id, world.users[3].id
    async with sessionmaker() as db, db.begin():
        db.add_all(
            RoomVisit(session_id=pitch, user_id=user, joined_at=joined, left_at=left)
            for user, joined, left in (
                # u3: two overlapping stays, then a third after a gap (away 14:08-14:30).
                (u3, at(22, 14), at(22, 14, 5)),
                (u3, at(22, 14, 3), at(22, 14, 8)),
                (u3, at(22, 14, 30), at(22, 14, 40)),
                # u4: two stays far apart (away 14:22-14:50).
                (u4, at(22, 14, 21), at(22, 14, 22)),
                (u4, at(22, 14, 50), at(22, 14, 55)),
            )
        )
    async with sessionmaker() as db:
        rows = await queries.attendance(db, sept(22, 22), datetime.now(UTC))
    # Never more than two at once (u5 all along, and one of u1, u3, u4). Counting u3 as present from 14:00
    # to 14:40, or u4 from 14:21 to 14:55, would give three.
    assert [(row.session_id, row.unique_viewers, row.peak) for row in rows][1] == (pitch, 5, 2)
