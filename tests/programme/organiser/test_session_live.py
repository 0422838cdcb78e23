"""What the organiser sets for a session's live room: the stream and replay addresses (checked, a new stream
is a new place for calendar feeds) and the moderators appointed by e-mail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Session, SessionModerator
from tests.conftest import login, post_form
from tests.organiser.conftest import CANDIDATE, MODERATOR, ORGANISER, programme_state
from tests.programme.organiser.test_sessions import load

REFUSED = "Use a YouTube, Vimeo, Dailymotion or Jitsi address."


def welding_form(programme: dict[str, Any], **changes: str) -> dict[str, str]:
    """The welding session's current values: saving it unchanged changes nothing."""
    welding = programme["welding"]
    return {
        "kind": "webinar",
        "title": welding.title,
        "abstract": welding.abstract,
        "day_id": str(programme["days"][0].id),
        "theme_id": str(programme["themes"][0].id),
        "starts_at": "10:00",
        "ends_at": "11:00",
        "speaker_ids": str(programme["speaker"].id),
        **changes,
    }


async def edit(organiser: httpx.AsyncClient, programme: dict[str, Any], **changes: str) -> httpx.Response:
    url = f"/organiser/sessions/{programme['welding'].id}/edit"
    return await post_form(organiser, url, welding_form(programme, **changes))


async def moderators_of(sessionmaker: async_sessionmaker[AsyncSession], session_id: int) -> set[int]:
    async with sessionmaker() as db:
        query = select(SessionModerator.user_id).where(SessionModerator.session_id == session_id)
        return set(await db.scalars(query))


async def test_session_stream_and_replay_addresses_are_saved_and_shown_in_the_form(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await edit(
        organiser,
        programme,
        stream_url=" https://youtu.be/dQw4w9WgXcQ ",
        replay_url="https://replays.e-micronora.example/laser.mp4",
    )
    assert response.status_code == 303
    saved = await load(sessionmaker, programme["welding"].id)
    assert (saved.stream_url, saved.replay_url) == (
        "https://youtu.be/dQw4w9WgXcQ",
        "https://replays.e-micronora.example/laser.mp4",
    )
    page = await organiser.get(f"/organiser/sessions/{programme['welding'].id}/edit")
    assert 'value="https://youtu.be/dQw4w9WgXcQ"' in page.text
    assert 'value="https://replays.e-micronora.example/laser.mp4"' in page.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("stream_url", "https://evil.example/live", REFUSED),
        ("stream_url", "http://www.youtube.com/watch?v=dQw4w9WgXcQ", REFUSED),
        ("stream_url", "javascript:alert(1)", REFUSED),
        ("stream_url", "https://www.youtube.com/watch?v=" + "a" * 500, "At most 500 characters."),
        ("replay_url", "http://replays.example/laser", "Enter a full address starting with https://."),
        ("replay_url", "javascript:alert(1)", "Enter a full address starting with https://."),
    ],
)  # fmt: skip
async def test_session_form_refuses_bad_addresses_next_to_the_field(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    field: str,
    value: str,
    message: str,
) -> None:
    before = await programme_state(sessionmaker)
    response = await edit(organiser, programme, **{field: value})
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert response.text.count('<p class="error"') == 1
    assert await programme_state(sessionmaker) == before


