"""PUT /exhibitor-area/videos/<id>/file: the raw body streams to storage under a random name, within the
size cap (checked while it streams), the company quota and the MP4/WebM types, and never whole in memory."""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from emicronora.models import MediaFile, Video
from tests.media.samples import WEBM_HEAD, image, mp4, webm
from tests.videos.factories import People, act_as, add_video, chunks, files_in, put_file, store_file

MIB = 1024 * 1024


def stored_files(settings) -> list[str]:
    return files_in(settings.media_dir)


async def media_rows(sessionmaker) -> list[MediaFile]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(MediaFile).order_by(MediaFile.id))).all())


async def video_row(sessionmaker, video_id: int) -> Video:
    async with sessionmaker() as db:
        video = await db.get(Video, video_id)
        assert video is not None
        return video


@pytest.fixture
async def draft(people: People, sessionmaker) -> Video:
    return await add_video(sessionmaker, people.company_id)


async def test_an_mp4_is_stored_under_a_random_name_and_attached(
    client: httpx.AsyncClient, draft: Video, sessionmaker, settings
) -> None:
    await act_as(client, "member")
    data = mp4(300_000)
    response = await put_file(client, draft.id, data, name="Pr%C3%A9sentation%20laser.mp4")
    assert response.status_code == 201, response.text
    assert response.json() == {"redirect": f"/exhibitor-area/videos/{draft.id}/edit?done=uploaded"}
    [media] = await media_rows(sessionmaker)
    assert (media.kind, media.content_type, media.size_bytes) == ("video", "video/mp4", len(data))
    assert media.original_name == "Présentation laser.mp4"
    assert stored_files(settings) == [media.key]
    assert (Path(settings.media_dir) / media.key).read_bytes() == data
    assert (await video_row(sessionmaker, draft.id)).media_id == media.id


async def test_a_webm_streamed_without_content_length_is_accepted(
    client: httpx.AsyncClient, draft: Video, sessionmaker
) -> None:
    await act_as(client, "member")
    response = await put_file(
        client, draft.id, chunks(webm(200_000)), name="clip.webm", content_type="video/webm"
    )
    assert response.status_code == 201, response.text
    [media] = await media_rows(sessionmaker)
    assert (media.content_type, media.size_bytes) == ("video/webm", 200_000)


@pytest.mark.parametrize(
    ("body", "name", "claimed"),
    [
        (image("PNG") + b"\x00" * 5000, "innovation.mp4", "video/mp4"),  # a PNG renamed .mp4
        (b"<html><script>alert(1)</script></html>", "page.webm", "video/webm"),
        (WEBM_HEAD.replace(b"webm", b"mkv!") + b"\x00" * 100, "film.webm", "video/webm"),
    ],
)
async def test_anything_but_mp4_or_webm_is_refused_and_nothing_stored(
    client: httpx.AsyncClient, draft: Video, sessionmaker, settings, body: bytes, name: str, claimed: str
) -> None:
    await act_as(client, "member")
    response = await put_file(client, draft.id, body, name=name, content_type=claimed)
    assert response.status_code == 415
    assert response.json()["error"] == (
        "This file is not an MP4 or WebM video. Export it as MP4 (H.264) or WebM and retry."
    )
    assert stored_files(settings) == []
    assert await media_rows(sessionmaker) == []


async def test_one_byte_over_the_cap_is_413_and_the_partial_file_is_removed(
    client_with, people: People, sessionmaker, settings
) -> None:
    client = await client_with(max_video_mb=1)
    video = await add_video(sessionmaker, people.company_id)
    await act_as(client, "member")
    # Without a Content-Length, the cap can only be checked as the bytes arrive.
    response = await put_file(client, video.id, chunks(mp4(MIB + 1), size=100_000))
    assert response.status_code == 413
    assert response.json()["error"] == (
        "The video is larger than 1 MB. Compress it, or publish it on YouTube, Vimeo or Dailymotion and "
        "add its link instead."
    )
    assert stored_files(settings) == []
    assert await media_rows(sessionmaker) == []
    # With a Content-Length, the request is refused before its body is read.
    declared = await put_file(client, video.id, mp4(MIB + 1))
    assert declared.status_code == 413
    assert stored_files(settings) == []
    exact = await put_file(client, video.id, chunks(mp4(MIB), size=100_000))
    assert exact.status_code == 201
    assert len(stored_files(settings)) == 1


async def test_the_company_quota_counts_every_file_of_the_company(
    client_with, people: People, sessionmaker, settings
) -> None:
    client = await client_with(company_quota_mb=1)
    await store_file(sessionmaker, settings, people.company_id, mp4(600_000))
    # Another company's files do not count.
    await store_file(sessionmaker, settings, people.other.company_id, mp4(900_000))
    video = await add_video(sessionmaker, people.company_id)
    await act_as(client, "member")
    before = stored_files(settings)
    response = await put_file(client, video.id, chunks(mp4(500_000)))
    assert response.status_code == 413
    assert response.json()["error"] == (
        "This file does not fit in your company's storage (0 MB left of 1 MB). "
        "Delete a file you no longer need first."
    )
    assert stored_files(settings) == before
    fits = await put_file(client, video.id, chunks(mp4(400_000)))
    assert fits.status_code == 201


async def test_a_new_file_replaces_the_old_one_and_frees_its_space(
    client_with, people: People, sessionmaker, settings
) -> None:
    client = await client_with(company_quota_mb=1)
    video = await add_video(sessionmaker, people.company_id)
    await act_as(client, "member")
    assert (await put_file(client, video.id, mp4(700_000))).status_code == 201
    [first] = await media_rows(sessionmaker)
    # 700 kB + 700 kB exceeds 1 MB, but the first file is replaced, so it fits.
    assert (await put_file(client, video.id, mp4(700_000))).status_code == 201
    [second] = await media_rows(sessionmaker)
    assert second.key != first.key
    assert stored_files(settings) == [second.key]
    assert (await video_row(sessionmaker, video.id)).media_id == second.id


async def test_a_link_video_takes_no_file(client: httpx.AsyncClient, people: People, sessionmaker) -> None:
    video = await add_video(
        sessionmaker, people.company_id, source="youtube", provider_url="https://youtu.be/dQw4w9WgXcQ"
    )
    await act_as(client, "member")
    assert (await put_file(client, video.id, mp4(1000))).status_code == 404


async def test_a_put_without_the_csrf_header_is_refused(client: httpx.AsyncClient, draft: Video) -> None:
    await act_as(client, "member")
    response = await client.put(f"/exhibitor-area/videos/{draft.id}/file", content=mp4(1000))
    assert response.status_code == 403


async def _big_body(total: int, piece: int = MIB) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        size = min(piece, total - sent)
        yield mp4(size) if sent == 0 else os.urandom(16) * (size // 16)
        sent += size


async def test_a_30_mb_upload_streams_without_holding_the_file_in_memory(
    client: httpx.AsyncClient, draft: Video, sessionmaker, settings
) -> None:
    await act_as(client, "member")
    total = 30 * MIB
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = await put_file(client, draft.id, _big_body(total))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 201, response.text
    [media] = await media_rows(sessionmaker)
    assert media.size_bytes == total
    assert (Path(settings.media_dir) / media.key).stat().st_size == total
    # The client's pieces (1 MiB) and the writer's buffer (~1 MiB) are in memory at once, never the file.
    assert peak < 8 * MIB, f"peak traced memory {peak / MIB:.1f} MiB for a {total // MIB} MiB upload"
