"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when EMICRONORA_TEST_DATABASE_URL says
so), an app with its lifespan, an HTTP client, and factories for users and programme items."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora import db as dbmod
from emicronora import migrations
from emicronora.accounts import forms, operations
from emicronora.app import create_app
from emicronora.jobs.worker import Worker
from emicronora.models import Base, Company, Day, Session, Speaker, Theme, User
from emicronora.settings import Settings

PARIS = ZoneInfo("Europe/Paris")
PASSWORD = "correct horse battery staple"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _test_database_url(tmp_root: Path) -> str:
    return (
        os.environ.get("EMICRONORA_TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_root / 'test.sqlite3'}"
    )


async def _reset_postgres(url: str) -> None:
    engine = dbmod.create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database migrated once for the whole run, through the real Alembic migrations."""
    url = _test_database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        try:
            await _reset_postgres(url)
        except OSError as error:
            # In CI the PostgreSQL run must fail loudly, never skip (DESIGN.md).
            if IN_CI:
                raise
            pytest.skip(f"PostgreSQL not reachable: {error}")
    await asyncio.to_thread(migrations.upgrade, url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Cheap argon2id parameters keep the suite fast; production defaults are checked in their own test.
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        media_dir=str(tmp_path / "media"),
    )


@pytest.fixture
async def sessionmaker(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = dbmod.create_engine(settings.database_url)
    maker = dbmod.create_sessionmaker(engine)
    yield maker
    # Each test starts from empty tables.
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(delete(table))
    await engine.dispose()


@pytest.fixture
async def job_worker(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Worker]:
    """A job worker running beside the app in the test's event loop, as `emicronora worker` does beside the
    web server (its periodic jobs left out: a test queues what it needs)."""
    worker = Worker(
        sessionmaker,
        replace(settings, job_poll_ms=20),
        name="test-worker",
        first_retry=timedelta(0),
        periodic=False,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    yield worker
    stop.set()
    await running


@pytest.fixture
def make_app(settings: Settings) -> Callable[..., object]:
    def build(**overrides: object) -> object:
        return create_app(replace(settings, **overrides) if overrides else settings)  # type: ignore[arg-type]

    return build


@pytest.fixture
async def client(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    """The CSRF token a real browser would find in a form on `path`."""
    page = await client.get(path)
    match = CSRF_PATTERN.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def post_form(
    client: httpx.AsyncClient, url: str, data: dict[str, str], token_from: str = "/login"
) -> httpx.Response:
    token = await csrf_token(client, token_from)
    return await client.post(url, data={"csrf_token": token, **data})


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response


@pytest.fixture
def make_user(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> Callable[..., Awaitable[User]]:
    async def factory(
        email: str = "attendee@example.org",
        *,
        organiser: bool = False,
        exhibitor: bool = False,
        name: str = "Ada Attendee",
        password: str = PASSWORD,
    ) -> User:
        async with sessionmaker() as db, db.begin():
            company_id = None
            if exhibitor:
                company = Company(name=f"Company of {name}", country="FR", is_exhibitor=True)
                db.add(company)
                await db.flush()
                company_id = company.id
            registration = forms.Registration(
                name=name, email=email, company="ACME", country="FR", password=password
            )
            return await operations.create_user(
                db, registration, settings, datetime.now(UTC), is_organiser=organiser, company_id=company_id
            )

    return factory


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def make_programme(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> Callable[..., Awaitable[dict[str, object]]]:
    """Two themes, two days and three sessions (one of them cancelled), with a speaker."""

    async def factory(first_day: date = date(2020, 9, 22)) -> dict[str, object]:
        async with sessionmaker() as db, db.begin():
            laser = Theme(slug="laser", name_fr="Procédés laser", name_en="Laser processes", position=0)
            metrology = Theme(slug="metrology", name_fr="Métrologie", name_en="Metrology", position=1)
            db.add_all([laser, metrology])
            await db.flush()
            day1 = Day(date=first_day, theme_id=laser.id, position=0)
            day2 = Day(date=first_day + timedelta(days=1), theme_id=metrology.id, position=1)
            db.add_all([day1, day2])
            await db.flush()
            speaker = Speaker(name="Marie Curie-Laser", affiliation="FEMTO-ST", bio="Chercheuse.")
            db.add(speaker)
            await db.flush()
            welding = Session(
                kind="webinar",
                title="Soudage laser de boîtiers titane",
                abstract="Hermétique.",
                day_id=day1.id,
                theme_id=laser.id,
                starts_at=paris(day1.date, 10),
                ends_at=paris(day1.date, 11),
                speakers=[speaker],
            )
            pitch = Session(
                kind="pitch",
                title="Pitch laser",
                abstract="Cinq innovations.",
                day_id=day1.id,
                theme_id=laser.id,
                starts_at=paris(day1.date, 14),
                ends_at=paris(day1.date, 15),
                position=1,
            )
            tomography = Session(
                kind="webinar",
                title="Tomographie industrielle",
                abstract="Mesure 3D.",
                day_id=day2.id,
                theme_id=metrology.id,
                starts_at=paris(day2.date, 9),
                ends_at=paris(day2.date, 10),
                is_cancelled=True,
            )
            db.add_all([welding, pitch, tomography])
            await db.flush()
            return {
                "themes": [laser, metrology],
                "days": [day1, day2],
                "speaker": speaker,
                "welding": welding,
                "pitch": pitch,
                "tomography": tomography,
            }

    return factory
