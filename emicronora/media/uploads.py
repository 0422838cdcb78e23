"""Receiving files: videos streamed in chunks, images already read from a form, both checked before anything
is kept. Nothing here knows HTTP: `streaming.py` turns a request into what these functions take.

A file's type is read from its first bytes, never from its name or the browser's claim. Sizes are checked
as the bytes arrive (the declared Content-Length first, when there is one), so that an upload one byte over
its cap is refused without ever being held whole, in memory or on disk. Each company has a storage quota:
the sum of its files' sizes.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import unquote

import anyio
import anyio.to_thread
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _
from emicronora.media import queries
from emicronora.media.queries import MIB
from emicronora.media.storage import MediaStorage, new_key
from emicronora.models import MediaFile
from emicronora.settings import Settings

# Writes go to storage in ~1 MiB pieces: few thread hops, and at most about that much held per upload.
WRITE_CHUNK = MIB
# Enough of the start of a file to tell its type (the WebM DocType sits within the first few dozen bytes).
SNIFF_BYTES = 64
MAX_NAME = 200
MAX_IMAGE_PIXELS = 40_000_000

# Pillow refuses to open anything over twice this, and warns over it; the warning is made an error so that
# such an image is refused, never decoded.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# ISO-BMFF brands that are stills or QuickTime, not MP4 video a browser plays.
NOT_MP4_BRANDS = frozenset(
    {b"qt  ", b"avif", b"avis", b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
)


class MediaError(Exception):
    """A refused file: the HTTP status to answer with and a message for the person who sent it."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Upload:
    """A file chosen in a form, already read; what the user called it is kept for display only."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    content_type: str


def sniff_video(head: bytes) -> str:
    """The content type of an MP4 or WebM file from its first bytes, or MediaError (415)."""
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] not in NOT_MP4_BRANDS:
        return "video/mp4"
    # Matroska shares WebM's EBML magic; only the "webm" DocType plays in every browser.
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"\x42\x82" in head and b"webm" in head:
        return "video/webm"
    raise MediaError(
        415, _("This file is not an MP4 or WebM video. Export it as MP4 (H.264) or WebM and retry.")
    )


def sniff_image(head: bytes) -> str:
    """The Pillow format of a PNG, JPEG or WebP file from its first bytes, or MediaError (415)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    raise MediaError(415, _("This file is not a PNG, JPEG or WebP image."))


def clean_name(raw: str) -> str:
    """What the uploader called the file, for display only: no directories, no control characters."""
    name = unquote(raw).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:MAX_NAME]


def quota_error(settings: Settings, left: int) -> MediaError:
    return MediaError(
        413,
        _(
            "This file does not fit in your company's storage (%(left)s MB left of %(quota)s MB). "
            "Delete a file you no longer need first.",
            left=max(left, 0) // MIB,
            quota=settings.company_quota_mb,
        ),
    )


async def stream_to_storage(
    chunks: AsyncIterator[bytes],
    storage: MediaStorage,
    *,
    limit: int,
    too_large: Callable[[], MediaError],
    sniff: Callable[[bytes], str],
) -> StoredFile:
    """Writes the chunks under a new key. The type is decided before anything is written; one byte past
    `limit` aborts the write (nothing stays behind) and raises `too_large()`."""
    head = bytearray()
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise too_large()
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    if not head:
        raise MediaError(400, _("The file is empty."))
    content_type = sniff(bytes(head[:SNIFF_BYTES]))

    key = new_key()
    writer = await storage.open_writer(key)
    try:
        pending: list[bytes] = [bytes(head)]
        pending_size = len(head)
        del head
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise too_large()
            pending.append(chunk)
            pending_size += len(chunk)
            if pending_size >= WRITE_CHUNK:
                await writer.write(b"".join(pending))
                pending, pending_size = [], 0
        if pending:
            await writer.write(b"".join(pending))
        await writer.close()
    except BaseException:
        # Shielded: a cancelled upload (the client went away) must still remove its partial file.
        with anyio.CancelScope(shield=True):
            await writer.abort()
        raise
    return StoredFile(key=key, size=size, content_type=content_type)


