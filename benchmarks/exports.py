"""The organiser's CSV exports on a large fair: direct download, background job and a naive baseline.

    .venv/bin/python benchmarks/exports.py
    .venv/bin/python benchmarks/exports.py --users 45000 --database-url postgresql+asyncpg://postgres@127.0.0.1/emi_bench

Fills a database (SQLite in a temporary folder unless --database-url names an empty PostgreSQL database)
with N registrations, 100 sessions and 50,000 room visits, then drives the real application in-process.
Beside each export a ticker sleeps 5 ms in a loop and records how late it wakes up: the worst delay is how
long the event loop was blocked, i.e. how long every other page of that worker waited. The baseline is
what a naive handler does: load every row, build the whole file on the event loop, send it. Each figure is
the median of three runs (the machine is shared: a single run can catch another process's burst). The
background job is timed from the POST to the poll that says it is done; the file it wrote is then checked
to be byte for byte the direct download.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emicronora import db as dbmod
from emicronora import migrations
from emicronora.accounts import sessions as login_sessions
from emicronora.app import create_app
from emicronora.exports import csvfile
from emicronora.exports.tables import REGISTRATIONS, Context
from emicronora.models import Day, RoomVisit, Session, Theme, User
from emicronora.periods import Period
from emicronora.settings import Settings
from emicronora.spreadsheets import header

PARIS = ZoneInfo("Europe/Paris")
TICK_S = 0.005
REPEAT = 3


async def fill(settings: Settings, users: int, visits: int) -> str:
    engine = dbmod.create_engine(settings.database_url)
    maker = dbmod.create_sessionmaker(engine)
    now = datetime.now(UTC)
    async with maker() as db, db.begin():
        organiser = User(
            email="org@x.example",
            name="Olga",
            company_name="x",
            country="FR",
            password_hash="x",
            terms_accepted_at=now,
            is_organiser=True,
        )
        theme = Theme(slug="laser", name_fr="Procédés laser", name_en="Laser processes")
        db.add_all([organiser, theme])
        await db.flush()
        days = [Day(date=date(2020, 9, 22) + timedelta(days=i), theme_id=theme.id) for i in range(4)]
        db.add_all(days)
        await db.flush()
        sessions = [
            Session(
                title=f"Session n°{i} : soudage laser",
                day_id=days[i % 4].id,
                theme_id=theme.id,
                starts_at=datetime(2020, 9, 22 + i % 4, 8 + i // 4 % 10, tzinfo=PARIS),
                ends_at=datetime(2020, 9, 22 + i % 4, 8 + i // 4 % 10, 45, tzinfo=PARIS),
            )
            for i in range(100)
        ]
        db.add_all(sessions)
        for start in range(0, users, 5000):
            await db.execute(
                insert(User),
                [
                    {
                        "email": f"p{i}@x.example",
                        "name": f"Zoé Électronique n°{i}",
                        "company_name": "Société Générale de Mécanique",
                        "country": "FR",
                        "password_hash": "x",
                        "terms_accepted_at": now,
                        "created_at": now - timedelta(seconds=i),
                    }
                    for i in range(start, min(users, start + 5000))
                ],
            )
        await db.flush()
        user_ids = list((await db.scalars(select(User.id).order_by(User.id).limit(5000))).all())
        session_rows = [(s.id, s.starts_at) for s in sessions]
        for start in range(0, visits, 5000):
            rows = []
            for i in range(start, min(visits, start + 5000)):
                session_id, starts = session_rows[i % 100]
                joined = starts + timedelta(minutes=i % 40)
                rows.append(
                    {
                        "session_id": session_id,
                        "user_id": user_ids[i % len(user_ids)],
                        "joined_at": joined,
                        "left_at": joined + timedelta(minutes=5 + i % 17) if i % 9 else None,
                    }
                )
            await db.execute(insert(RoomVisit), rows)
        token = await login_sessions.open_session(db, organiser, "127.0.0.1", "bench", now)
    await engine.dispose()
    return token


async def with_ticker(action: Callable[[], Awaitable[Any]]) -> tuple[float, float, Any]:
    """Runs the action with a 5 ms ticker beside it; returns (seconds, worst ticker delay in ms, result)."""
    worst = 0.0
    running = True

    async def tick() -> None:
        nonlocal worst
        while running:
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            worst = max(worst, time.perf_counter() - before - TICK_S)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(TICK_S * 2)
    start = time.perf_counter()
    result = await action()
    elapsed = time.perf_counter() - start
    running = False
    await ticker
    return elapsed, worst * 1000, result


async def run(settings: Settings, users: int, visits: int) -> None:
    token = await fill(settings, users, visits)
    app = create_app(settings)
    cookies = {login_sessions.SESSION_COOKIE: token}
    rows: list[tuple[str, float, float, str]] = []
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://bench", cookies=cookies
        ) as client,
    ):

        async def direct(kind: str) -> int:
            response = await client.get(f"/organiser/exports/csv/{kind}")
            assert response.status_code == 200, response.text[:300]
            return len(response.content)

        async def background() -> str:
            page = await client.get("/organiser/exports")
            token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            started = await client.post(
                "/organiser/exports/jobs", data={"csrf_token": token, "kind": "registrations"}
            )
            assert started.status_code == 303, started.text[:300]
            job = started.headers["location"]
            polls = set()
            while True:
                progress = (await client.get(job + "/progress")).json()
                polls.add(progress["done_rows"])
                if progress["done"]:
                    break
                await asyncio.sleep(0.1)
            downloads.append(progress["download"])
            return f"{len(polls)} distinct progress values polled"

        async def naive() -> int:
            engine = dbmod.create_engine(settings.database_url)
            try:
                async with dbmod.create_sessionmaker(engine)() as db:
                    result = (
                        await db.execute(REGISTRATIONS.query(Period(None, None, PARIS), datetime.now(UTC)))
                    ).all()
                    ctx = Context(tz=PARIS, locale="en")
                    return len(
                        header(REGISTRATIONS.columns) + csvfile.encode_rows(REGISTRATIONS, result, ctx)
                    )
            finally:
                await engine.dispose()

        downloads: list[str] = []
        for label, action in (
            (f"registrations ({users:,} rows), direct download", lambda: direct("registrations")),
            (f"registrations ({users:,} rows), background job to done", background),
            (f"registrations ({users:,} rows), naive baseline", naive),
            (f"attendance (100 sessions, {visits:,} visits), direct", lambda: direct("attendance")),
        ):
            runs = [await with_ticker(action) for _ in range(REPEAT)]
            elapsed = statistics.median(run[0] for run in runs)
            worst = statistics.median(run[1] for run in runs)
            result = runs[-1][2]
            detail = f"{result / 1e3:,.0f} kB" if isinstance(result, int) else str(result)
            rows.append((label, elapsed, worst, detail))
        file = await client.get(downloads[-1])
        assert (
            file.status_code == 200
            and file.content == (await client.get("/organiser/exports/csv/registrations")).content
        )
    backend = "PostgreSQL" if settings.database_url.startswith("postgresql") else "SQLite"
    print(f"CSV exports on {backend}, median of {REPEAT} runs: wall time and the event loop's worst stall")
    print(f"{'export':<58}{'seconds':>9}{'worst stall ms':>16}  result")
    for label, elapsed, worst, detail in rows:
        print(f"{label:<58}{elapsed:>9.2f}{worst:>16.1f}  {detail}")


async def reset_postgres(url: str) -> None:
    engine = dbmod.create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--users", type=int, default=45_000, help="registrations (direct downloads stop at 50,000)"
    )
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument(
        "--database-url", default="", help="an EMPTY PostgreSQL database: its schema is dropped"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        if url.startswith("postgresql"):
            asyncio.run(reset_postgres(url))
        migrations.upgrade(url)
        settings = replace(
            Settings(secret_key="bench-" + "k" * 40), database_url=url, media_dir=str(Path(folder) / "media")
        )
        asyncio.run(run(settings, args.users, args.visits))


if __name__ == "__main__":
    main()
