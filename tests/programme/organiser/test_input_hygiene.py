"""What the organiser's session form stores from hostile input, on SQLite and PostgreSQL: a one-line title
without line breaks or NUL, an abstract with its lines and without NUL, and a form error for an id that no
column holds."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Session
from tests.conftest import post_form
from tests.organiser.conftest import programme_state
from tests.programme.organiser.test_sessions import session_form


async def test_a_title_with_line_breaks_and_nul_is_stored_on_one_line(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    form = session_form(
        programme, title="Micro-usinage\r\nlaser\x00", abstract="Des trous\r\nde 10 µm.\x00\r\n\r\nFin."
    )
    response = await post_form(organiser, "/organiser/sessions/new", form)
    assert response.status_code == 303, response.text
    async with sessionmaker() as db:
        session = await db.scalar(select(Session).where(Session.title.startswith("Micro-usinage")))
    assert session is not None
    assert (session.title, session.abstract) == ("Micro-usinagelaser", "Des trous\nde 10 µm.\n\nFin.")
    ics = await organiser.get(f"/sessions/{session.id}/calendar.ics")
    assert ics.status_code == 200
    assert "SUMMARY:Micro-usinagelaser" in ics.text.splitlines()


async def test_a_speaker_id_too_large_for_any_column_is_an_error_next_to_the_field(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await programme_state(sessionmaker)
    for path in ("/organiser/sessions/new", f"/organiser/sessions/{programme['welding'].id}/edit"):
        form = session_form(programme, speaker_ids="1180591620717411303424")
        response = await post_form(organiser, path, form)
        assert response.status_code == 400, (path, response.status_code)
        assert '<p class="error" id="e-speaker_ids">Choose one of the options.</p>' in response.text
    assert await programme_state(sessionmaker) == before
