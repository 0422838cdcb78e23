"""Innovations of a showroom: add at the end, edit, photo, reorder, delete; bad input writes nothing."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Innovation, MediaFile
from emicronora.settings import Settings
from tests.conftest import post_form
from tests.showroom.conftest import World, png_bytes, post_with_file, showroom_state, stored_files


@pytest.fixture
async def member(world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    return await as_role("member")


async def innovations(sessionmaker: async_sessionmaker[AsyncSession], company_id: int) -> list[Innovation]:
    async with sessionmaker() as db:
        statement = (
            select(Innovation)
            .where(Innovation.company_id == company_id)
            .order_by(Innovation.position, Innovation.id)
        )
        return list((await db.scalars(statement)).all())


def row_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr id="innovation-(\d+)"', page)]


async def test_innovation_add_appends_it_with_its_photo(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_with_file(
        member,
        "/exhibitor-area/innovations/new",
        {"title": "Tête de découpe", "description": "Ligne 1\nLigne 2"},
        files={"photo": ("tete.jpg", png_bytes(), "image/png")},
    )
    assert response.status_code == 303
    first, added = await innovations(sessionmaker, world.company.id)
    assert response.headers["location"] == f"/exhibitor-area/showroom#innovation-{added.id}"
    assert (added.title, added.description, added.position) == ("Tête de découpe", "Ligne 1\nLigne 2", 1)
    async with sessionmaker() as db:
        photo = await db.get_one(MediaFile, added.image_id)
    page = (await member.get("/exhibitors/lumicron-laser")).text
    assert f'<img src="/media/{photo.key}" alt="Tête de découpe" width="320">' in page
    assert "<p>Ligne 1<br>Ligne 2</p>" in page
    assert row_ids((await member.get("/exhibitor-area/showroom")).text) == [first.id, added.id]


BAD_INPUTS = [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "t" * 201}, "title", "At most 200 characters."),
    ({"description": "d" * 5001}, "description", "At most 5000 characters."),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_INPUTS, ids=[m for _c, _f, m in BAD_INPUTS])
async def test_innovation_add_rerenders_bad_input_with_message_next_to_field(
    member: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await showroom_state(sessionmaker)
    form = {"title": "Tête de découpe", "description": "Rapide et précise", **changes}
    files = {"photo": ("tete.png", png_bytes(), "image/png")}
    response = await post_with_file(member, "/exhibitor-area/innovations/new", form, files=files)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert await showroom_state(sessionmaker) == before


async def test_innovation_add_refuses_a_photo_that_is_not_an_image(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    files = {"photo": ("tete.png", b"GIF89a not really", "image/png")}
    response = await post_with_file(member, "/exhibitor-area/innovations/new", {"title": "Tête"}, files=files)
    assert response.status_code == 400
    assert '<p class="error" id="e-photo">This file is not a PNG, JPEG or WebP image.</p>' in response.text
    assert 'value="Tête"' in response.text
    assert await showroom_state(sessionmaker) == before


async def test_innovation_edit_changes_it_and_replaces_the_photo(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    url = f"/exhibitor-area/innovations/{world.innovation.id}/edit"
    page = (await member.get(url)).text
    assert 'value="Station femto 5 axes"' in page
    files = {"photo": ("a.png", png_bytes(), "image/png")}
    assert (await post_with_file(member, url, {"title": "Station 6 axes"}, files=files)).status_code == 303
    files = {"photo": ("b.png", png_bytes(), "image/png")}
    response = await post_with_file(member, url, {"title": "Station 7 axes", "description": "x"}, files=files)
    assert response.status_code == 303
    assert response.headers["location"] == f"/exhibitor-area/showroom#innovation-{world.innovation.id}"
    (innovation,) = await innovations(sessionmaker, world.company.id)
    assert (innovation.title, innovation.description) == ("Station 7 axes", "x")
    async with sessionmaker() as db:
        assert (await db.scalars(select(MediaFile.original_name))).all() == ["b.png"]
    response = await post_with_file(member, url, {"title": "Station 7 axes", "remove_photo": "on"})
    assert response.status_code == 303
    assert (await innovations(sessionmaker, world.company.id))[0].image_id is None


async def test_innovation_edit_rerenders_bad_input_and_writes_nothing(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    url = f"/exhibitor-area/innovations/{world.innovation.id}/edit"
    response = await post_with_file(member, url, {"title": "", "description": "gardé"})
    assert response.status_code == 400
    assert '<p class="error" id="e-title">This field is required.</p>' in response.text
    assert ">gardé</textarea>" in response.text
    assert await showroom_state(sessionmaker) == before


async def test_innovation_move_reorders_the_list(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for title in ("B", "C"):
        await post_with_file(member, "/exhibitor-area/innovations/new", {"title": title})
    a, b, c = await innovations(sessionmaker, world.company.id)
    response = await post_form(member, f"/exhibitor-area/innovations/{c.id}/move", {"direction": "up"})
    assert response.status_code == 303
    assert [i.id for i in await innovations(sessionmaker, world.company.id)] == [a.id, c.id, b.id]
    # At the top already: nothing moves.
    await post_form(member, f"/exhibitor-area/innovations/{a.id}/move", {"direction": "up"})
    assert [i.id for i in await innovations(sessionmaker, world.company.id)] == [a.id, c.id, b.id]
    await post_form(member, f"/exhibitor-area/innovations/{a.id}/move", {"direction": "down"})
    assert [i.title for i in await innovations(sessionmaker, world.company.id)] == [
        "C",
        "Station femto 5 axes",
        "B",
    ]
    assert row_ids((await member.get("/exhibitor-area/showroom")).text) == [c.id, a.id, b.id]
    response = await post_form(member, f"/exhibitor-area/innovations/{a.id}/move", {"direction": "sideways"})
    assert response.status_code == 400


async def test_innovation_delete_removes_it_and_its_photo(
    member: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    url = f"/exhibitor-area/innovations/{world.innovation.id}/edit"
    files = {"photo": ("a.png", png_bytes(), "image/png")}
    assert (await post_with_file(member, url, {"title": "Station"}, files=files)).status_code == 303
    response = await post_form(member, f"/exhibitor-area/innovations/{world.innovation.id}/delete", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitor-area/showroom#innovations"
    assert await innovations(sessionmaker, world.company.id) == []
    async with sessionmaker() as db:
        assert (await db.scalars(select(MediaFile))).all() == []
    assert stored_files(settings) == []
