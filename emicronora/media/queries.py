"""Reads about stored files: the file behind a key, who may see it, what a company's files weigh."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import MediaFile, User, Video
from emicronora.settings import Settings

MIB = 1024 * 1024


@dataclass(frozen=True)
class Audience:
    """Who may fetch a file: everybody, or the members of these companies and the organisers."""

    public: bool
    companies: frozenset[int] = frozenset()

    def admits(self, user: User | None) -> bool:
        if self.public:
            return True
        return user is not None and (user.is_organiser or user.company_id in self.companies)


async def get_by_key(db: AsyncSession, key: str) -> MediaFile | None:
    return await db.scalar(select(MediaFile).where(MediaFile.key == key))


async def audience(db: AsyncSession, media: MediaFile) -> Audience:
    """A video's file or poster is public once a video that uses it is published; until then only the
    company's members and the organisers see it. A file that no video uses (a logo, an innovation's photo)
    is public: the page that shows it decides whether to show it."""
    rows = (
        await db.execute(
            select(Video.company_id, Video.is_published).where(
                or_(Video.media_id == media.id, Video.poster_id == media.id)
            )
        )
    ).all()
    if not rows or any(published for _company, published in rows):
        return Audience(public=True)
    return Audience(public=False, companies=frozenset(company for company, _published in rows))


async def used_bytes(db: AsyncSession, company_id: int) -> int:
    total = await db.scalar(
        select(func.coalesce(func.sum(MediaFile.size_bytes), 0)).where(MediaFile.company_id == company_id)
    )
    return int(total or 0)


async def quota_left(
    db: AsyncSession, company_id: int | None, settings: Settings, *, freeing: int = 0
) -> int:
    """Bytes the company may still store; `freeing` counts a file that the new one replaces."""
    if company_id is None:
        return settings.company_quota_mb * MIB
    return settings.company_quota_mb * MIB - await used_bytes(db, company_id) + freeing
