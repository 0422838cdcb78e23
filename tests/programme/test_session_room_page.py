"""The session page around its live room: the stream while live (and the page's policies opened to that
player only), a countdown before, the replay after, the room for logged-in visitors and a way in for
the others."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Session
from emicronora.web.middleware import CONTENT_SECURITY_POLICY
from tests.conftest import login

STRINGS = re.compile(r"data-strings='([^']*)'")


async def set_session(
    sessionmaker: async_sessionmaker[AsyncSession], session_id: int, *, starts_in: timedelta, **values: Any
) -> None:
    starts_at = datetime.now(UTC) + starts_in
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session)
            .where(Session.id == session_id)
            .values(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), **values)
        )


async def test_live_session_embeds_its_stream_and_opens_frame_src_to_that_player_only(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await set_session(
        sessionmaker, welding, starts_in=timedelta(minutes=-10), stream_url="https://youtu.be/dQw4w9WgXcQ"
    )
    page = await client.get(f"/sessions/{welding}")
    assert page.status_code == 200
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in page.text
    assert 'allow="autoplay; encrypted-media; fullscreen; picture-in-picture"' in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY.replace(
        "frame-src 'none'", "frame-src https://www.youtube-nocookie.com"
    )
    assert page.headers["permissions-policy"] == "camera=(), microphone=(), geolocation=()"
    # The other pages keep frames shut.
    other = await client.get(f"/sessions/{programme['pitch'].id}")
    assert other.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "<iframe" not in other.text


async def test_live_jitsi_room_gets_camera_and_microphone_for_its_origin_only(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await set_session(
        sessionmaker,
        welding,
        starts_in=timedelta(minutes=-10),
        stream_url="https://meet.jit.si/Micronora-Laser",
    )
    page = await client.get(f"/sessions/{welding}")
    assert '<iframe src="https://meet.jit.si/Micronora-Laser"' in page.text
    assert 'allow="camera; microphone; fullscreen; display-capture"' in page.text
    assert "frame-src https://meet.jit.si;" in page.headers["content-security-policy"]
    assert 'camera=("https://meet.jit.si")' in page.headers["permissions-policy"]
    assert 'microphone=("https://meet.jit.si")' in page.headers["permissions-policy"]


async def test_a_stored_address_no_longer_accepted_is_not_embedded(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await set_session(
        sessionmaker, welding, starts_in=timedelta(minutes=-10), stream_url="https://evil.example/x"
    )
    page = await client.get(f"/sessions/{welding}")
    assert page.status_code == 200
    assert "<iframe" not in page.text and "evil.example" not in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_logged_in_visitor_gets_the_room_panel_with_translated_strings(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[Any]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await set_session(sessionmaker, welding, starts_in=timedelta(minutes=-10))
    anonymous = await client.get(f"/sessions/{welding}")
    assert f'href="/login?next=/sessions/{welding}" data-testid="room-login"' in anonymous.text
    assert 'id="room"' not in anonymous.text and "room.js" not in anonymous.text
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    client.cookies.set("em_lang", "en")
    page = await client.get(f"/sessions/{welding}")
    assert f'data-room="{welding}" data-state="live"' in page.text
    assert '<script type="module" src="/static/js/room.js"></script>' in page.text
    assert "<noscript>" in page.text
    strings = json.loads(STRINGS.search(page.text).group(1))
    assert strings["reconnecting"] == "Reconnecting…"
    assert strings["presence"] == "In the room: {n}"
    assert all(isinstance(value, str) and value for value in strings.values())


async def test_upcoming_session_shows_a_countdown_and_the_room(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[Any]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await set_session(
        sessionmaker, welding, starts_in=timedelta(hours=2), stream_url="https://youtu.be/dQw4w9WgXcQ"
    )
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    page = await client.get(f"/sessions/{welding}")
    assert "data-countdown-target" in page.text
    assert '<script type="module" src="/static/js/countdown.js"></script>' in page.text
    assert 'data-state="upcoming"' in page.text
    # The stream is shown once the session is live, not before.
    assert "<iframe" not in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_ended_session_links_and_embeds_its_replay_and_keeps_the_room_readable(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[Any]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding, pitch = programme["welding"].id, programme["pitch"].id
    await set_session(
        sessionmaker,
        welding,
        starts_in=timedelta(hours=-3),
        stream_url="https://youtu.be/dQw4w9WgXcQ",
        replay_url="https://vimeo.com/76979871",
    )
    await set_session(
        sessionmaker, pitch, starts_in=timedelta(hours=-3), replay_url="https://replays.example.org/pitch.mp4"
    )
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    page = await client.get(f"/sessions/{welding}")
    assert '<a class="button" href="https://vimeo.com/76979871" rel="noopener" target="_blank"' in page.text
    assert '<iframe src="https://player.vimeo.com/video/76979871?dnt=1"' in page.text
    assert "youtube" not in page.text
    assert "frame-src https://player.vimeo.com;" in page.headers["content-security-policy"]
    assert 'data-state="ended"' in page.text
    # Any https address is a replay link; only a provider's is embedded.
    plain = await client.get(f"/sessions/{pitch}")
    assert 'href="https://replays.example.org/pitch.mp4"' in plain.text
    assert "<iframe" not in plain.text
    assert plain.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


async def test_cancelled_session_has_no_room(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[Any]],
) -> None:
    programme = await make_programme()
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    page = await client.get(f"/sessions/{programme['tomography'].id}")
    assert 'id="room"' not in page.text and "live-layout" not in page.text


async def test_a_meeting_room_given_as_replay_is_linked_not_embedded(
    client: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await set_session(
        sessionmaker, welding, starts_in=timedelta(hours=-3), replay_url="https://meet.jit.si/Micronora-Laser"
    )
    page = await client.get(f"/sessions/{welding}")
    assert 'href="https://meet.jit.si/Micronora-Laser"' in page.text
    assert "<iframe" not in page.text
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
