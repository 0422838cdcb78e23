"""Video views are dated rows (for the dashboard's periods), one per viewer and video per hour, and the
running total on the video follows them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Company, Video, VideoView
from tests.conftest import login


async def counts(sessionmaker: async_sessionmaker[AsyncSession], video_id: int) -> tuple[int, int, int]:
    """The running total, the dated rows, and the rows of anonymous viewers."""
    async with sessionmaker() as db:
        video = await db.get(Video, video_id)
        assert video is not None
        rows = await db.scalar(select(func.count()).where(VideoView.video_id == video_id))
        anonymous = await db.scalar(
            select(func.count()).where(VideoView.video_id == video_id, VideoView.viewer_id.is_(None))
        )
        return video.views, rows or 0, anonymous or 0


async def test_a_viewer_counts_once_per_hour_and_the_company_not_at_all(
    client: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[Any]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    member = await make_user("member@example.org", exhibitor=True)
    await make_user("viewer@example.org")
    async with sessionmaker() as db, db.begin():
        company = await db.get(Company, member.company_id)
        video = Video(
            company_id=company.id, title="Micro-usinage", source="youtube", is_published=True, views=10
        )
        db.add(video)
    url = f"/videos/{video.id}"

    # Anonymous visitors cannot be told apart: each view counts.
    await client.get(url)
    await client.get(url)
    assert await counts(sessionmaker, video.id) == (12, 2, 2)

    await login(client, "viewer@example.org")
    await client.get(url)
    await client.get(url)  # a reload
    assert await counts(sessionmaker, video.id) == (13, 3, 2)

    # An hour later the same viewer's view counts again.
    async with sessionmaker() as db, db.begin():
        for view in await db.scalars(select(VideoView).where(VideoView.viewer_id.is_not(None))):
            view.at -= timedelta(minutes=61)
    await client.get(url)
    assert await counts(sessionmaker, video.id) == (14, 4, 2)

    client.cookies.clear()
    await login(client, "member@example.org")
    await client.get(url)
    assert await counts(sessionmaker, video.id) == (14, 4, 2)
