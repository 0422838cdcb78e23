"""Stream addresses: each provider's address forms give its privacy-friendly embed; everything else is
refused with a message; the page's policies open to the embedded origin only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emicronora.i18n import current_locale
from emicronora.live.embeds import (
    EmbedError,
    embed_or_none,
    frame_policy,
    permissions_policy,
    replay_link,
    stream_embed,
)
from emicronora.settings import Settings, SettingsError
from emicronora.web.middleware import CONTENT_SECURITY_POLICY

SECRET = {"EMICRONORA_SECRET_KEY": "s" * 40}
NOCOOKIE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.mark.parametrize(
    ("url", "provider", "src", "origin"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", NOCOOKIE, "https://www.youtube-nocookie.com"),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s", "youtube", NOCOOKIE, "https://www.youtube-nocookie.com"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", NOCOOKIE, "https://www.youtube-nocookie.com"),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", "youtube", NOCOOKIE, "https://www.youtube-nocookie.com"),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", "youtube", NOCOOKIE, "https://www.youtube-nocookie.com"),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", "youtube", NOCOOKIE, "https://www.youtube-nocookie.com"),
        ("  https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ  ", "youtube", NOCOOKIE,
         "https://www.youtube-nocookie.com"),
        ("https://vimeo.com/76979871", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1",
         "https://player.vimeo.com"),
        ("https://player.vimeo.com/video/76979871", "vimeo", "https://player.vimeo.com/video/76979871?dnt=1",
         "https://player.vimeo.com"),
        ("https://vimeo.com/76979871/8a3d2e1f0b", "vimeo",
         "https://player.vimeo.com/video/76979871?h=8a3d2e1f0b&dnt=1", "https://player.vimeo.com"),
        ("https://www.dailymotion.com/video/x7tgad0", "dailymotion",
         "https://www.dailymotion.com/embed/video/x7tgad0", "https://www.dailymotion.com"),
        ("https://dai.ly/x7tgad0", "dailymotion", "https://www.dailymotion.com/embed/video/x7tgad0",
         "https://www.dailymotion.com"),
        ("https://meet.jit.si/eMicronora-Laser-2020", "jitsi", "https://meet.jit.si/eMicronora-Laser-2020",
         "https://meet.jit.si"),
        ("https://meet.jit.si/eMicronora-Laser-2020#config.startWithAudioMuted=true", "jitsi",
         "https://meet.jit.si/eMicronora-Laser-2020", "https://meet.jit.si"),
    ],
)  # fmt: skip
def test_stream_embed_gives_each_providers_privacy_friendly_player(
    url: str, provider: str, src: str, origin: str
) -> None:
    embed = stream_embed(url)
    assert (embed.provider, embed.src, embed.origin) == (provider, src, origin)


@pytest.mark.parametrize(
    "url",
    [
        "http://www.youtube.com/watch?v=dQw4w9WgXcQ",  # not https
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com@evil.example/watch?v=dQw4w9WgXcQ",  # a user name hides the real host
        "https://evil.example\\@www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=aaaaaaaaaaa",
        'https://www.youtube.com/embed/dQw4w9WgX"Q',
        "https://www.youtube.com/embed/dQw4w9WgXcQ/../../x",
        "https://youtu.be/dQw4w9WgX%22",
        "https://www.youtube.com/channel/UC123",
        "https://vimeo.com/event/123456",
        "https://vimeo.com/76979871/<script>",
        "https://player.vimeo.com/video/abc",
        "https://www.dailymotion.com/video/x7t<g",
        "https://www.dailymotion.com/playlist/x6hynp",
        "https://meet.jit.si/",
        "https://meet.jit.si/room/with/slashes",
        "https://meet.jit.si/room%20name",
        "https://jitsi.example.org/Salle",  # not an allowed Jitsi host
        "",
        "https://" + "a" * 600,
    ],
)
def test_stream_embed_refuses_anything_else_with_a_clear_message(url: str) -> None:
    with pytest.raises(EmbedError) as refused:
        stream_embed(url)
    assert refused.value.message in (
        "Use a YouTube, Vimeo, Dailymotion or Jitsi address.",
        "At most 500 characters.",
    )
    assert embed_or_none(url, ("meet.jit.si",)) is None


def test_stream_embed_allows_the_jitsi_hosts_of_the_settings_only() -> None:
    hosts = ("meet.jit.si", "visio.e-micronora.example")
    embed = stream_embed("https://visio.e-micronora.example/Salle-B2B", hosts)
    assert (embed.provider, embed.src, embed.origin) == (
        "jitsi",
        "https://visio.e-micronora.example/Salle-B2B",
        "https://visio.e-micronora.example",
    )
    with pytest.raises(EmbedError):
        stream_embed("https://meet.jit.si/Salle", ("visio.e-micronora.example",))


def test_jitsi_hosts_setting_is_a_comma_list_of_host_names() -> None:
    assert Settings.from_env(SECRET).jitsi_hosts == ("meet.jit.si",)
    custom = Settings.from_env({**SECRET, "EMICRONORA_JITSI_HOSTS": "meet.jit.si, Visio.Example.org ,"})
    assert custom.jitsi_hosts == ("meet.jit.si", "visio.example.org")
    assert Settings.from_env({**SECRET, "EMICRONORA_JITSI_HOSTS": ""}).jitsi_hosts == ()
    with pytest.raises(SettingsError, match="EMICRONORA_JITSI_HOSTS must be a comma-separated list"):
        Settings.from_env({**SECRET, "EMICRONORA_JITSI_HOSTS": "https://meet.jit.si/"})


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://replays.e-micronora.example/2020/laser.mp4",
        "https://example.org/a?b=c&d=e#f",
    ],
)
def test_replay_link_takes_any_https_address(url: str) -> None:
    assert replay_link(f" {url} ") == url


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/replay",
        "javascript:alert(1)",
        "https://localhost/replay",
        "https://user@example.org/replay",
        'https://example.org/"onmouseover="alert(1)',
        "https://example.org/a b",
        "replay.example.org",
    ],
)
def test_replay_link_refuses_what_is_not_a_plain_https_address(url: str) -> None:
    with pytest.raises(EmbedError) as refused:
        replay_link(url)
    assert refused.value.message == "Enter a full address starting with https://."


def test_frame_policy_opens_frame_src_to_the_embedded_origin_only() -> None:
    embed = stream_embed("https://vimeo.com/76979871")
    policy = frame_policy(CONTENT_SECURITY_POLICY, embed)
    assert "frame-src 'none'" not in policy
    assert policy == CONTENT_SECURITY_POLICY.replace("frame-src 'none'", "frame-src https://player.vimeo.com")


def test_only_jitsi_gets_camera_and_microphone() -> None:
    jitsi = stream_embed("https://meet.jit.si/Salle")
    assert jitsi.allow == "camera; microphone; fullscreen; display-capture"
    assert permissions_policy(jitsi) == (
        'camera=("https://meet.jit.si"), microphone=("https://meet.jit.si"), '
        'display-capture=("https://meet.jit.si"), fullscreen=("https://meet.jit.si"), geolocation=()'
    )
    youtube = stream_embed("https://youtu.be/dQw4w9WgXcQ")
    assert "camera" not in youtube.allow
    assert permissions_policy(youtube) is None
