"""The public channel: published videos newest first, filtered by theme, in pages; a video's page with its
player, its company, its view count, and the policies that let exactly its player in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from emicronora.models import Company, Video
from emicronora.videos.views.posters import allow_image_origin
from emicronora.web.middleware import CONTENT_SECURITY_POLICY
from tests.media.samples import image, mp4
from tests.videos.factories import People, act_as, add_video, store_file

START = datetime(2020, 9, 22, 9, tzinfo=UTC)
CARD_TITLE = re.compile(r'<a href="/videos/(\d+)" class="video-card-link">')


def card_ids(page: httpx.Response) -> list[int]:
    return [int(found) for found in CARD_TITLE.findall(page.text)]


async def _published(sessionmaker, people: People, settings, minutes: int, **kwargs) -> Video:
    media = await store_file(sessionmaker, settings, people.company_id, mp4(500))
    return await add_video(
        sessionmaker,
        people.company_id,
        media=media,
        published=True,
        published_at=START + timedelta(minutes=minutes),
        **kwargs,
    )


async def test_the_gallery_shows_published_videos_newest_first(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    old = await _published(sessionmaker, people, settings, 0, title="Ancienne")
    new = await _published(sessionmaker, people, settings, 60, title="Récente")
    middle = await _published(sessionmaker, people, settings, 30, title="Entre les deux")
    await add_video(sessionmaker, people.company_id, title="Brouillon")
    # Published, but its file is gone: nothing to play, so not listed.
    await add_video(sessionmaker, people.company_id, title="Sans fichier", published=True)
    page = await client.get("/videos")
    assert page.status_code == 200
    assert card_ids(page) == [new.id, middle.id, old.id]
    assert "Brouillon" not in page.text and "Sans fichier" not in page.text


async def test_the_gallery_filters_by_theme(
    client: httpx.AsyncClient, people: People, sessionmaker, settings, make_programme
) -> None:
    laser, metrology = (await make_programme())["themes"]
    on_laser = await _published(sessionmaker, people, settings, 0, theme_id=laser.id)
    on_metrology = await _published(sessionmaker, people, settings, 1, theme_id=metrology.id)
    no_theme = await _published(sessionmaker, people, settings, 2)
    assert card_ids(await client.get("/videos?theme=laser")) == [on_laser.id]
    assert card_ids(await client.get("/videos?theme=metrology")) == [on_metrology.id]
    assert card_ids(await client.get("/videos")) == [no_theme.id, on_metrology.id, on_laser.id]
    assert (await client.get("/videos?theme=unknown")).status_code == 404


async def test_the_gallery_is_paginated(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    made = [await _published(sessionmaker, people, settings, minute) for minute in range(14)]
    newest_first = [video.id for video in reversed(made)]
    first = await client.get("/videos")
    second = await client.get("/videos?page=2")
    assert card_ids(first) == newest_first[:12]
    assert card_ids(second) == newest_first[12:]
    assert 'rel="next" href="/videos?page=2"' in first.text
    assert 'rel="prev" href="/videos"' in second.text
    # A page past the last one is a broken link.
    assert (await client.get("/videos?page=3")).status_code == 404


@pytest.mark.parametrize("page", ["²", "-1", "0", "abc", "99999999999999999999"])
async def test_the_gallery_answers_404_for_a_page_that_cannot_exist(
    client: httpx.AsyncClient, page: str
) -> None:
    assert (await client.get("/videos", params={"page": page})).status_code == 404


async def test_each_view_of_a_published_video_is_counted(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await _published(sessionmaker, people, settings, 0, views=41)
    client.cookies.set("em_lang", "en")
    first = await client.get(f"/videos/{video.id}")
    # The page shows the count with its own view in it.
    assert '<span data-testid="views">42 views</span>' in first.text
    await act_as(client, "visitor")
    await client.get(f"/videos/{video.id}")
    # The company's own previews are not views.
    await act_as(client, "member")
    await client.get(f"/videos/{video.id}")
    async with sessionmaker() as db:
        assert (await db.get(Video, video.id)).views == 43


async def test_the_video_page_plays_the_upload_with_seeking(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    media = await store_file(sessionmaker, settings, people.company_id, mp4(500))
    poster = await store_file(
        sessionmaker, settings, people.company_id, image(), kind="image", content_type="image/png"
    )
    video = await add_video(sessionmaker, people.company_id, media=media, poster=poster, published=True)
    await act_as(client, "visitor")
    page = await client.get(f"/videos/{video.id}")
    assert (
        f'<video controls preload="metadata" src="/media/{media.key}" poster="/media/{poster.key}">'
        in page.text
    )
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert (
        '<a href="/exhibitors/laser-precision" data-testid="company-link">Laser Précision SA</a>' in page.text
    )


async def test_an_unapproved_showroom_is_not_linked(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    async with sessionmaker() as db, db.begin():
        company = await db.get(Company, people.company_id)
        company.is_approved = False
    video = await _published(sessionmaker, people, settings, 0)
    page = await client.get(f"/videos/{video.id}")
    assert "/exhibitors/laser-precision" not in page.text
    assert "Laser Précision SA" in page.text


@pytest.mark.parametrize(
    ("url", "source", "src", "origin"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com"),
        ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1",
         "https://player.vimeo.com"),
        ("https://dai.ly/x7tgad0", "dailymotion", "https://www.dailymotion.com/embed/video/x7tgad0",
         "https://www.dailymotion.com"),
    ],
)  # fmt: skip
async def test_a_provider_video_is_embedded_with_its_origin_only_in_frame_src(
    client: httpx.AsyncClient, people: People, sessionmaker, url: str, source: str, src: str, origin: str
) -> None:
    video = await add_video(sessionmaker, people.company_id, source=source, provider_url=url, published=True)
    page = await client.get(f"/videos/{video.id}")
    assert f'<iframe src="{src}"' in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY.replace(
        "frame-src 'none'", f"frame-src {origin}"
    )


async def test_youtube_stills_widen_img_src_only_where_shown(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    still = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
    await add_video(sessionmaker, people.company_id, source="youtube", provider_url="https://youtu.be/dQw4w9WgXcQ",
                    poster_url=still, published=True, published_at=START)  # fmt: skip
    with_still = await client.get("/videos")
    assert f'src="{still}"' in with_still.text and 'referrerpolicy="no-referrer"' in with_still.text
    assert with_still.headers["content-security-policy"] == allow_image_origin(
        CONTENT_SECURITY_POLICY, "https://i.ytimg.com"
    )
    assert "img-src 'self' data: https://i.ytimg.com;" in with_still.headers["content-security-policy"]
    # A stored poster address from anywhere else is never shown.
    async with sessionmaker() as db, db.begin():
        video = await db.scalar(select(Video))
        video.poster_url = "https://tracker.example/pixel.gif"
    without = await client.get("/videos")
    assert "tracker.example" not in without.text
    assert without.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_allow_image_origin_adds_to_img_src_only() -> None:
    assert allow_image_origin(
        "default-src 'self'; img-src 'self'; frame-src 'none'", "https://i.ytimg.com"
    ) == ("default-src 'self'; img-src 'self' https://i.ytimg.com; frame-src 'none'")
    assert allow_image_origin("default-src 'self'", "https://i.ytimg.com") == (
        "default-src 'self'; img-src 'self' https://i.ytimg.com"
    )
