"""Reads for the video channel: a video with what its pages show, the public gallery, a company's list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from emicronora.live.embeds import YOUTUBE_THUMBNAIL_ORIGIN
from emicronora.models import Company, Lead, MediaFile, Theme, Video, VideoView
from emicronora.models.base import MAX_ROW_ID

PER_PAGE = 12
# A viewer's views of one video closer together than this are one view.
VIEW_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class VideoCard:
    video: Video
    company: Company
    theme: Theme | None
    media: MediaFile | None
    poster: MediaFile | None

    @property
    def poster_src(self) -> str | None:
        """An uploaded poster, else YouTube's still (only ever from its cookie-less image host)."""
        if self.poster is not None:
            return f"/media/{self.poster.key}"
        if self.video.poster_url.startswith(YOUTUBE_THUMBNAIL_ORIGIN + "/"):
            return self.video.poster_url
        return None

    @property
    def playable(self) -> bool:
        return self.video.source != "upload" or self.media is not None


@dataclass(frozen=True)
class GalleryPage:
    cards: list[VideoCard]
    number: int
    pages: int
    total: int


def _cards() -> Select[tuple[Video, Company, Theme, MediaFile, MediaFile]]:
    file = aliased(MediaFile)
    poster = aliased(MediaFile)
    return (
        select(Video, Company, Theme, file, poster)
        .join(Company, Company.id == Video.company_id)
        .outerjoin(Theme, Theme.id == Video.theme_id)
        .outerjoin(file, file.id == Video.media_id)
        .outerjoin(poster, poster.id == Video.poster_id)
    )


def _card(row: Sequence[Any]) -> VideoCard:
    # A row of _cards(): the video, its company, theme, file and poster.
    return VideoCard(*row)


def is_row_id(value: int | str) -> bool:
    if isinstance(value, str):
        return value.isdigit() and len(value) <= 10 and is_row_id(int(value))
    return 0 < value <= MAX_ROW_ID


async def get_card(db: AsyncSession, video_id: int) -> VideoCard | None:
    if not is_row_id(video_id):
        return None
    row = (await db.execute(_cards().where(Video.id == video_id))).first()
    return _card(row) if row else None


def _in_gallery(theme_id: int | None) -> list[object]:
    conditions: list[object] = [
        Video.is_published.is_(True),
        # A published upload whose file is gone has nothing to play.
        or_(Video.source != "upload", Video.media_id.is_not(None)),
    ]
    if theme_id is not None:
        conditions.append(Video.theme_id == theme_id)
    return conditions


async def gallery(
    db: AsyncSession, *, theme_id: int | None, page: int, per_page: int = PER_PAGE
) -> GalleryPage:
    """Published videos, newest publication first; `page` is clamped to the existing pages."""
    conditions = _in_gallery(theme_id)
    total = await db.scalar(select(func.count()).select_from(Video).where(*conditions)) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    statement = (
        _cards()
        .where(*conditions)
        .order_by(Video.published_at.desc(), Video.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    cards = [_card(row) for row in (await db.execute(statement))]
    return GalleryPage(cards=cards, number=number, pages=pages, total=total)


async def company_cards(db: AsyncSession, company_id: int) -> list[VideoCard]:
    statement = (
        _cards().where(Video.company_id == company_id).order_by(Video.created_at.desc(), Video.id.desc())
    )
    return [_card(row) for row in (await db.execute(statement))]


async def lead_counts(db: AsyncSession, company_id: int) -> dict[int, int]:
    statement = (
        select(Lead.video_id, func.count())
        .where(Lead.company_id == company_id, Lead.video_id.is_not(None))
        .group_by(Lead.video_id)
    )
    return {video_id: count for video_id, count in (await db.execute(statement)) if video_id}


async def get_video(db: AsyncSession, video_id: int) -> Video | None:
    return await db.get(Video, video_id) if is_row_id(video_id) else None


async def get_company(db: AsyncSession, company_id: int) -> Company | None:
    return await db.get(Company, company_id)


async def exhibitors(db: AsyncSession) -> list[Company]:
    return list((await db.scalars(select(Company).where(Company.is_exhibitor).order_by(Company.name))).all())


async def count_view(db: AsyncSession, video_id: int, viewer_id: int | None, now: datetime) -> bool:
    """Counts a view of a published video, at most one per viewer and video per hour (a reload is not a new
    view; anonymous views are all counted, there is no one to tell apart): a VideoView row, so that views can
    be counted over a period, and `views = views + 1`, the running total. True when it was counted.

    The video's row is written first (an UPDATE that changes nothing): it takes the row lock in PostgreSQL and
    the write lock in SQLite before the look for a recent view, so that two requests of one viewer at the same
    moment cannot both find none and both insert one."""
    lock = (
        update(Video)
        .where(Video.id == video_id, Video.is_published.is_(True))
        .values(views=Video.views)
        .execution_options(synchronize_session=False)
    )
    if (await db.execute(lock)).rowcount == 0:  # type: ignore[attr-defined]
        return False
    if viewer_id is not None:
        recent = select(VideoView.id).where(
            VideoView.video_id == video_id,
            VideoView.viewer_id == viewer_id,
            VideoView.at > now - VIEW_EVERY,
        )
        if await db.scalar(recent.limit(1)) is not None:
            return False
    db.add(VideoView(video_id=video_id, viewer_id=viewer_id, at=now))
    statement = (
        update(Video)
        .where(Video.id == video_id)
        .values(views=Video.views + 1)
        # The loaded Video keeps the count it was read with; the page adds the view it just counted.
        .execution_options(synchronize_session=False)
    )
    await db.execute(statement)
    return True
