"""The people of the media and video tests, and clients of apps with other caps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.videos.factories import People, make_people


@pytest.fixture
async def people(make_user, sessionmaker) -> People:
    return await make_people(make_user, sessionmaker)


@pytest.fixture
async def client_with(make_app, sessionmaker) -> AsyncIterator[Callable[..., Awaitable[httpx.AsyncClient]]]:
    """A client of an app whose settings differ from the test's (a smaller cap, a smaller quota)."""
    async with AsyncExitStack() as stack:

        async def build(**overrides: object) -> httpx.AsyncClient:
            manager = await stack.enter_async_context(LifespanManager(make_app(**overrides)))
            transport = httpx.ASGITransport(app=manager.app)
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
            )

        yield build
