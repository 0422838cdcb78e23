"""Fixtures for the people pages: the logged-in organiser of the organiser area, a second browser (another
client of another app instance on the same database, as a second worker would be) and quick accounts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.app import create_app
from emicronora.models import Company, User
from emicronora.settings import Settings
from tests.organiser.conftest import ORGANISER, organiser

__all__ = ["ORGANISER", "add_people", "organiser", "second_browser"]


@pytest.fixture
async def second_browser(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.cookies.set("em_lang", "en")
            yield http


@pytest.fixture
def add_people(sessionmaker: async_sessionmaker[AsyncSession]) -> Callable[..., Awaitable[list[int]]]:
    """Accounts that never log in (no password to hash): (name, e-mail, company name) each, optionally all
    members of one company."""

    async def factory(people: list[tuple[str, str, str]], *, company: Company | None = None) -> list[int]:
        async with sessionmaker() as db, db.begin():
            if company is not None:
                db.add(company)
                await db.flush()
            users = [
                User(
                    name=name,
                    email=email,
                    company_name=company_name,
                    country="FR",
                    company_id=company.id if company is not None else None,
                    password_hash="-",
                    terms_accepted_at=datetime.now(UTC),
                )
                for name, email, company_name in people
            ]
            db.add_all(users)
            await db.flush()
            return [user.id for user in users]

    return factory
