"""Every request body is capped while it streams, whichever way the CSRF token comes: a declared length over
the cap is answered 413 before a byte is read, a body without one is cut as soon as it passes the cap. Only
the video upload's route has a larger cap of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from emicronora.settings import Settings
from emicronora.web.middleware import BodyTooLarge, capped_receive, csrf_token_for
from tests.conftest import csrf_token
from tests.media.samples import mp4
from tests.videos.factories import act_as, add_video, chunks, make_people, put_file

CAP = 64 * 1024
PIECE = 16 * 1024
MIB = 1024 * 1024


class CountingBody:
    """A client's body as the server hands it over: `pieces` of PIECE bytes; counts what the app pulled."""

    def __init__(self, first: bytes, pieces: int) -> None:
        self.pieces = [first.ljust(PIECE, b"x")] + [b"x" * PIECE] * (pieces - 1)
        self.pulled = 0

    async def receive(self) -> dict[str, Any]:
        if not self.pieces:
            return {"type": "http.disconnect"}
        piece = self.pieces.pop(0)
        self.pulled += len(piece)
        return {"type": "http.request", "body": piece, "more_body": bool(self.pieces)}


@asynccontextmanager
async def small_cap_app(make_app: Callable[..., Any]) -> AsyncIterator[Any]:
    async with LifespanManager(make_app(max_body_bytes=CAP)) as manager:
        yield manager.app


async def post(app: Any, body: CountingBody, headers: list[tuple[bytes, bytes]]) -> int:
    """POST /login straight through the ASGI app; the answer's status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/login",
        "raw_path": b"/login",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", b"em_anon=visitor"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, body.receive, send)
    return statuses[0]


def token_header(settings: Settings) -> tuple[bytes, bytes]:
    return (b"x-csrf-token", csrf_token_for(settings.secret_key, "visitor").encode())


FORM = (b"content-type", b"application/x-www-form-urlencoded")


async def test_a_declared_body_over_the_cap_with_the_header_token_is_413_before_a_byte_is_read(
    make_app: Callable[..., Any], settings: Settings
) -> None:
    body = CountingBody(b"email=", pieces=100)
    async with small_cap_app(make_app) as app:
        headers = [token_header(settings), FORM, (b"content-length", str(100 * PIECE).encode())]
        status = await post(app, body, headers)
    assert status == 413
    assert body.pulled == 0


async def test_a_body_without_length_with_the_header_token_is_cut_as_soon_as_it_passes_the_cap(
    make_app: Callable[..., Any], settings: Settings
) -> None:
    body = CountingBody(b"email=", pieces=100)
    async with small_cap_app(make_app) as app:
        status = await post(app, body, [token_header(settings), FORM])
    assert status == 413
    assert body.pulled <= CAP + PIECE


async def test_a_form_is_cut_at_the_cap_too(make_app: Callable[..., Any], settings: Settings) -> None:
    token = csrf_token_for(settings.secret_key, "visitor").encode()
    body = CountingBody(b"csrf_token=" + token + b"&email=", pieces=100)
    async with small_cap_app(make_app) as app:
        status = await post(app, body, [FORM])
    assert status == 413
    assert body.pulled <= CAP + PIECE


async def test_a_declared_form_over_the_cap_is_413_before_a_byte_is_read(
    make_app: Callable[..., Any],
) -> None:
    body = CountingBody(b"csrf_token=", pieces=100)
    async with small_cap_app(make_app) as app:
        status = await post(app, body, [FORM, (b"content-length", str(100 * PIECE).encode())])
    assert status == 413
    assert body.pulled == 0


async def test_the_piece_passing_the_cap_reaches_the_handler_one_byte_over_then_the_stream_stops() -> None:
    body = CountingBody(b"", pieces=3)
    receive = capped_receive(body.receive, PIECE + 100)
    first, second = await receive(), await receive()
    assert (len(first["body"]), len(second["body"]), second["more_body"]) == (PIECE, 101, True)
    with pytest.raises(BodyTooLarge):
        await receive()
    assert body.pulled == 2 * PIECE


async def test_only_the_video_upload_may_pass_the_general_cap_up_to_its_own(
    make_app: Callable[..., Any], make_user: Any, sessionmaker: Any
) -> None:
    async with LifespanManager(make_app(max_body_bytes=CAP, max_video_mb=1)) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await check_video_and_poster(client, make_user, sessionmaker)


async def check_video_and_poster(client: httpx.AsyncClient, make_user: Any, sessionmaker: Any) -> None:
    people = await make_people(make_user, sessionmaker)
    video = await add_video(sessionmaker, people.company_id)
    await act_as(client, "member")

    above_general = await put_file(client, video.id, mp4(4 * CAP))
    assert above_general.status_code == 201, above_general.text
    over_its_own = await put_file(client, video.id, chunks(mp4(MIB + 1), size=PIECE))
    assert over_its_own.status_code == 413
    assert over_its_own.json()["error"].startswith("The video is larger than 1 MB.")
    declared_over = await put_file(client, video.id, mp4(MIB + 1))
    assert declared_over.status_code == 413

    # The same header token on any other route does not lift the general cap.
    token = await csrf_token(client, "/videos")
    poster = await client.post(
        f"/exhibitor-area/videos/{video.id}/poster",
        files={"poster": ("poster.png", b"\x89PNG\r\n\x1a\n" + bytes(4 * CAP), "image/png")},
        headers={"X-CSRF-Token": token},
    )
    assert poster.status_code == 413
    assert poster.json() == {"error": "What you sent is too large."}
