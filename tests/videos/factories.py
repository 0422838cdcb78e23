"""Videos and stored files made directly in the database and the media directory, and the requests a
browser sends, for the media and video tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.media.storage import LocalStorage, new_key
from emicronora.models import Company, MediaFile, User, Video
from emicronora.settings import Settings
from tests.conftest import csrf_token, login

MEMBER = "mia.member@example.org"
COLLEAGUE = "carl.colleague@example.org"
OTHER = "otto.other@example.org"
VISITOR = "vera.visitor@example.org"
ORGANISER = "olga.organiser@example.org"
ACTORS = ("anonymous", "visitor", "other", "member", "organiser")
EMAILS = {"visitor": VISITOR, "other": OTHER, "member": MEMBER, "organiser": ORGANISER}


@dataclass
class People:
    member: User
    other: User
    visitor: User
    organiser: User
    company_id: int


async def make_people(make_user, sessionmaker: async_sessionmaker[AsyncSession]) -> People:
    member = await make_user(MEMBER, exhibitor=True, name="Mia Member")
    other = await make_user(OTHER, exhibitor=True, name="Otto Other")
    visitor = await make_user(VISITOR, name="Vera Visitor")
    organiser = await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    async with sessionmaker() as db, db.begin():
        company = await db.get(Company, member.company_id)
        assert company is not None
        company.name = "Laser Précision SA"
        company.slug = "laser-precision"
        company.is_approved = True
    assert member.company_id is not None
    return People(member, other, visitor, organiser, member.company_id)


def files_in(directory: str | Path) -> list[str]:
    """The names in a (small) media directory, sorted; none when it was never created."""
    root = Path(directory)
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


async def store_file(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    company_id: int | None,
    data: bytes,
    *,
    kind: str = "video",
    content_type: str = "video/mp4",
) -> MediaFile:
    key = new_key()
    writer = await LocalStorage(settings.media_dir).open_writer(key)
    await writer.write(data)
    await writer.close()
    async with sessionmaker() as db, db.begin():
        media = MediaFile(
            key=key, kind=kind, content_type=content_type, size_bytes=len(data), company_id=company_id
        )
        db.add(media)
    return media


async def add_video(
    sessionmaker: async_sessionmaker[AsyncSession],
    company_id: int,
    *,
    title: str = "Micro-usinage laser femtoseconde",
    published: bool = False,
    published_at: datetime | None = None,
    theme_id: int | None = None,
    source: str = "upload",
    provider_url: str = "",
    poster_url: str = "",
    media: MediaFile | None = None,
    poster: MediaFile | None = None,
    views: int = 0,
) -> Video:
    async with sessionmaker() as db, db.begin():
        video = Video(
            company_id=company_id,
            title=title,
            description="Des micro-trous de 10 µm dans l'acier.",
            theme_id=theme_id,
            source=source,
            provider_url=provider_url,
            poster_url=poster_url,
            media_id=media.id if media else None,
            poster_id=poster.id if poster else None,
            is_published=published,
            published_at=published_at or (datetime.now(UTC) if published else None),
            views=views,
        )
        db.add(video)
    return video


async def act_as(client: httpx.AsyncClient, actor: str) -> None:
    """Logs the client out, then in as the actor (anonymous stays logged out); English messages."""
    client.cookies.clear()
    client.cookies.set("em_lang", "en")
    if actor != "anonymous":
        await login(client, EMAILS[actor])


async def put_file(
    client: httpx.AsyncClient,
    video_id: int,
    body: bytes | AsyncIterator[bytes],
    *,
    name: str = "demo.mp4",
    content_type: str = "video/mp4",
) -> httpx.Response:
    """What upload.js sends: the raw file as a PUT body, the CSRF token in a header."""
    token = await csrf_token(client, "/videos")
    headers = {"X-CSRF-Token": token, "Content-Type": content_type, "X-File-Name": name}
    return await client.put(f"/exhibitor-area/videos/{video_id}/file", content=body, headers=headers)


async def chunks(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """A body without Content-Length (sent chunked), as a slow or streaming client does."""
    for start in range(0, len(data), size):
        yield data[start : start + size]
