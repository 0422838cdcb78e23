"""The demo's exhibitors have public showrooms that the directory lists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.demo import data
from emicronora.demo.seed import SHOWROOMS, seed_demo
from emicronora.models import Company, Innovation
from emicronora.settings import Settings
from emicronora.showroom.domain import SECTORS


async def test_demo_showrooms_are_complete_and_approved(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    async with sessionmaker() as db, db.begin():
        await seed_demo(db, date(2020, 9, 22), settings)
    exhibitors = {company.name for company in data.COMPANIES if company.is_exhibitor}
    assert {company.key for company in data.COMPANIES if company.is_exhibitor} == set(SHOWROOMS)
    theme_slugs = {theme.slug for theme in data.THEMES}
    async with sessionmaker() as db:
        companies = (await db.scalars(select(Company).where(Company.is_exhibitor.is_(True)))).all()
        assert {company.name for company in companies} == exhibitors
        for company in companies:
            innovations = await db.scalar(
                select(func.count()).select_from(Innovation).where(Innovation.company_id == company.id)
            )
            assert company.is_approved
            assert company.slug and company.tagline and company.region
            assert set(company.themes) <= theme_slugs and company.themes
            assert set(company.sectors) <= set(SECTORS) and company.sectors
            assert 1 <= innovations <= 2
        lumicron = await db.scalar(select(Company).where(Company.name == "Lumicron Laser"))
    assert lumicron.slug == "lumicron-laser"


async def test_demo_showrooms_fill_the_directory(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    async with sessionmaker() as db, db.begin():
        await seed_demo(db, date(2020, 9, 22), settings)
    client = await as_role("anonymous")
    page = (await client.get("/exhibitors")).text
    assert "8 exhibitors" in page
    assert (await client.get("/exhibitors", params={"q": "spiral"})).text.count(
        'data-testid="exhibitor-card"'
    ) == 1
    showroom = (await client.get("/exhibitors/lumicron-laser")).text
    assert "<h3>FemtoCut 5</h3>" in showroom
    assert "<li>Julien Marchand</li>" in showroom
