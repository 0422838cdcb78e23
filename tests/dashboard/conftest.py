"""Fixtures for the dashboard: the small fair of world.py, and an organiser's client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import login
from tests.dashboard.world import World, build_world

ORGANISER = "olga.organiser@example.org"


@pytest.fixture
async def world(
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> World:
    return await build_world(sessionmaker, await make_programme())


@pytest.fixture
async def organiser(client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Any]]) -> httpx.AsyncClient:
    """The client, logged in as an organiser, speaking English."""
    await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    client.cookies.set("em_lang", "en")
    await login(client, ORGANISER)
    return client
