"""Secret tokens never reach uvicorn's access log: a real uvicorn serves the app (its lifespan installs the
filter, as under the Procfile), and every logged path holds [redacted] where the token was."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import uvicorn
from starlette.routing import BaseRoute, Mount, Route

from emicronora.app import create_app
from emicronora.settings import Settings
from emicronora.web.accesslog import ACCESS_LOGGER, RedactSecrets, redact

TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi1vZi00My1jaGFycw"
SECRET_URLS = [
    f"/calendar/u/{TOKEN}.ics",
    f"/account/confirm/{TOKEN}",
    f"/account/reset/{TOKEN}?next=/account",
    f"/invitations/{TOKEN}",
]


@pytest.fixture
def no_filter_yet() -> Iterator[None]:
    """The access logger as uvicorn leaves it: a filter installed by an earlier test is set aside."""
    logger = logging.getLogger(ACCESS_LOGGER)
    installed = [f for f in logger.filters if isinstance(f, RedactSecrets)]
    for existing in installed:
        logger.removeFilter(existing)
    yield
    for existing in [f for f in logger.filters if isinstance(f, RedactSecrets)]:
        logger.removeFilter(existing)
    for existing in installed:
        logger.addFilter(existing)


@pytest.fixture
async def served(settings: Settings, sessionmaker, no_filter_yet: None) -> AsyncIterator[str]:
    """The app under a real uvicorn on a free port of 127.0.0.1, its access log on; its base URL."""
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, log_config=None, access_log=True, lifespan="on"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_tokens_in_secret_links_are_redacted_from_uvicorns_access_log(
    served: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    async with httpx.AsyncClient(base_url=served) as http:
        for url in [*SECRET_URLS, "/programme"]:
            await http.get(url)
    lines = [record.getMessage() for record in caplog.records if record.name == ACCESS_LOGGER]
    assert len(lines) == len(SECRET_URLS) + 1
    assert not [line for line in lines if TOKEN in line]
    assert [line.split('"')[1] for line in lines] == [
        "GET /calendar/u/[redacted].ics HTTP/1.1",
        "GET /account/confirm/[redacted] HTTP/1.1",
        "GET /account/reset/[redacted]?next=/account HTTP/1.1",
        "GET /invitations/[redacted] HTTP/1.1",
        "GET /programme HTTP/1.1",
    ]


def token_routes(routes: list[BaseRoute], prefix: str = "") -> Iterator[str]:
    for route in routes:
        if isinstance(route, Mount) and route.routes:
            yield from token_routes(list(route.routes), prefix + route.path)
        elif isinstance(route, Route) and "{token" in route.path:
            yield prefix + route.path


def test_every_route_with_a_token_in_its_path_is_redacted(settings: Settings) -> None:
    paths = list(token_routes(list(create_app(settings).routes)))
    assert len(paths) == len(SECRET_URLS)
    for path in paths:
        sample = re.sub(r"\{token[^}]*\}", TOKEN, path)
        assert TOKEN not in redact(sample), path
