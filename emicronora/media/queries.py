"""Reads about stored files: the file behind a key, and who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import MediaFile, User, Video


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
