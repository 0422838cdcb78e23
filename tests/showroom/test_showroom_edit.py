"""Editing a showroom: every field saved, the address made from the name, bad input re-rendered with the
message next to its field and nothing written, the logo stored through the media area."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Company, MediaFile
from emicronora.settings import Settings
from tests.conftest import post_form
from tests.showroom.conftest import (
    World,
    company_of,
    png_bytes,
    post_with_file,
    set_company,
    showroom_state,
    stored_files,
)

FORM = {
    "name": "Lumicron Laser SAS",
    "slug": "lumicron",
    "tagline": "Le laser femtoseconde",
    "description": "Un texte.",
    "themes": ["laser", "metrology"],
    "sectors": ["space", "watchmaking"],
    "country": "CH",
    "region": "Neuchâtel",
    "city": "La Chaux-de-Fonds",
    "website": "http://lumicron.example/fr",
}


@pytest.fixture
async def member(world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    return await as_role("member")


async def test_showroom_edit_saves_every_field(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_with_file(member, "/exhibitor-area/showroom", FORM)
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitor-area/showroom?saved=1"
    company = await company_of(sessionmaker, world.company.id)
    assert (
        company.name,
        company.slug,
        company.tagline,
        company.description,
        company.themes,
        company.sectors,
        company.country,
        company.region,
        company.city,
        company.website,
    ) == (
        "Lumicron Laser SAS",
        "lumicron",
        "Le laser femtoseconde",
        "Un texte.",
        ["laser", "metrology"],
        ["space", "watchmaking"],
        "CH",
        "Neuchâtel",
        "La Chaux-de-Fonds",
        "http://lumicron.example/fr",
    )
    page = (await member.get("/exhibitor-area/showroom?saved=1")).text
    assert "The showroom has been saved." in page
    assert '<input type="checkbox" name="themes" value="metrology" checked>' in page
    assert '<input type="checkbox" name="themes" value="micro-nano" >' in page


async def test_showroom_edit_form_is_filled_from_the_company(member: httpx.AsyncClient) -> None:
    page = (await member.get("/exhibitor-area/showroom")).text
    assert 'value="Lumicron Laser"' in page
    assert 'value="lumicron-laser"' in page
    assert '<input type="checkbox" name="sectors" value="health" checked>' in page
    assert '<option value="FR" selected>France</option>' in page
    assert 'enctype="multipart/form-data"' in page


async def test_showroom_edit_makes_the_address_from_the_name_when_left_empty(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # "calibrix" is taken by the other exhibitor: the address is numbered.
    form = {**FORM, "name": "Calibrix", "slug": ""}
    assert (await post_with_file(member, "/exhibitor-area/showroom", form)).status_code == 303
    assert (await company_of(sessionmaker, world.company.id)).slug == "calibrix-2"
    form = {**FORM, "name": "Électro-Précision & Fils", "slug": ""}
    assert (await post_with_file(member, "/exhibitor-area/showroom", form)).status_code == 303
    assert (await company_of(sessionmaker, world.company.id)).slug == "electro-precision-fils"


async def test_showroom_edit_keeps_its_own_address(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    form = {**FORM, "slug": "lumicron-laser"}
    assert (await post_with_file(member, "/exhibitor-area/showroom", form)).status_code == 303
    assert (await company_of(sessionmaker, world.company.id)).slug == "lumicron-laser"


BAD_INPUTS = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 201}, "name", "At most 200 characters."),
    ({"slug": "calibrix"}, "slug", "Another exhibitor already uses this address."),
    (
        {"slug": "Lumicron_Laser"},
        "slug",
        "Use lowercase letters a-z, digits and hyphens (for example lumicron-laser).",
    ),
    (
        {"slug": "-lumicron"},
        "slug",
        "Use lowercase letters a-z, digits and hyphens (for example lumicron-laser).",
    ),
    ({"slug": "a" * 81}, "slug", "At most 80 characters."),
    (
        {"website": "javascript:alert(1)"},
        "website",
        "Enter a web address that starts with http:// or https://.",
    ),
    (
        {"website": "ftp://lumicron.example"},
        "website",
        "Enter a web address that starts with http:// or https://.",
    ),
    ({"website": "https://"}, "website", "Enter a web address that starts with http:// or https://."),
    ({"website": "https://x" + "y" * 300}, "website", "At most 300 characters."),
    ({"themes": ["laser", "astrology"]}, "themes", "Choose among the options listed."),
    ({"sectors": ["piracy"]}, "sectors", "Choose among the options listed."),
    ({"country": "XX"}, "country", "Choose a country in the list."),
    ({"country": ""}, "country", "Choose a country in the list."),
    ({"tagline": "t" * 301}, "tagline", "At most 300 characters."),
    ({"description": "d" * 10001}, "description", "At most 10000 characters."),
    ({"region": "r" * 121}, "region", "At most 120 characters."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), BAD_INPUTS, ids=[f"{f}-{m}" for _c, f, m in BAD_INPUTS]
)
async def test_showroom_edit_rerenders_bad_input_with_message_next_to_field(
    member: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    before = await showroom_state(sessionmaker)
    response = await post_with_file(member, "/exhibitor-area/showroom", {**FORM, **changes})
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    # The other values are kept for the user to correct the one field.
    assert 'value="La Chaux-de-Fonds"' in response.text
    assert await showroom_state(sessionmaker) == before


async def test_showroom_edit_reports_every_wrong_field_at_once(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    form = {**FORM, "name": "", "website": "nope", "country": "XX"}
    response = await post_with_file(member, "/exhibitor-area/showroom", form)
    assert response.status_code == 400
    for field in ("name", "website", "country"):
        assert f'id="e-{field}"' in response.text
    assert await showroom_state(sessionmaker) == before


async def test_showroom_edit_by_an_organiser_returns_to_the_organiser_page(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = await as_role("organiser")
    page = (await client.get(f"/organiser/showrooms/{world.company.id}/edit")).text
    assert f'action="/organiser/showrooms/{world.company.id}/edit"' in page
    response = await post_with_file(client, f"/organiser/showrooms/{world.company.id}/edit", FORM)
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/showrooms/{world.company.id}/edit?saved=1"
    assert (await company_of(sessionmaker, world.company.id)).name == "Lumicron Laser SAS"
    page = (await client.get(f"/exhibitor-area/showroom?company={world.company.id}")).text
    assert f'action="/exhibitor-area/showroom?company={world.company.id}"' in page


async def test_showroom_edit_stores_the_logo_and_shows_it(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    image = png_bytes()
    response = await post_with_file(
        member, "/exhibitor-area/showroom", FORM, files={"logo": ("logo.png", image, "image/png")}
    )
    assert response.status_code == 303
    company = await company_of(sessionmaker, world.company.id)
    async with sessionmaker() as db:
        media = await db.get_one(MediaFile, company.logo_id)
    assert (media.kind, media.content_type, media.size_bytes, media.company_id, media.original_name) == (
        "image",
        "image/png",
        len(image),
        world.company.id,
        "logo.png",
    )
    assert (await member.get(f"/media/{media.key}")).content == image
    page = (await member.get("/exhibitors/lumicron")).text
    assert f'<img class="logo" src="/media/{media.key}" alt="Logo of Lumicron Laser SAS" width="160">' in page
    directory = (await member.get("/exhibitors")).text
    assert f'<img class="logo" src="/media/{media.key}" alt="" width="120">' in directory


async def test_showroom_edit_replacing_the_logo_forgets_the_old_one(
    member: httpx.AsyncClient,
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    files = {"logo": ("a.png", png_bytes(), "image/png")}
    assert (await post_with_file(member, "/exhibitor-area/showroom", FORM, files=files)).status_code == 303
    first = (await company_of(sessionmaker, world.company.id)).logo_id
    files = {"logo": ("b.png", png_bytes(16, 16), "image/png")}
    assert (await post_with_file(member, "/exhibitor-area/showroom", FORM, files=files)).status_code == 303
    second = (await company_of(sessionmaker, world.company.id)).logo_id
    async with sessionmaker() as db:
        kept = (await db.scalars(select(MediaFile))).all()
    assert second != first
    assert [(media.id, media.original_name) for media in kept] == [(second, "b.png")]
    assert stored_files(settings) == [kept[0].key]
    assert (
        await post_with_file(member, "/exhibitor-area/showroom", {**FORM, "remove_logo": "on"})
    ).status_code == 303
    assert (await company_of(sessionmaker, world.company.id)).logo_id is None
    async with sessionmaker() as db:
        assert (await db.scalars(select(MediaFile))).all() == []
    assert stored_files(settings) == []


async def test_showroom_edit_refuses_a_file_that_is_not_an_image(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    files = {"logo": ("logo.png", b"<svg onload=alert(1)>", "image/png")}
    response = await post_with_file(member, "/exhibitor-area/showroom", FORM, files=files)
    assert response.status_code == 400
    assert '<p class="error" id="e-logo">This file is not a PNG, JPEG or WebP image.</p>' in response.text
    assert await showroom_state(sessionmaker) == before


async def test_showroom_edit_with_bad_fields_does_not_store_the_logo(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    files = {"logo": ("logo.png", png_bytes(), "image/png")}
    response = await post_with_file(member, "/exhibitor-area/showroom", {**FORM, "name": ""}, files=files)
    assert response.status_code == 400
    assert await showroom_state(sessionmaker) == before


async def test_showroom_approval_publishes_and_withdraws(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await set_company(sessionmaker, world.company.id, is_approved=False, slug=None)
    client = await as_role("organiser")
    page = (await client.get("/organiser/showrooms")).text
    # Awaiting approval first.
    assert page.index(f'id="company-{world.company.id}"') < page.index(f'id="company-{world.other.id}"')
    assert f'action="/organiser/showrooms/{world.company.id}/approve"' in page
    response = await post_form(client, f"/organiser/showrooms/{world.company.id}/approve", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/showrooms#company-{world.company.id}"
    company = await company_of(sessionmaker, world.company.id)
    # A company that never chose an address gets one from its name.
    assert (company.is_approved, company.slug) == (True, "lumicron-laser")
    assert "Lumicron Laser" in (await client.get("/exhibitors")).text
    response = await post_form(client, f"/organiser/showrooms/{world.company.id}/unapprove", {})
    assert response.status_code == 303
    assert (await company_of(sessionmaker, world.company.id)).is_approved is False
    assert "Lumicron Laser" not in (await client.get("/exhibitors")).text


async def test_showroom_approval_of_a_company_that_does_not_exhibit_answers_404(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as db, db.begin():
        buyer = Company(name="Aviatec", country="FR")
        db.add(buyer)
    client = await as_role("organiser")
    assert "Aviatec" not in (await client.get("/organiser/showrooms")).text
    response = await post_form(client, f"/organiser/showrooms/{buyer.id}/approve", {})
    assert response.status_code == 404
    async with sessionmaker() as db:
        assert (await db.get_one(Company, buyer.id)).is_approved is False
