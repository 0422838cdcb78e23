"""Writes for the video channel: creating and editing, publishing, the uploaded file and poster, deleting,
counting views. Access is checked here, on the loaded video, before anything is read or written.

Files are removed from storage only after the transaction that forgot them has committed; a file stored for a
transaction that then fails is removed at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.db.results import rowcount
from emicronora.i18n import _
from emicronora.media.queries import MIB, quota_left, used_bytes
from emicronora.media.storage import MediaStorage
from emicronora.media.uploads import StoredFile, Upload, add_media_file, quota_error, save_image
from emicronora.models import MediaFile, User, Video, VideoView
from emicronora.settings import Settings
from emicronora.videos import permissions, queries
from emicronora.videos.forms import VideoFields

# A viewer's views of one video closer together than this are one view.
VIEW_EVERY = timedelta(hours=1)

log = logging.getLogger(__name__)


class VideoNotFound(Exception):
    """No such video, or one the user may not see or change: answered with a 404."""


async def viewable(db: AsyncSession, user: User | None, video_id: int) -> queries.VideoCard:
    card = await queries.get_card(db, video_id)
    if card is None or not permissions.can_view(user, card.video):
        raise VideoNotFound()
    return card


async def manageable(db: AsyncSession, user: User | None, video_id: int) -> Video:
    video = await queries.get_video(db, video_id)
    if video is None or not permissions.can_manage(user, video):
        raise VideoNotFound()
    return video


async def create_video(db: AsyncSession, user: User, fields: VideoFields) -> Video:
    if not permissions.can_create(user) or user.company_id is None:
        raise VideoNotFound()
    video = Video(company_id=user.company_id, title="", source=fields.source)
    apply_fields(video, fields)
    db.add(video)
    await db.flush()
    return video


def apply_fields(video: Video, fields: VideoFields) -> None:
    video.title = fields.title
    video.description = fields.description
    video.theme_id = fields.theme_id
    video.source = fields.source
    video.provider_url = fields.provider_url
    video.poster_url = fields.poster_url


def publish(video: Video, now: datetime) -> str | None:
    """Publishes the video, or says what is missing. The first publication dates it in the gallery;
    publishing again after a correction does not move it back to the top."""
    if video.source == "upload" and video.media_id is None:
        return _("Upload the video file before publishing.")
    video.is_published = True
    if video.published_at is None:
        video.published_at = now
    return None


def unpublish(video: Video) -> None:
    video.is_published = False


async def delete_video(db: AsyncSession, video: Video) -> list[str]:
    """Deletes the video and its files' records; returns the storage keys to remove after the commit."""
    files = [await db.get(MediaFile, media_id) for media_id in (video.media_id, video.poster_id) if media_id]
    await db.delete(video)
    await db.flush()
    for media in files:
        if media is not None:
            await db.delete(media)
    return [media.key for media in files if media is not None]


async def remove_files(storage: MediaStorage, keys: Iterable[str]) -> None:
    """Removes files that no row refers to any more; a failure leaves an orphan file, never a broken row."""
    with anyio.CancelScope(shield=True):
        for key in keys:
            try:
                await storage.delete(key)
            except OSError:
                log.exception("could not remove media file %s", key)


@dataclass(frozen=True)
class UploadTarget:
    video_id: int
    company_id: int
    # What the company may still store, counting the file that the upload replaces as freed.
    quota_left: int


async def upload_target(
    db: AsyncSession, user: User | None, video_id: int, settings: Settings
) -> UploadTarget:
    video = await manageable(db, user, video_id)
    if video.source != "upload":
        raise VideoNotFound()
    current = await db.get(MediaFile, video.media_id) if video.media_id else None
    freeing = current.size_bytes if current is not None else 0
    left = await quota_left(db, video.company_id, settings, freeing=freeing)
    return UploadTarget(video_id=video.id, company_id=video.company_id, quota_left=left)


async def attach_file(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: MediaStorage,
    target: UploadTarget,
    stored: StoredFile,
    *,
    original_name: str,
    user: User,
    settings: Settings,
) -> None:
    """Records the streamed file as the video's file, replacing (and removing) the previous one. The quota
    is checked again here: another upload of the company may have finished while this one streamed."""
    old_key = None
    try:
        async with sessionmaker() as db, db.begin():
            video = await db.get(Video, target.video_id)
            if video is None or video.company_id != target.company_id:
                raise VideoNotFound()
            old = await db.get(MediaFile, video.media_id) if video.media_id else None
            media = add_media_file(
                db,
                stored,
                kind="video",
                original_name=original_name,
                company_id=target.company_id,
                user_id=user.id,
            )
            await db.flush()
            freed = old.size_bytes if old is not None else 0
            quota = settings.company_quota_mb * MIB
            used = await used_bytes(db, target.company_id) - freed
            if used > quota:
                raise quota_error(settings, quota - (used - stored.size))
            video.media_id = media.id
            if old is not None:
                old_key = old.key
                await db.delete(old)
    except BaseException:
        await remove_files(storage, [stored.key])
        raise
    if old_key:
        await remove_files(storage, [old_key])


async def set_poster(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: MediaStorage,
    video_id: int,
    upload: Upload,
    *,
    user: User,
    settings: Settings,
) -> None:
    """Stores the image as the video's poster, replacing (and removing) the previous one; MediaError when
    the image is refused."""
    new_key = old_key = None
    try:
        async with sessionmaker() as db, db.begin():
            video = await manageable(db, user, video_id)
            media = await save_image(
                db,
                storage,
                upload.data,
                original_name=upload.filename,
                company_id=video.company_id,
                user_id=user.id,
                settings=settings,
            )
            new_key = media.key
            old = await db.get(MediaFile, video.poster_id) if video.poster_id else None
            video.poster_id = media.id
            if old is not None:
                old_key = old.key
                await db.delete(old)
    except BaseException:
        if new_key:
            await remove_files(storage, [new_key])
        raise
    if old_key:
        await remove_files(storage, [old_key])


async def remove_poster(db: AsyncSession, video: Video) -> list[str]:
    old = await db.get(MediaFile, video.poster_id) if video.poster_id else None
    video.poster_id = None
    if old is None:
        return []
    await db.delete(old)
    return [old.key]


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
    if rowcount(await db.execute(lock)) == 0:
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