async def receive_video(
    chunks: AsyncIterator[bytes],
    storage: MediaStorage,
    *,
    settings: Settings,
    quota_left: int,
    declared_size: int | None = None,
) -> StoredFile:
    """Streams an MP4 or WebM file into storage, within the video size cap and the company's remaining
    quota. `declared_size` (the request's Content-Length, when it has one) refuses a file known to be too
    large before any of it is read."""
    cap = settings.max_video_mb * MIB
    limit = min(cap, quota_left)

    def too_large() -> MediaError:
        if limit < cap:
            return quota_error(settings, quota_left)
        return MediaError(
            413,
            _(
                "The video is larger than %(max)s MB. Compress it, or publish it on YouTube, Vimeo or "
                "Dailymotion and add its link instead.",
                max=settings.max_video_mb,
            ),
        )

    if declared_size is not None and declared_size > limit:
        raise too_large()
    return await stream_to_storage(chunks, storage, limit=limit, too_large=too_large, sniff=sniff_video)


def add_media_file(
    db: AsyncSession,
    stored: StoredFile,
    *,
    kind: str,
    original_name: str,
    company_id: int | None,
    user_id: int | None,
    width: int | None = None,
    height: int | None = None,
) -> MediaFile:
    media = MediaFile(
        key=stored.key,
        kind=kind,
        content_type=stored.content_type,
        size_bytes=stored.size,
        original_name=clean_name(original_name),
        width=width,
        height=height,
        company_id=company_id,
        uploaded_by=user_id,
    )
    db.add(media)
    return media


def image_dimensions(data: bytes, image_format: str) -> tuple[int, int]:
    """Width and height from the header, then a structural check; refuses bombs and damaged files."""
    too_many = MediaError(
        413, _("The image is too large: at most %(max)s million pixels.", max=MAX_IMAGE_PIXELS // 1_000_000)
    )
    try:
        # Only the format the magic bytes announced: no other Pillow decoder ever sees the file.
        with Image.open(io.BytesIO(data), formats=[image_format]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_many
            image.verify()
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except Exception:
        raise MediaError(400, _("The image is damaged or incomplete.")) from None
    return width, height


async def save_image(
    db: AsyncSession,
    storage: MediaStorage,
    data: bytes,
    *,
    original_name: str,
    company_id: int | None,
    user_id: int | None,
    settings: Settings,
) -> MediaFile:
    """Checks an uploaded image (type, size, pixels, quota), stores it and adds its MediaFile to the
    session (flushed, so it has an id). Raises MediaError with a message for the uploader."""
    if not data:
        raise MediaError(400, _("The file is empty."))
    if len(data) > settings.max_image_mb * MIB:
        raise MediaError(413, _("The image is larger than %(max)s MB.", max=settings.max_image_mb))
    image_format = sniff_image(data[:SNIFF_BYTES])
    width, height = await anyio.to_thread.run_sync(image_dimensions, data, image_format)
    left = await queries.quota_left(db, company_id, settings)
    if len(data) > left:
        raise quota_error(settings, left)
    key = new_key()
    writer = await storage.open_writer(key)
    try:
        await writer.write(data)
        await writer.close()
    except BaseException:
        with anyio.CancelScope(shield=True):
            await writer.abort()
        raise
    stored = StoredFile(key=key, size=len(data), content_type=IMAGE_FORMATS[image_format])
    media = add_media_file(
        db,
        stored,
        kind="image",
        original_name=original_name,
        company_id=company_id,
        user_id=user_id,
        width=width,
        height=height,
    )
    try:
        await db.flush()
    except BaseException:
        with anyio.CancelScope(shield=True):
            await storage.delete(key)
        raise
    return media
