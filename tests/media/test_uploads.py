"""File checks without HTTP: types from the first bytes, the size cap while streaming, images' pixels and
the company quota."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from emicronora.i18n import current_locale
from emicronora.media.storage import LocalStorage
from emicronora.media.uploads import (
    MediaError,
    clean_name,
    save_image,
    sniff_image,
    sniff_video,
    stream_to_storage,
)
from emicronora.models import MediaFile
from tests.media.samples import MATROSKA_HEAD, MP4_HEAD, WEBM_HEAD, image, mp4, png_claiming
from tests.videos.factories import files_in, store_file


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


def test_sniff_video_reads_the_type_from_the_first_bytes() -> None:
    assert sniff_video(MP4_HEAD) == "video/mp4"
    assert sniff_video(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00") == "video/mp4"
    assert sniff_video(WEBM_HEAD) == "video/webm"


@pytest.mark.parametrize(
    "head",
    [
        image("PNG"),
        image("JPEG"),
        MATROSKA_HEAD,
        b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00",  # an AVIF still
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00",  # QuickTime
        b"<html><script>alert(1)</script>",
        b"\x00\x00\x00\x18ftyp",
    ],
)
def test_sniff_video_refuses_everything_else(head: bytes) -> None:
    with pytest.raises(MediaError) as refused:
        sniff_video(head[:64])
    assert refused.value.status == 415
    assert refused.value.message.startswith("This file is not an MP4 or WebM video.")


def test_sniff_image_knows_png_jpeg_and_webp_only() -> None:
    assert [sniff_image(image(fmt)) for fmt in ("PNG", "JPEG", "WEBP")] == ["PNG", "JPEG", "WEBP"]
    for other in (image("GIF"), image("BMP"), b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        with pytest.raises(MediaError, match="not a PNG, JPEG or WebP"):
            sniff_image(other)


def test_clean_name_keeps_a_display_name_only() -> None:
    assert clean_name("Pr%C3%A9sentation%20laser.mp4") == "Présentation laser.mp4"
    assert clean_name("..%2F..%2Fetc%2Fpasswd") == "passwd"
    assert clean_name("C:\\Users\\ada\\clip.webm") == "clip.webm"
    assert clean_name("a\x00b\nc.mp4") == "abc.mp4"
    assert len(clean_name("x" * 500)) == 200


async def _pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _too_large() -> MediaError:
    return MediaError(413, "too large")


async def test_stream_to_storage_writes_exactly_the_limit(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    data = mp4(3 * 1024 * 1024 + 17)
    stored = await stream_to_storage(
        _pieces(data, 65536), storage, limit=len(data), too_large=_too_large, sniff=sniff_video
    )
    assert (stored.size, stored.content_type) == (len(data), "video/mp4")
    assert (tmp_path / stored.key).read_bytes() == data
    assert files_in(tmp_path) == [stored.key]


@pytest.mark.parametrize("piece", [1, 7, 65536, 1024 * 1024 + 1])
async def test_one_byte_over_the_limit_is_refused_and_nothing_stays(tmp_path: Path, piece: int) -> None:
    storage = LocalStorage(tmp_path)
    data = mp4(2 * 1024 * 1024 + 1)
    with pytest.raises(MediaError) as refused:
        await stream_to_storage(
            _pieces(data, piece), storage, limit=len(data) - 1, too_large=_too_large, sniff=sniff_video
        )
    assert refused.value.status == 413
    assert files_in(tmp_path) == []


async def test_wrong_type_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    with pytest.raises(MediaError) as refused:
        await stream_to_storage(
            _pieces(image("PNG"), 10), storage, limit=10**6, too_large=_too_large, sniff=sniff_video
        )
    assert refused.value.status == 415
    assert files_in(tmp_path) == []


async def test_an_empty_body_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="The file is empty"):
        await stream_to_storage(
            _pieces(b"", 10), LocalStorage(tmp_path), limit=10, too_large=_too_large, sniff=sniff_video
        )


async def test_save_image_stores_the_image_with_its_dimensions(sessionmaker, settings, make_user) -> None:
    user = await make_user("mia@example.org", exhibitor=True)
    storage = LocalStorage(settings.media_dir)
    async with sessionmaker() as db, db.begin():
        media = await save_image(
            db,
            storage,
            image("WEBP", (320, 180)),
            original_name="../logo.png",
            company_id=user.company_id,
            user_id=user.id,
            settings=settings,
        )
    assert (media.kind, media.content_type, media.width, media.height) == ("image", "image/webp", 320, 180)
    assert media.original_name == "logo.png"
    assert media.key != "logo.png"
    assert (Path(settings.media_dir) / media.key).read_bytes() == image("WEBP", (320, 180))


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (mp4(1000), 415, "This file is not a PNG, JPEG or WebP image."),
        (png_claiming(8000, 6000), 413, "The image is too large: at most 40 million pixels."),
        (png_claiming(100_000, 100_000), 413, "The image is too large: at most 40 million pixels."),
        (image("PNG")[:60], 400, "The image is damaged or incomplete."),
        (b"", 400, "The file is empty."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (8 * 1024 * 1024), 413, "The image is larger than 8 MB."),
    ],
)
async def test_save_image_refuses_with_a_reason_and_stores_nothing(
    sessionmaker, settings, make_user, data: bytes, status: int, message: str
) -> None:
    user = await make_user("mia@example.org", exhibitor=True)
    async with sessionmaker() as db, db.begin():
        with pytest.raises(MediaError) as refused:
            await save_image(
                db,
                LocalStorage(settings.media_dir),
                data,
                original_name="x.png",
                company_id=user.company_id,
                user_id=user.id,
                settings=settings,
            )
    assert (refused.value.status, refused.value.message) == (status, message)
    assert files_in(settings.media_dir) == []
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(MediaFile)) == 0


async def test_save_image_respects_the_company_quota(sessionmaker, settings, make_user) -> None:
    user = await make_user("mia@example.org", exhibitor=True)
    small = replace(settings, company_quota_mb=1)
    await store_file(sessionmaker, settings, user.company_id, mp4(1024 * 1024 - 100))
    async with sessionmaker() as db, db.begin():
        with pytest.raises(MediaError) as refused:
            await save_image(
                db,
                LocalStorage(settings.media_dir),
                image("PNG"),
                original_name="x.png",
                company_id=user.company_id,
                user_id=user.id,
                settings=small,
            )
    assert refused.value.status == 413
    assert refused.value.message == (
        "This file does not fit in your company's storage (0 MB left of 1 MB). "
        "Delete a file you no longer need first."
    )
