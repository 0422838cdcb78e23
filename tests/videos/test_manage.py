"""The exhibitor's side: creating a video (a file or a link), editing it, the poster, publishing and
deleting, each with the message the exhibitor sees."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from emicronora.models import MediaFile, Video
from tests.conftest import csrf_token, post_form
from tests.media.samples import image, mp4
from tests.videos.factories import People, act_as, add_video, files_in, put_file, store_file


async def videos(sessionmaker) -> list[Video]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(Video).order_by(Video.id))).all())


async def reload(sessionmaker, video_id: int) -> Video:
    async with sessionmaker() as db:
        video = await db.get(Video, video_id)
        assert video is not None
        return video


async def test_an_upload_video_is_created_as_a_draft_then_gets_its_file(
    client: httpx.AsyncClient, people: People, sessionmaker, make_programme
) -> None:
    programme = await make_programme()
    laser = programme["themes"][0]
    await act_as(client, "member")
    page = await client.get("/exhibitor-area/videos/new")
    assert page.status_code == 200
    response = await post_form(
        client,
        "/exhibitor-area/videos/new",
        {
            "title": "Soudage laser",
            "description": "Boîtiers titane.",
            "theme_id": str(laser.id),
            "kind": "upload",
        },
        token_from="/exhibitor-area/videos/new",
    )
    assert response.status_code == 303
    [video] = await videos(sessionmaker)
    assert response.headers["location"] == f"/exhibitor-area/videos/{video.id}/upload?done=created"
    assert (video.company_id, video.title, video.theme_id, video.source) == (
        people.company_id,
        "Soudage laser",
        laser.id,
        "upload",
    )
    assert (video.is_published, video.published_at, video.media_id) == (False, None, None)
    upload_page = await client.get(response.headers["location"])
    assert "data-upload" in upload_page.text
    assert '<script type="module" src="/static/js/upload.js"></script>' in upload_page.text
    assert "<script>" not in upload_page.text
    assert (await put_file(client, video.id, mp4(5000))).status_code == 201
    assert (await reload(sessionmaker, video.id)).media_id is not None


async def test_a_link_video_keeps_the_address_and_youtubes_still(
    client: httpx.AsyncClient, people: People, sessionmaker
) -> None:
    await act_as(client, "member")
    response = await post_form(
        client,
        "/exhibitor-area/videos/new",
        {"title": "Métrologie 3D", "kind": "link", "provider_url": " https://youtu.be/dQw4w9WgXcQ "},
        token_from="/exhibitor-area/videos/new",
    )
    assert response.status_code == 303
    [video] = await videos(sessionmaker)
    assert response.headers["location"] == f"/exhibitor-area/videos/{video.id}/edit?done=created"
    assert (video.source, video.provider_url, video.poster_url) == (
        "youtube",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://evil.example/watch?v=dQw4w9WgXcQ", "Use a YouTube, Vimeo or Dailymotion address."),
        ("https://meet.jit.si/eMicronora", "Use a YouTube, Vimeo or Dailymotion address."),
        ("javascript:alert(1)", "Use a YouTube, Vimeo or Dailymotion address."),
        ("", "Paste the address of the video on YouTube, Vimeo or Dailymotion."),
        ("https://vimeo.com/" + "1" * 600, "At most 500 characters."),
    ],
)
async def test_a_bad_link_is_refused_next_to_its_field(
    client: httpx.AsyncClient, people: People, sessionmaker, url: str, message: str
) -> None:
    await act_as(client, "member")
    response = await post_form(
        client,
        "/exhibitor-area/videos/new",
        {"title": "Métrologie", "kind": "link", "provider_url": url},
        token_from="/exhibitor-area/videos/new",
    )
    assert response.status_code == 400
    assert f'<p class="error" id="e-provider_url">{message}</p>' in response.text
    assert await videos(sessionmaker) == []


async def test_title_and_kind_are_checked(client: httpx.AsyncClient, people: People, sessionmaker) -> None:
    await act_as(client, "member")
    response = await post_form(
        client,
        "/exhibitor-area/videos/new",
        {"title": "x" * 201, "kind": "other", "theme_id": "999"},
        token_from="/exhibitor-area/videos/new",
    )
    assert response.status_code == 400
    assert '<p class="error" id="e-title">At most 200 characters.</p>' in response.text
    assert '<p class="error" id="e-theme_id">Choose one of the options.</p>' in response.text
    assert "Choose one of the options." in response.text
    assert await videos(sessionmaker) == []


async def test_editing_changes_the_fields_but_not_the_kind(
    client: httpx.AsyncClient, people: People, sessionmaker
) -> None:
    video = await add_video(
        sessionmaker, people.company_id, source="youtube", provider_url="https://youtu.be/dQw4w9WgXcQ"
    )
    await act_as(client, "member")
    path = f"/exhibitor-area/videos/{video.id}/edit"
    response = await post_form(
        client,
        path,
        {"title": "Nouveau titre", "provider_url": "https://vimeo.com/76979871", "kind": "upload"},
        token_from=path,
    )
    assert response.status_code == 303
    edited = await reload(sessionmaker, video.id)
    assert (edited.title, edited.source, edited.provider_url, edited.poster_url) == (
        "Nouveau titre",
        "vimeo",
        "https://vimeo.com/76979871",
        "",
    )


async def test_publishing_needs_the_file_and_dates_the_first_publication(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await add_video(sessionmaker, people.company_id)
    await act_as(client, "member")
    edit = f"/exhibitor-area/videos/{video.id}/edit"
    refused = await post_form(client, f"/exhibitor-area/videos/{video.id}/publish", {}, token_from=edit)
    assert refused.status_code == 400
    assert "Upload the video file before publishing." in refused.text
    assert (await reload(sessionmaker, video.id)).is_published is False
    assert (await put_file(client, video.id, mp4(2000))).status_code == 201
    before = datetime.now(UTC)
    published = await post_form(client, f"/exhibitor-area/videos/{video.id}/publish", {}, token_from=edit)
    assert published.status_code == 303
    assert published.headers["location"] == f"{edit}?done=published"
    first = await reload(sessionmaker, video.id)
    assert first.is_published and first.published_at is not None and first.published_at >= before
    await post_form(client, f"/exhibitor-area/videos/{video.id}/unpublish", {}, token_from=edit)
    assert (await reload(sessionmaker, video.id)).is_published is False
    await post_form(client, f"/exhibitor-area/videos/{video.id}/publish", {}, token_from=edit)
    again = await reload(sessionmaker, video.id)
    assert again.is_published and again.published_at == first.published_at


async def test_a_poster_is_checked_stored_and_replaced(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await add_video(sessionmaker, people.company_id)
    await act_as(client, "member")
    edit = f"/exhibitor-area/videos/{video.id}/edit"
    url = f"/exhibitor-area/videos/{video.id}/poster"
    token = await csrf_token(client, edit)
    bad = await client.post(
        url, data={"csrf_token": token}, files={"poster": ("poster.png", mp4(500), "image/png")}
    )
    assert bad.status_code == 415
    assert '<p class="error" id="e-poster">This file is not a PNG, JPEG or WebP image.</p>' in bad.text
    first = await client.post(
        url, data={"csrf_token": token}, files={"poster": ("a.png", image("PNG"), "image/png")}
    )
    assert first.status_code == 303
    poster_id = (await reload(sessionmaker, video.id)).poster_id
    second = await client.post(
        url, data={"csrf_token": token}, files={"poster": ("b.jpg", image("JPEG"), "image/jpeg")}
    )
    assert second.status_code == 303
    edited = await reload(sessionmaker, video.id)
    assert edited.poster_id is not None and edited.poster_id != poster_id
    async with sessionmaker() as db:
        [poster] = (await db.scalars(select(MediaFile))).all()
    assert (poster.id, poster.content_type, poster.company_id) == (
        edited.poster_id,
        "image/jpeg",
        people.company_id,
    )
    assert files_in(settings.media_dir) == [poster.key]
    page = await client.get(edit)
    assert f'src="/media/{poster.key}"' in page.text
    removed = await post_form(client, f"{url}/remove", {}, token_from=edit)
    assert removed.status_code == 303
    assert (await reload(sessionmaker, video.id)).poster_id is None
    assert files_in(settings.media_dir) == []


async def test_deleting_removes_the_video_its_records_and_its_files(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    media = await store_file(sessionmaker, settings, people.company_id, mp4(1000))
    poster = await store_file(
        sessionmaker, settings, people.company_id, image(), kind="image", content_type="image/png"
    )
    video = await add_video(sessionmaker, people.company_id, media=media, poster=poster, published=True)
    await act_as(client, "member")
    response = await post_form(
        client,
        f"/exhibitor-area/videos/{video.id}/delete",
        {},
        token_from=f"/exhibitor-area/videos/{video.id}/edit",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitor-area/videos?done=deleted"
    assert await videos(sessionmaker) == []
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(MediaFile)) == 0
    assert files_in(settings.media_dir) == []
    listing = await client.get(response.headers["location"])
    assert "The video has been deleted." in listing.text


async def test_the_list_shows_the_companys_videos_only(
    client: httpx.AsyncClient, people: People, sessionmaker
) -> None:
    mine = await add_video(sessionmaker, people.company_id, title="Notre vidéo")
    theirs = await add_video(sessionmaker, people.other.company_id, title="Leur vidéo")
    await act_as(client, "member")
    page = await client.get("/exhibitor-area/videos")
    assert page.status_code == 200
    assert f'data-testid="video-{mine.id}"' in page.text
    assert f'data-testid="video-{theirs.id}"' not in page.text
    assert "Leur vidéo" not in page.text
