"""Video links: the three video providers' addresses give their privacy-friendly player (and YouTube its
still); a meeting room or any other host is refused with a message for the exhibitor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emicronora.forms import Form
from emicronora.i18n import current_locale
from emicronora.live.embeds import EmbedError, video_embed, youtube_thumbnail
from emicronora.models import Video
from emicronora.videos.forms import VideoFields, read_fields


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.mark.parametrize(
    ("url", "provider", "still"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"),
        ("https://vimeo.com/76979871", "vimeo", None),
        ("https://www.dailymotion.com/video/x7tgad0", "dailymotion", None),
    ],
)  # fmt: skip
def test_video_embed_takes_the_three_video_providers(url: str, provider: str, still: str | None) -> None:
    embed = video_embed(url)
    assert embed.provider == provider
    assert youtube_thumbnail(embed) == still


@pytest.mark.parametrize(
    "url",
    [
        "https://meet.jit.si/eMicronora-Laser-2020",  # a meeting room is no recorded video
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",
        'https://www.youtube.com/watch?v=dQw4w9WgX"Q',
        "javascript:alert(1)",
        "https://exhibitor.example/video.mp4",
    ],
)
def test_video_embed_refuses_other_addresses(url: str) -> None:
    with pytest.raises(EmbedError) as refused:
        video_embed(url)
    assert refused.value.message == "Use a YouTube, Vimeo or Dailymotion address."


def test_read_fields_keeps_the_address_as_given_and_the_still() -> None:
    form = Form(values={"title": " Démo ", "kind": "link", "provider_url": " https://youtu.be/dQw4w9WgXcQ "})
    assert read_fields(form, [1]) == VideoFields(
        title="Démo",
        description="",
        theme_id=None,
        source="youtube",
        provider_url="https://youtu.be/dQw4w9WgXcQ",
        poster_url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg",
    )


def test_read_fields_keeps_the_kind_of_an_existing_video() -> None:
    upload = Video(source="upload")
    form = Form(values={"title": "Démo", "kind": "link", "provider_url": "https://evil.example/"})
    fields = read_fields(form, [], current=upload)
    assert fields is not None and (fields.source, fields.provider_url) == ("upload", "")
