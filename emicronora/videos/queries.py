"""Reads for the video channel: a video with what its pages show, the public gallery, a company's list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from emicronora.db.paging import Page, paginate_rows
from emicronora.live.embeds import YOUTUBE_THUMBNAIL_ORIGIN
from emicronora.models import Company, Lead, MediaFile, Theme, Video
from emicronora.models.base import MAX_ROW_ID

PER_PAGE = 12


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


def _cards() -> Select[Video, Company, Theme, MediaFile, MediaFile]:
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
        # isdigit() alone lets "²" and other scripts' digits through, which int() then refuses.
        return value.isascii() and value.isdigit() and len(value) <= 10 and is_row_id(int(value))
    return 0 < value <= MAX_ROW_ID


async def get_card(db: AsyncSession, video_id: int) -> VideoCard | None:
    if not is_row_id(video_id):
        return None
    row = (await db.execute(_cards().where(Video.id == video_id))).first()
    return _card(row) if row else None


def _in_gallery(theme_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Video.is_published.is_(True),
        # A published upload whose file is gone has nothing to play.
        or_(Video.source != "upload", Video.media_id.is_not(None)),
    ]
    if theme_id is not None:
        conditions.append(Video.theme_id == theme_id)
    return conditions


async def gallery(
    db: AsyncSession, *, theme_id: int | None, page: int, per_page: int = PER_PAGE
) -> Page[VideoCard]:
    """Page `page` of the published videos, newest publication first."""
    statement = _cards().where(*_in_gallery(theme_id)).order_by(Video.published_at.desc(), Video.id.desc())
    rows = await paginate_rows(db, statement, page, per_page)
    return Page(items=[_card(row) for row in rows.items], total=rows.total, number=page, size=per_page)


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
