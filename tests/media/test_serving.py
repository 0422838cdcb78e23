"""GET /media/<key>: the recorded type with nosniff and a sandboxing policy, byte ranges for seeking, and a
draft video's files for its company and the organisers only."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from emicronora.media.views import MEDIA_POLICY
from emicronora.models import Video
from tests.media.samples import image, mp4
from tests.videos.factories import ACTORS, People, act_as, add_video, store_file

SIZE = 1000


@pytest.fixture
async def public_file(people: People, sessionmaker, settings):
    data = mp4(SIZE)
    media = await store_file(sessionmaker, settings, people.company_id, data)
    await add_video(sessionmaker, people.company_id, media=media, published=True)
    return media, data


async def test_a_published_video_file_is_served_with_safe_headers(
    client: httpx.AsyncClient, public_file
) -> None:
    media, data = public_file
    response = await client.get(f"/media/{media.key}")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["content-length"] == str(SIZE)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; media-src 'self'; img-src 'self'; sandbox"
    )
    assert response.headers["content-security-policy"] == MEDIA_POLICY
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    ("header", "content_range", "start", "stop"),
    [
        ("bytes=0-", "bytes 0-999/1000", 0, 1000),
        ("bytes=100-199", "bytes 100-199/1000", 100, 200),
        ("bytes=-500", "bytes 500-999/1000", 500, 1000),
        ("bytes=990-5000", "bytes 990-999/1000", 990, 1000),
        ("bytes=0-0", "bytes 0-0/1000", 0, 1),
    ],
)
async def test_a_range_is_answered_206_with_exactly_its_bytes(
    client: httpx.AsyncClient, public_file, header: str, content_range: str, start: int, stop: int
) -> None:
    media, data = public_file
    response = await client.get(f"/media/{media.key}", headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == content_range
    assert response.headers["content-length"] == str(stop - start)
    assert response.content == data[start:stop]


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=2000-3000", "bytes=-0"])
async def test_an_unsatisfiable_range_is_416_with_the_size(
    client: httpx.AsyncClient, public_file, header: str
) -> None:
    media, _data = public_file
    response = await client.get(f"/media/{media.key}", headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["content-range"] == "bytes */1000"
    assert response.content == b""


async def test_several_ranges_or_a_stale_if_range_get_the_whole_file(
    client: httpx.AsyncClient, public_file
) -> None:
    media, data = public_file
    several = await client.get(f"/media/{media.key}", headers={"Range": "bytes=0-1,5-6"})
    stale = await client.get(f"/media/{media.key}", headers={"Range": "bytes=0-1", "If-Range": '"other"'})
    fresh = await client.get(
        f"/media/{media.key}", headers={"Range": "bytes=0-1", "If-Range": f'"{media.key}"'}
    )
    assert (several.status_code, several.content) == (200, data)
    assert (stale.status_code, stale.content) == (200, data)
    assert (fresh.status_code, fresh.content) == (206, data[:2])


async def test_a_cached_copy_is_confirmed_with_304(client: httpx.AsyncClient, public_file) -> None:
    media, _data = public_file
    first = await client.get(f"/media/{media.key}")
    again = await client.get(f"/media/{media.key}", headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == f'"{media.key}"'


async def test_head_gives_the_headers_without_the_body(client: httpx.AsyncClient, public_file) -> None:
    media, _data = public_file
    response = await client.head(f"/media/{media.key}", headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.headers["content-range"] == "bytes 10-19/1000"
    assert response.content == b""


async def test_an_image_is_served_with_its_type(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
):
    data = image("PNG")
    media = await store_file(
        sessionmaker, settings, people.company_id, data, kind="image", content_type="image/png"
    )
    response = await client.get(f"/media/{media.key}")
    assert (response.status_code, response.headers["content-type"], response.content) == (
        200,
        "image/png",
        data,
    )


@pytest.mark.parametrize("key", ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "..%2F..%2Fsecret", "short", "a.part"])
async def test_unknown_or_malformed_keys_are_404(client: httpx.AsyncClient, key: str) -> None:
    assert (await client.get(f"/media/{key}")).status_code == 404


async def test_a_file_missing_from_storage_is_404(client: httpx.AsyncClient, public_file, settings) -> None:
    media, _data = public_file
    (Path(settings.media_dir) / media.key).unlink()
    assert (await client.get(f"/media/{media.key}")).status_code == 404


DRAFT_ACCESS = {"anonymous": 404, "visitor": 404, "other": 404, "member": 200, "organiser": 200}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("part", ["file", "poster"])
async def test_a_draft_videos_files_are_for_its_company_and_the_organisers(
    client: httpx.AsyncClient, people: People, sessionmaker, settings, actor: str, part: str
) -> None:
    video_file = await store_file(sessionmaker, settings, people.company_id, mp4(SIZE))
    poster = await store_file(
        sessionmaker, settings, people.company_id, image("PNG"), kind="image", content_type="image/png"
    )
    await add_video(sessionmaker, people.company_id, media=video_file, poster=poster, published=False)
    await act_as(client, actor)
    key = video_file.key if part == "file" else poster.key
    response = await client.get(f"/media/{key}", headers={"Range": "bytes=0-9"})
    expected = DRAFT_ACCESS[actor]
    assert response.status_code == (206 if expected == 200 else 404)
    if expected == 200:
        # Never kept by a shared cache: the draft is not public.
        assert response.headers["cache-control"] == "private, no-cache"


async def test_publishing_makes_the_file_public(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video_file = await store_file(sessionmaker, settings, people.company_id, mp4(SIZE))
    video = await add_video(sessionmaker, people.company_id, media=video_file, published=False)
    assert (await client.get(f"/media/{video_file.key}")).status_code == 404
    async with sessionmaker() as db, db.begin():
        (await db.get(Video, video.id)).is_published = True
    assert (await client.get(f"/media/{video_file.key}")).status_code == 200
