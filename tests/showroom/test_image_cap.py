"""An image over the image cap is refused with a message next to its field, checked as its bytes arrive: the
file is never held whole in memory, not by the CSRF check nor by the form reader, and nothing is stored."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.settings import Settings
from tests.conftest import csrf_token
from tests.showroom.conftest import World, png_bytes, showroom_state, stored_files

MIB = 1024 * 1024
BOUNDARY = "----emicronora-test-boundary"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, max_image_mb=1)


def multipart(fields: list[tuple[str, str]], file_field: str, file_name: str, data: bytes) -> bytes:
    """A browser's form body, the file in the middle (after the first fields, before the last one)."""
    parts = []
    for index, (name, value) in enumerate(fields):
        if index == len(fields) - 1:
            parts.append(
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f'name="{file_field}"; filename="{file_name}"\r\nContent-Type: image/png\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


async def pieces(body: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """The body as a server hands it to the app, a piece at a time."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def post_streamed(client: httpx.AsyncClient, url: str, body: bytes) -> httpx.Response:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    return await client.post(url, content=pieces(body), headers=headers)


@pytest.fixture
async def member(world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    return await as_role("member")


async def test_a_logo_over_the_image_cap_is_a_form_error_and_never_held_whole(
    member: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    before = await showroom_state(sessionmaker)
    token = await csrf_token(member, "/login")
    fields = [
        ("csrf_token", token),
        ("name", "Lumicron Laser SAS"),
        ("slug", "lumicron"),
        ("country", "FR"),
        ("city", "Besançon"),
    ]
    body = multipart(fields, "logo", "logo.png", b"\x89PNG\r\n\x1a\n" + bytes(6 * MIB))
    # A first post fills the caches every first page fills (compiled templates and queries).
    await post_streamed(member, "/exhibitor-area/showroom", body)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = await post_streamed(member, "/exhibitor-area/showroom", body)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert '<p class="error" id="e-logo">The image is larger than 1 MB.</p>' in response.text
    # The fields sent after the file are still shown as the user typed them.
    assert 'value="Besançon"' in response.text
    assert await showroom_state(sessionmaker) == before
    assert stored_files(settings) == []
    # At most the cap (1 MiB) and a few pieces of the body are held, never the 6 MiB file.
    assert peak < 3 * MIB, f"peak traced memory {peak / MIB:.1f} MiB for a 6 MiB image"


async def test_a_logo_within_the_image_cap_sent_in_pieces_is_stored(
    member: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    token = await csrf_token(member, "/login")
    fields = [
        ("csrf_token", token),
        ("name", "Lumicron Laser SAS"),
        ("slug", "lumicron"),
        ("country", "FR"),
        ("city", "Besançon"),
    ]
    response = await post_streamed(
        member, "/exhibitor-area/showroom", multipart(fields, "logo", "l.png", png_bytes())
    )
    assert response.status_code == 303, response.text
    assert len(stored_files(settings)) == 1