async def test_session_form_takes_jitsi_rooms_of_the_configured_hosts_only(
    organiser: httpx.AsyncClient,
    make_app: Callable[..., Any],
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    own_server = "https://visio.e-micronora.example/Salle-Laser"
    refused = await edit(organiser, programme, stream_url=own_server)
    assert refused.status_code == 400
    assert "Use a YouTube, Vimeo, Dailymotion or Jitsi address." in refused.text
    app = make_app(jitsi_hosts=("meet.jit.si", "visio.e-micronora.example"))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.cookies.set("em_lang", "en")
            await login(http, ORGANISER)
            assert (await edit(http, programme, stream_url=own_server)).status_code == 303
    assert (await load(sessionmaker, programme["welding"].id)).stream_url == own_server


async def test_session_stream_change_bumps_sequence_and_replay_change_does_not(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    session_id = programme["welding"].id
    assert (await edit(organiser, programme, stream_url="https://vimeo.com/76979871")).status_code == 303
    first = await load(sessionmaker, session_id)
    assert first.sequence == 1
    # Unchanged: nothing moves.
    await edit(organiser, programme, stream_url="https://vimeo.com/76979871")
    assert (await load(sessionmaker, session_id)).sequence == 1
    # The replay is not where the session takes place: modified, same sequence.
    await edit(
        organiser, programme, stream_url="https://vimeo.com/76979871", replay_url="https://vimeo.com/76979872"
    )
    replayed = await load(sessionmaker, session_id)
    assert (replayed.sequence, replayed.replay_url) == (1, "https://vimeo.com/76979872")
    assert replayed.updated_at > first.updated_at
    # Removing the stream is a change of place too.
    await edit(organiser, programme, stream_url="", replay_url="https://vimeo.com/76979872")
    assert (await load(sessionmaker, session_id)).sequence == 2


async def test_session_edit_page_lists_moderators_with_a_remove_button(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    session_id = programme["welding"].id
    page = await organiser.get(f"/organiser/sessions/{session_id}/edit")
    assert 'id="moderators"' in page.text
    assert f'Mona Moderator <span class="help">{MODERATOR}</span>' in page.text
    remove = f"/organiser/sessions/{session_id}/moderators/{programme['moderator'].id}/remove"
    assert f'action="{remove}"' in page.text
    other = await organiser.get(f"/organiser/sessions/{programme['pitch'].id}/edit")
    assert "No moderator appointed for this session yet." in other.text
    assert "Mona Moderator" not in other.text


async def test_organiser_appoints_a_moderator_by_e_mail(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    session_id = programme["welding"].id
    response = await post_form(
        organiser, f"/organiser/sessions/{session_id}/moderators", {"email": "  Carl.Candidate@Example.org "}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/sessions/{session_id}/edit#moderators"
    appointed = {programme["moderator"].id, programme["candidate"].id}
    assert await moderators_of(sessionmaker, session_id) == appointed
    page = await organiser.get(f"/organiser/sessions/{session_id}/edit")
    assert "Carl Candidate" in page.text


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No account uses this e-mail address: the person must register first."),
        ("", "This field is required."),
        (MODERATOR, "This person already moderates this session."),
        ("olga.organiser@example.org", "Organisers already moderate every session."),
    ],
)
async def test_appointing_a_moderator_explains_a_refusal_next_to_the_field(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    email: str,
    message: str,
) -> None:
    session_id = programme["welding"].id
    before = await programme_state(sessionmaker)
    response = await post_form(organiser, f"/organiser/sessions/{session_id}/moderators", {"email": email})
    assert response.status_code == 400
    assert f'<p class="error" id="e-email">{message}</p>' in response.text
    assert f'value="{email}"' in response.text  # what was typed stays, to be corrected
    assert "<h1>Edit session</h1>" in response.text
    assert await programme_state(sessionmaker) == before


async def test_organiser_removes_a_moderator(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    session_id = programme["welding"].id
    url = f"/organiser/sessions/{session_id}/moderators/{programme['moderator'].id}/remove"
    response = await post_form(organiser, url, {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/sessions/{session_id}/edit#moderators"
    assert await moderators_of(sessionmaker, session_id) == set()
    # Twice, or someone who never was: nothing to remove.
    assert (await post_form(organiser, url, {})).status_code == 404
    other = f"/organiser/sessions/{session_id}/moderators/{programme['candidate'].id}/remove"
    assert (await post_form(organiser, other, {})).status_code == 404


async def test_a_moderator_of_one_session_is_not_one_of_another(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    pitch = programme["pitch"].id
    url = f"/organiser/sessions/{pitch}/moderators/{programme['moderator'].id}/remove"
    assert (await post_form(organiser, url, {})).status_code == 404
    assert await moderators_of(sessionmaker, programme["welding"].id) == {programme["moderator"].id}
    async with sessionmaker() as db:
        assert await db.get(Session, pitch) is not None
    assert CANDIDATE not in (await organiser.get(f"/organiser/sessions/{pitch}/edit")).text
