"""Fixtures for the organiser area: a logged-in organiser speaking English, the demo programme, and a
snapshot of every programme table to prove that a refused action wrote nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Base, Day, SessionModerator, Theme
from tests.conftest import login

ORGANISER = "olga.organiser@example.org"
PROGRAMME_TABLES = ("themes", "days", "speakers", "sessions", "session_speakers", "session_moderators")
# Accounts the `programme` fixture adds: one appointed moderator of the welding session, one who could be.
MODERATOR = "mona.moderator@example.org"
CANDIDATE = "carl.candidate@example.org"


@pytest.fixture
async def organiser(client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Any]]) -> httpx.AsyncClient:
    """The client, logged in as an organiser, with English chosen (messages are asserted in English)."""
    await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    client.cookies.set("em_lang", "en")
    await login(client, ORGANISER)
    return client


@pytest.fixture
async def programme(
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[Any]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, Any]:
    """The shared demo programme plus an unused theme and a day without sessions (both deletable), and a
    moderator appointed to the welding session."""
    made = await make_programme()
    moderator = await make_user(MODERATOR, name="Mona Moderator")
    candidate = await make_user(CANDIDATE, name="Carl Candidate")
    async with sessionmaker() as db, db.begin():
        spare_theme = Theme(slug="spare", name_fr="Réserve", name_en="Spare", position=2)
        spare_day = Day(date=date(2020, 9, 30), theme_id=made["themes"][0].id, position=2)
        db.add_all([spare_theme, spare_day])
        db.add(SessionModerator(session_id=made["welding"].id, user_id=moderator.id))
    return {
        **made,
        "spare_theme": spare_theme,
        "spare_day": spare_day,
        "moderator": moderator,
        "candidate": candidate,
    }


async def programme_state(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple[Any, ...]]]:
    async with sessionmaker() as db:
        state = {}
        for name in PROGRAMME_TABLES:
            table = Base.metadata.tables[name]
            rows = await db.execute(select(table).order_by(*table.primary_key.columns))
            state[name] = [tuple(row) for row in rows]
        return state
