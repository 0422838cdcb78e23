"""The organiser's dashboard on a large fair: each figure's query and the whole page, against 300 ms.

    .venv/bin/python benchmarks/dashboard.py                      # a temporary SQLite database
    .venv/bin/python benchmarks/dashboard.py --database-url postgresql+asyncpg://postgres@127.0.0.1/emi_bench

The script generates the fair (seeded, bulk inserts through SQLAlchemy core executemany): 5,000 users,
100 sessions over four days, 50,000 chat messages, 20,000 B2B meetings, with room stays, questions, video
views, leads and login sessions at plausible rates, the fair running now (the afternoon of its second day:
most sessions have ended, some are running) so that the live tile has people to count. It then times each
figure's function on a session of its own, and the whole page through the ASGI app as a logged-in organiser
(httpx + asgi-lifespan), for the whole fair and for one day of it. Attendance is timed three ways in turn:
the sweep over every stay (what the page ran before), cold (nothing kept yet: the figures of the ended
sessions computed, then kept) and warm (kept; only the running sessions swept); each page cold (the kept
figures deleted before each run; the first run is shown apart) and warm. It prints the median and p90
wall-clock times, the process's CPU time (where SQLite does its work; PostgreSQL's is in its server), the
ratio of the median to the 300 ms target, and the load average before and after.

A PostgreSQL database given with --database-url must be empty (nothing in `users`; --reset drops and
recreates its `public` schema first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emicronora import db as dbmod
from emicronora import migrations
from emicronora.accounts import sessions as login_sessions
from emicronora.app import create_app
from emicronora.dashboard import live
from emicronora.dashboard import queries as figures
from emicronora.dashboard.attendance import presence
from emicronora.models import (
    B2BProfile,
    ChatMessage,
    Company,
    Day,
    Lead,
    LoginSession,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Question,
    RoomVisit,
    Session,
    SessionAttendanceFigures,
    Theme,
    User,
    Video,
    VideoView,
)
from emicronora.periods import Period
from emicronora.settings import Settings

PARIS = ZoneInfo("Europe/Paris")
TARGET_MS = 300.0
# The page of a day without sessions: it warms the app (templates, connections) and computes nothing.
EMPTY_DAY = "2000-01-01"
USERS = 5_000
SESSIONS = 100
CHAT = 50_000
MEETINGS = 20_000
EXHIBITORS = 150
PROFILES = 1_200
BATCH = 5_000


def fair_days(now: datetime) -> list[datetime]:
    """The starts of the fair's four days, placed so that now is 15:00 on the second one, whatever the time
    of day the benchmark runs: the same share of the fair is over on every run."""
    second = now.astimezone(PARIS) - timedelta(hours=15)
    return [second + timedelta(days=offset) for offset in (-1, 0, 1, 2)]


def moment(day: datetime, minutes: float) -> datetime:
    return day + timedelta(minutes=minutes)


async def bulk(conn: AsyncConnection, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await conn.execute(insert(model), rows[start : start + BATCH])


async def generate(engine: AsyncEngine, now: datetime, rng: random.Random) -> int:
    """The fair (now is its second afternoon); returns the organiser's id."""
    fair = fair_days(now)
    async with engine.begin() as conn:
        await bulk(
            conn,
            Theme,
            [
                {"id": i + 1, "slug": f"t{i}", "name_fr": f"Thème {i}", "name_en": f"Theme {i}"}
                for i in range(3)
            ],
        )
        await bulk(
            conn,
            Day,
            [
                {"id": i + 1, "date": day.date(), "theme_id": i % 3 + 1, "position": i}
                for i, day in enumerate(fair)
            ],
        )
        sessions = []
        for i in range(SESSIONS):
            day_index, slot = divmod(i, SESSIONS // len(fair))
            # Two tracks, 45-minute sessions from 09:00.
            start = moment(fair[day_index], 9 * 60 + (slot // 2) * 50)
            sessions.append(
                {
                    "id": i + 1,
                    "kind": "pitch" if slot % 5 == 4 else "webinar",
                    "title": f"Session {i + 1} : procédés laser et métrologie",
                    "day_id": day_index + 1,
                    "theme_id": day_index % 3 + 1,
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=45),
                    "is_cancelled": i % 37 == 36,
                    "position": slot,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        await bulk(conn, Session, sessions)

        companies = [
            {
                "id": i + 1,
                "name": f"Exposant {i + 1:03d}",
                "country": "FR",
                "is_exhibitor": True,
                "created_at": now,
            }
            for i in range(EXHIBITORS)
        ]
        await bulk(conn, Company, companies)
        # Registrations over the two months before the fair, more and more as it nears.
        users = []
        for i in range(USERS):
            days_before = 60 * rng.random() ** 2
            created = now - timedelta(days=days_before + 1, minutes=rng.randrange(1440))
            users.append(
                {
                    "id": i + 1,
                    "email": f"user{i}@bench.example",
                    "name": f"User {i}",
                    "company_name": "ACME",
                    "country": "FR",
                    "company_id": i % EXHIBITORS + 1 if i < 2 * EXHIBITORS else None,
                    "password_hash": "x",
                    "is_organiser": i == 0,
                    "terms_accepted_at": created,
                    "created_at": created,
                    "password_changed_at": created,
                }
            )
        await bulk(conn, User, users)
        organiser_id = 1

        # Room stays: each user follows about eight of the sessions held so far, one stay in five is a
        # reconnection, a few were never closed (a worker died).
        held = [s for s in sessions if s["starts_at"] < now and not s["is_cancelled"]]
        visits: list[dict[str, Any]] = []
        for user in range(1, USERS + 1):
            for session in rng.sample(held, 8):
                start, end = session["starts_at"], session["ends_at"]
                if start > now:
                    continue
                joined = start + timedelta(minutes=rng.uniform(-5, 30))
                left = min(joined + timedelta(minutes=rng.uniform(2, 50)), end + timedelta(minutes=5))
                if joined > now:
                    continue
                if rng.random() < 0.2:
                    middle = joined + (left - joined) / 2
                    visits.append(
                        {"session_id": session["id"], "user_id": user, "joined_at": joined, "left_at": middle}
                    )
                    joined = middle
                still_open = left > now or rng.random() < 0.02
                visits.append(
                    {
                        "session_id": session["id"],
                        "user_id": user,
                        "joined_at": joined,
                        "left_at": None if still_open else left,
                    }
                )
        await bulk(conn, RoomVisit, visits)

        def during(session: dict[str, Any]) -> datetime:
            return session["starts_at"] + timedelta(minutes=rng.uniform(0, 45))

        chat = []
        for _ in range(CHAT):
            session = rng.choice(held)
            chat.append(
                {
                    "session_id": session["id"],
                    "user_id": rng.randrange(1, USERS + 1),
                    "body": "Bonjour, une question sur le soudage laser",
                    "is_deleted": rng.random() < 0.01,
                    "created_at": min(during(session), now),
                }
            )
        await bulk(conn, ChatMessage, chat)
        questions = []
        for _ in range(CHAT // 10):
            session = rng.choice(held)
            questions.append(
                {
                    "session_id": session["id"],
                    "user_id": rng.randrange(1, USERS + 1),
                    "body": "Quelle précision ?",
                    "status": rng.choice(("approved", "approved", "answered", "pending", "dismissed")),
                    "votes": rng.randrange(10),
                    "created_at": min(during(session), now),
                }
            )
        await bulk(conn, Question, questions)

        videos = [
            {
                "id": i + 1,
                "company_id": i % EXHIBITORS + 1,
                "title": f"Vidéo {i + 1}",
                "source": "youtube",
                "is_published": True,
                "created_at": now,
            }
            for i in range(2 * EXHIBITORS)
        ]
        await bulk(conn, Video, videos)
        fair_start = moment(fair[0], 8 * 60)
        span = (now - fair_start).total_seconds()
        views = [
            {
                "video_id": int(rng.paretovariate(1.2)) % len(videos) + 1,
                "viewer_id": rng.randrange(1, USERS + 1),
                "at": fair_start + timedelta(seconds=rng.uniform(0, span)),
            }
            for _ in range(30_000)
        ]
        await bulk(conn, VideoView, views)
        leads = [
            {
                "company_id": rng.randrange(1, EXHIBITORS + 1),
                "visitor_id": rng.randrange(1, USERS + 1),
                "name": "Visiteur",
                "email": "visitor@bench.example",
                "created_at": fair_start + timedelta(seconds=rng.uniform(0, span)),
            }
            for _ in range(3_000)
        ]
        await bulk(conn, Lead, leads)

        profiles = [
            {
                "id": i + 1,
                "user_id": 1000 + i,
                "role": rng.choice(("buyer", "supplier", "both")),
                "is_active": i % 50 != 0,
                "created_at": now,
            }
            for i in range(PROFILES)
        ]
        await bulk(conn, B2BProfile, profiles)
        slots = []
        for day in fair:
            for k in range(18):
                start = moment(day, 9 * 60 + 25 * k)
                slots.append(
                    {"id": len(slots) + 1, "starts_at": start, "ends_at": start + timedelta(minutes=20)}
                )
        await bulk(conn, MeetingSlot, slots)
        requests, meetings = [], []
        for i in range(MEETINGS + 5_000):
            first, second = rng.sample(range(1, PROFILES + 1), 2)
            created = fair_start - timedelta(days=rng.uniform(1, 20))
            status = (
                "accepted" if i < MEETINGS else rng.choice(("pending", "declined", "expired", "withdrawn"))
            )
            requests.append(
                {
                    "id": i + 1,
                    "requester_id": first,
                    "recipient_id": second,
                    "status": status,
                    "created_at": created,
                    "expires_at": created + timedelta(days=3),
                }
            )
            if i < MEETINGS:
                meetings.append(
                    {
                        "request_id": i + 1,
                        "first_id": first,
                        "second_id": second,
                        "slot_id": rng.randrange(1, len(slots) + 1) if rng.random() < 0.95 else None,
                        "status": "cancelled" if rng.random() < 0.05 else "scheduled",
                        "is_published": True,
                        "updated_at": now,
                    }
                )
        await bulk(conn, MeetingRequest, requests)
        await bulk(conn, Meeting, meetings)

        logins = [
            {
                "id": f"bench-{i}",
                "user_id": i,
                "created_at": now - timedelta(hours=2),
                "last_seen_at": now - timedelta(minutes=rng.uniform(0, 120)),
            }
            for i in range(2, USERS + 1)
        ]
        await bulk(conn, LoginSession, logins)
    return organiser_id


Sample = tuple[float, float]  # wall-clock ms, CPU ms of this process
Action = Callable[[], Awaitable[object]]
# A variant to time: an untimed preparation (forgetting the kept figures for a cold run), then the action.
Variant = tuple[Action | None, Action]


async def timed(action: Action) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    await action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


async def in_turn(variants: list[Variant], repeat: int) -> list[list[Sample]]:
    """The variants one after the other, the first of each round moving on, so that other load on the
    machine hits them alike."""
    samples: list[list[Sample]] = [[] for _ in variants]
    for run in range(repeat):
        for offset in range(len(variants)):
            index = (run + offset) % len(variants)
            prepare, action = variants[index]
            if prepare is not None:
                await prepare()
            samples[index].append(await timed(action))
    return samples


def forget(engine: AsyncEngine) -> Action:
    async def clear() -> None:
        async with engine.begin() as conn:
            await conn.execute(delete(SessionAttendanceFigures))

    return clear


def on_session(
    maker: async_sessionmaker[AsyncSession], figure: Callable[[AsyncSession], Awaitable[object]]
) -> Action:
    """The figure on a session of its own, as the page runs it."""

    async def run() -> object:
        async with maker() as db:
            return await figure(db)

    return run


def figure_cases(
    period: Period, now: datetime
) -> list[tuple[str, Callable[[AsyncSession], Awaitable[object]]]]:
    return [
        ("registrations per day", lambda db: figures.registrations(db, period)),
        ("chat and questions over time", lambda db: figures.activity(db, period)),
        ("chat and questions per session", lambda db: figures.session_activity(db, period)),
        ("video views per exhibitor", lambda db: figures.video_views_per_exhibitor(db, period)),
        ("leads per exhibitor", lambda db: figures.leads_per_exhibitor(db, period)),
        ("B2B figures", lambda db: figures.b2b(db, period, now)),
        ("live tile", lambda db: live.live_now(db, now)),
    ]


Timing = tuple[str, list[Sample]]


async def time_figures(engine: AsyncEngine, period: Period, now: datetime, repeat: int) -> list[Timing]:
    maker = dbmod.create_sessionmaker(engine)
    rows: list[Timing] = []
    # Attendance three ways in turn: the sweep over every stay (what the page ran before the figures were
    # kept), the first load (nothing kept: fingerprints, sweep, keep), and the loads after it.
    attendance = on_session(maker, lambda db: figures.attendance(db, period, now))
    variants: list[tuple[str, Variant]] = [
        ("attendance: sweep of every stay", (None, on_session(maker, lambda db: presence(db, period, now)))),
        ("attendance: cold (nothing kept)", (forget(engine), attendance)),
        ("attendance: warm (ended kept)", (None, attendance)),
    ]
    for _label, (prepare, action) in variants:  # connections and statement caches
        if prepare is not None:
            await prepare()
        await action()
    samples = await in_turn([variant for _label, variant in variants], repeat)
    rows.extend((label, timings) for (label, _variant), timings in zip(variants, samples, strict=True))
    for label, figure in figure_cases(period, now):
        action = on_session(maker, figure)
        await action()
        rows.append((label, (await in_turn([(None, action)], repeat))[0]))
    return rows


async def time_pages(
    settings: Settings, engine: AsyncEngine, token: str, urls: list[tuple[str, str]], repeat: int, cold: int
) -> list[tuple[str, list[Sample], list[Sample]]]:
    """Each page cold (the kept figures forgotten just before) and warm, in turn."""
    rows = []
    async with (
        LifespanManager(create_app(settings)) as app,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app.app), base_url="http://bench") as client,
    ):
        client.cookies.set(login_sessions.SESSION_COOKIE, token)

        async def get(url: str) -> object:
            response = await client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        await get(f"/organiser/dashboard?from={EMPTY_DAY}&to={EMPTY_DAY}")
        for label, url in urls:
            page = partial(get, url)
            cold_samples = (await in_turn([(forget(engine), page)], cold))[0]
            warm_samples = (await in_turn([(None, page)], repeat))[0]
            rows.append((label, cold_samples, warm_samples))
    return rows


def summary(samples: list[Sample]) -> tuple[float, float, float]:
    """Median and p90 of the wall-clock times, median of the CPU times."""
    walls = sorted(wall for wall, _cpu in samples)
    p90 = walls[min(len(walls) - 1, round(0.9 * (len(walls) - 1)))]
    return statistics.median(walls), p90, statistics.median(cpu for _wall, cpu in samples)


def print_figures(title: str, rows: list[Timing]) -> None:
    print(title)
    print(f"{'':<34}{'median':>8}{'p90':>8}{'cpu':>8}{'/300':>6}")
    for label, samples in rows:
        median, p90, cpu = summary(samples)
        print(f"{label:<34}{median:>8.1f}{p90:>8.1f}{cpu:>8.1f}{median / TARGET_MS:>6.2f}")
    print()


def print_pages(
    title: str, rows: list[tuple[str, list[Sample], list[Sample]]], cold: int, repeat: int
) -> None:
    print(title)
    print(f"{'':<18}{'first':>8}{f'cold, {cold} runs':>30}{f'warm, {repeat} runs':>30}")
    header = f"{'median':>8}{'p90':>8}{'cpu':>8}{'/300':>6}"
    print(f"{'':<18}{'':>8}{header}{header}")
    for label, cold_samples, warm_samples in rows:
        cells = f"{cold_samples[0][0]:>8.1f}"
        for samples in (cold_samples, warm_samples):
            median, p90, cpu = summary(samples)
            cells += f"{median:>8.1f}{p90:>8.1f}{cpu:>8.1f}{median / TARGET_MS:>6.2f}"
        print(f"{label:<18}{cells}")
    print()


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


async def run(url: str, repeat: int, cold: int, seed: int, reset: bool) -> None:
    engine = dbmod.create_engine(url)
    if url.startswith("postgresql") and reset:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await asyncio.to_thread(migrations.upgrade, url)
    async with engine.connect() as conn:
        if await conn.scalar(select(func.count()).select_from(User)):
            raise SystemExit("the database is not empty: give an empty one, or --reset (PostgreSQL)")
    now = datetime.now(UTC)
    started = time.perf_counter()
    organiser_id = await generate(engine, now, random.Random(seed))
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE"))
        counts = {
            model.__tablename__: await conn.scalar(select(func.count()).select_from(model))
            for model in (
                User,
                Session,
                RoomVisit,
                ChatMessage,
                Question,
                VideoView,
                Lead,
                MeetingRequest,
                Meeting,
            )
        }
        ended = await conn.scalar(select(func.count()).select_from(Session).where(Session.ends_at <= now))
        running = await conn.scalar(
            select(func.count()).select_from(Session).where(Session.starts_at <= now, Session.ends_at > now)
        )
        later = await conn.scalar(select(func.count()).select_from(Session).where(Session.starts_at > now))
    maker = dbmod.create_sessionmaker(engine)
    async with maker() as db, db.begin():
        organiser = await db.get(User, organiser_id)
        assert organiser is not None
        token = await login_sessions.open_session(db, organiser, "127.0.0.1", "bench", now)
    print(f"Generated in {time.perf_counter() - started:.1f} s on {engine.dialect.name}: ")
    print("  " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    print(
        f"  now: 15:00 on the fair's second day; sessions ended {ended}, running {running}, to come {later}"
    )
    print()

    media = tempfile.mkdtemp(prefix="dash-bench-")
    settings = Settings(secret_key="bench-" + "k" * 40, media_dir=media, database_url=url)
    today = now.astimezone(PARIS).date()
    load_before = load_average()
    whole = await time_figures(engine, Period(None, None, PARIS), now, repeat)
    one_day = await time_figures(engine, Period(today, today, PARIS), now, repeat)
    pages = await time_pages(
        settings,
        engine,
        token,
        [
            ("whole fair", "/organiser/dashboard"),
            ("one day", f"/organiser/dashboard?from={today}&to={today}"),
        ],
        repeat,
        cold,
    )
    load_after = load_average()
    await engine.dispose()
    shutil.rmtree(media, ignore_errors=True)

    print("Wall-clock median and p90, and this process's CPU time (SQLite works in it; PostgreSQL does not),")
    print(f"in ms over {repeat} runs; /300 is the median over the target. Cold: the kept attendance figures")
    print("are deleted before each run; warm: those of the ended sessions are kept, the running ones swept.")
    print()
    print_figures("Figure queries, whole fair", whole)
    print_figures(f"Figure queries, one day ({today})", one_day)
    print_pages(
        f"GET /organiser/dashboard through the ASGI app, as an organiser (target {TARGET_MS:.0f} ms)",
        pages,
        cold,
        repeat,
    )
    print(f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}; {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database (default: a temporary SQLite file)"
    )
    parser.add_argument("--reset", action="store_true", help="drop and recreate the schema `public` first")
    parser.add_argument("--repeat", type=int, default=15, help="warm runs of each case")
    parser.add_argument("--cold", type=int, default=5, help="cold runs of each page")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()
    if args.database_url:
        asyncio.run(run(args.database_url, args.repeat, args.cold, args.seed, args.reset))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(
            run(f"sqlite+aiosqlite:///{folder}/bench.sqlite3", args.repeat, args.cold, args.seed, False)
        )


if __name__ == "__main__":
    main()
