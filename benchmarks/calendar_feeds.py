"""Calendar feed build times, with a naive writer as the baseline in the same run.

    .venv/bin/python benchmarks/calendar_feeds.py

Part 1 times the pure builder (icalendar: escaping, folding, VTIMEZONE) against a naive string writer that
does none of that, on the same items. Part 2 times the real HTTP endpoints in-process on a SQLite database
filled by this script: a personal feed of 50 starred sessions, the whole-programme feed, and the organiser's
zip of 1,000 participants' agendas (10 sessions each).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emicronora import db as dbmod
from emicronora import migrations
from emicronora.accounts import sessions as login_sessions
from emicronora.app import create_app
from emicronora.calendar import exports
from emicronora.calendar.ical import CalendarItem, build_calendar, serialise
from emicronora.models import Day, Session, Star, Theme, User
from emicronora.settings import Settings

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2020, 9, 1, tzinfo=UTC)


def timed(action: Callable[[], object], repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def synthetic_items(count: int) -> list[CalendarItem]:
    first = datetime(2020, 9, 22, 9, tzinfo=PARIS)
    return [
        CalendarItem(
            uid=f"session-{i}@fair.example",
            summary=f"Soudage laser, micro-usinage ; session n°{i}",
            start=first + timedelta(hours=i),
            end=first + timedelta(hours=i, minutes=45),
            sequence=i % 3,
            last_modified=STAMP,
            description="Résumé : procédés laser femtoseconde, métrologie.\n" * 3,
            url=f"https://fair.example/sessions/{i}",
            location=f"https://fair.example/sessions/{i}",
            categories=("Procédés laser",),
        )
        for i in range(count)
    ]


def naive_ics(items: list[CalendarItem]) -> bytes:
    """The baseline: what a hand-rolled exporter writes, without escaping, folding or VTIMEZONE."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//naive//EN"]
    for item in items:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}",
            f"DTSTART:{item.start.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTEND:{item.end.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{item.summary}",
            f"DESCRIPTION:{item.description}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines).encode()


def part_one(settings: Settings) -> list[tuple[str, float, float]]:
    rows = []
    for label, count in (("personal feed, 50 items", 50), ("programme feed, 100 sessions", 100)):
        items = synthetic_items(count)
        ours = timed(lambda items=items: serialise(build_calendar("c", items, PARIS, STAMP)))
        base = timed(lambda items=items: naive_ics(items))
        rows.append((label, ours, base))
    agendas = [
        exports.ParticipantAgenda(
            user_id=i,
            name=f"Participant {i}",
            email=f"p{i}@x",
            company="ACME",
            items=tuple(synthetic_items(10)),
        )
        for i in range(1000)
    ]
    ours = timed(lambda: exports.agendas_zip(agendas, settings, "e-Micronora", STAMP), repeat=3)
    base = timed(lambda: [naive_ics(list(a.items)) for a in agendas], repeat=3)
    rows.append(("organiser zip, 1,000 participants x 10", ours, base))
    return rows


async def fill(settings: Settings) -> tuple[str, str]:
    engine = dbmod.create_engine(settings.database_url)
    maker = dbmod.create_sessionmaker(engine)
    now = datetime.now(UTC)
    async with maker() as db, db.begin():
        theme = Theme(slug="laser", name_fr="Procédés laser", name_en="Laser processes")
        db.add(theme)
        await db.flush()
        sessions: list[Session] = []
        for d in range(4):
            day = Day(date=date(2020, 9, 22) + timedelta(days=d), theme_id=theme.id, position=d)
            db.add(day)
            await db.flush()
            for s in range(25):
                start = datetime(2020, 9, 22 + d, 8, tzinfo=PARIS) + timedelta(minutes=20 * s)
                sessions.append(
                    Session(
                        kind="webinar",
                        title=f"Session {d}-{s} : procédés laser",
                        abstract="Résumé.",
                        day_id=day.id,
                        theme_id=theme.id,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=20),
                        position=s,
                    )
                )
        db.add_all(sessions)
        await db.flush()
        organiser = User(
            email="org@x.example",
            name="Org",
            company_name="x",
            country="FR",
            password_hash="x",
            is_organiser=True,
            terms_accepted_at=now,
        )
        fan = User(
            email="fan@x.example",
            name="Fan",
            company_name="x",
            country="FR",
            password_hash="x",
            terms_accepted_at=now,
        )
        db.add_all([organiser, fan])
        await db.flush()
        db.add_all(Star(user_id=fan.id, session_id=s.id) for s in sessions[:50])
        users = [
            User(
                email=f"p{i}@x.example",
                name=f"Participant {i}",
                company_name="x",
                country="FR",
                password_hash="x",
                terms_accepted_at=now,
            )
            for i in range(999)
        ]
        db.add_all(users)
        await db.flush()
        db.add_all(
            Star(user_id=u.id, session_id=sessions[(u.id * 7 + k) % 100].id) for u in users for k in range(10)
        )
        await db.flush()
        token = await login_sessions.open_session(db, organiser, "127.0.0.1", "bench", now)
        from emicronora.calendar import tokens

        feed_token = await tokens.replace_feed_token(db, fan, settings)
    await engine.dispose()
    return token, feed_token


async def part_two(settings: Settings) -> list[tuple[str, float]]:
    organiser_token, feed_token = await fill(settings)
    app = create_app(settings)
    rows = []
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://bench") as client,
    ):
        for label, path, cookie, repeat in (
            ("GET personal feed (50 starred)", f"/calendar/u/{feed_token}.ics", None, 7),
            ("GET programme feed (100 sessions)", "/calendar/programme.ics", None, 7),
            ("GET organiser zip (1,000 participants)", "/organiser/exports/agendas.zip", organiser_token, 3),
        ):
            cookies = {login_sessions.SESSION_COOKIE: cookie} if cookie else {}
            samples = []
            for _ in range(repeat):
                start = time.perf_counter()
                response = await client.get(path, cookies=cookies)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, (path, response.status_code)
            rows.append((label, statistics.median(samples) * 1000))
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
        migrations.upgrade(url)
        settings = replace(Settings(secret_key="bench-" + "k" * 40), database_url=url)
        print("Part 1: pure builder vs naive writer (median ms)")
        print(f"{'case':<42}{'e-Micronora':>13}{'naive':>10}{'ratio':>8}")
        for label, ours, base in part_one(settings):
            print(f"{label:<42}{ours:>13.1f}{base:>10.1f}{ours / base:>7.1f}x")
        print()
        print("Part 2: HTTP endpoints in-process, SQLite (median ms)")
        for label, ms in asyncio.run(part_two(settings)):
            print(f"{label:<42}{ms:>13.1f}")


if __name__ == "__main__":
    main()
