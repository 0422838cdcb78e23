"""Approving exhibitors from the people pages: the companies whose showroom awaits approval, and the showroom
area's approval, which makes the showroom public."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import AuditEntry, Company
from tests.conftest import post_form

PAGE = "/organiser/people/exhibitors"


async def test_approving_an_exhibitor_publishes_its_showroom(
    organiser: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        pending = Company(name="Lasea", country="FR", is_exhibitor=True)
        public = Company(name="Femto Optics", country="FR", is_exhibitor=True, is_approved=True, slug="femto")
        visitor = Company(name="Buyer Corp", country="FR")
        db.add_all([pending, public, visitor])
    page = await organiser.get(PAGE)
    assert page.status_code == 200
    assert "Lasea" in page.text
    assert "Femto Optics" not in page.text and "Buyer Corp" not in page.text
    assert "Lasea" not in (await organiser.get("/exhibitors")).text

    response = await post_form(organiser, f"{PAGE}/{pending.id}/approve", {})
    assert response.status_code == 303
    after = await organiser.get(response.headers["location"])
    assert "The showroom of Lasea is approved and public." in after.text
    assert "No showroom is awaiting approval." in after.text
    async with sessionmaker() as db:
        approved = await db.get_one(Company, pending.id)
        entry = await db.scalar(select(AuditEntry))
    assert approved.is_approved and approved.slug == "lasea"
    assert "Lasea" in (await organiser.get("/exhibitors")).text
    assert entry is not None and (entry.action, entry.target_id) == ("showroom.approve", str(pending.id))
    # Approving again (a second click) changes and records nothing more.
    assert (await post_form(organiser, f"{PAGE}/{pending.id}/approve", {})).status_code == 303
    async with sessionmaker() as db:
        assert len((await db.scalars(select(AuditEntry))).all()) == 1
    # Only exhibiting companies have a showroom to approve.
    assert (await post_form(organiser, f"{PAGE}/{visitor.id}/approve", {})).status_code == 404
