"""The organiser's background exports are listed ten a page on the exports page; a page that cannot exist is
a broken link (404)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import ExportJob, User
from tests.exports.conftest import ORGANISER


@pytest.mark.parametrize("page", ["²", "-1", "0", "abc", "99999999999999999999", "2"])
async def test_a_page_of_jobs_that_cannot_exist_is_not_found(organiser: httpx.AsyncClient, page: str) -> None:
    assert (await organiser.get("/organiser/exports", params={"page": page})).status_code == 404


async def test_jobs_are_listed_ten_a_page_latest_first(
    organiser: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        owner = await db.scalar(select(User).where(User.email == ORGANISER))
        assert owner is not None
        jobs = [
            ExportJob(
                user_id=owner.id,
                kind="leads",
                params={},
                status="done",
                filename=f"{minutes}-leads-x.csv",
                created_at=now - timedelta(minutes=minutes),
            )
            for minutes in range(11)
        ]
        db.add_all(jobs)
    first = await organiser.get("/organiser/exports")
    assert first.text.count('data-testid="job-row"') == 10
    assert "Page 1 of 2" in first.text and 'href="/organiser/exports?page=2"' in first.text
    second = await organiser.get("/organiser/exports", params={"page": "2"})
    assert second.status_code == 200
    assert second.text.count('data-testid="job-row"') == 1
    # The oldest job, alone on the second page.
    assert f'href="/organiser/exports/jobs/{jobs[-1].id}/download"' in second.text
    assert f'href="/organiser/exports/jobs/{jobs[0].id}/download"' not in second.text
