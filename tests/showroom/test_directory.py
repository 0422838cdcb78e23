"""The exhibitor directory: approved exhibitors only, text search, filters by theme, sector and country
built from the data present, and pages."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Company, Innovation
from emicronora.showroom.queries import PAGE_SIZE
from tests.showroom.conftest import World, set_company


def card_names(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/exhibitors/[a-z0-9-]+">([^<]+)</a></h2>', page)


@pytest.fixture
async def directory(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> httpx.AsyncClient:
    """The world's two approved exhibitors, plus an unapproved one and a company that does not exhibit."""
    async with sessionmaker() as db, db.begin():
        db.add_all(
            [
                Company(
                    name="Nanoforma",
                    slug="nanoforma",
                    country="FR",
                    tagline="Nano-impression",
                    themes=["micro-nano"],
                    is_exhibitor=True,
                    is_approved=False,
                ),
                Company(name="Aviatec", slug="aviatec", country="FR", themes=["laser"], is_approved=True),
            ]
        )
    return await as_role("anonymous")


async def test_directory_lists_approved_exhibitors_by_name(directory: httpx.AsyncClient) -> None:
    page = (await directory.get("/exhibitors")).text
    assert card_names(page) == ["Calibrix Métrologie", "Lumicron Laser"]
    assert "2 exhibitors" in page


async def test_directory_card_shows_tagline_country_and_themes(directory: httpx.AsyncClient) -> None:
    page = (await directory.get("/exhibitors")).text
    card = page[page.index("Lumicron Laser") :].split("</li>")[0]
    assert "<p>Micro-usinage laser femtoseconde</p>" in card
    assert '<p class="affiliation">France</p>' in card
    assert '<span class="badge">Laser processes</span><span class="badge">Micro and nano</span>' in card


async def test_directory_card_speaks_the_visitors_language(directory: httpx.AsyncClient) -> None:
    directory.cookies.set("em_lang", "fr")
    page = (await directory.get("/exhibitors")).text
    assert '<p class="affiliation">Belgique</p>' in page
    assert '<span class="badge">Procédés laser</span>' in page


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("lumicron", ["Lumicron Laser"]),  # name, whatever the case
        ("TOMOGRAPHIE", ["Calibrix Métrologie"]),  # tagline
        ("sous-traitance", ["Lumicron Laser"]),  # description
        ("femto 5 axes", ["Lumicron Laser"]),  # an innovation's title
        ("nano-impression", []),  # the unapproved exhibitor stays hidden
        ("%", []),  # a LIKE wildcard is searched for, not obeyed
        ("_", []),
        ("", ["Calibrix Métrologie", "Lumicron Laser"]),
    ],
)
async def test_directory_search_matches_name_tagline_description_and_innovations(
    directory: httpx.AsyncClient, query: str, names: list[str]
) -> None:
    response = await directory.get("/exhibitors", params={"q": query})
    assert response.status_code == 200
    assert card_names(response.text) == names


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("metrologie", ["Calibrix Métrologie"]),
        ("METROLOGIE", ["Calibrix Métrologie"]),
        ("Métrologie", ["Calibrix Métrologie"]),
        # Calibrix by its tagline ("étalonnage"), Lumicron by its innovation ("Étalonnage laser").
        ("etalonnage", ["Calibrix Métrologie", "Lumicron Laser"]),
        ("Étalonnage", ["Calibrix Métrologie", "Lumicron Laser"]),
        ("ETALONNAGE LASER", ["Lumicron Laser"]),
    ],
)
async def test_directory_search_ignores_accents_and_case(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    directory: httpx.AsyncClient,
    query: str,
    names: list[str],
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(Innovation(company_id=world.company.id, title="Étalonnage laser", position=1))
    response = await directory.get("/exhibitors", params={"q": query})
    assert response.status_code == 200
    assert card_names(response.text) == names


async def test_directory_search_is_bounded_in_length(directory: httpx.AsyncClient) -> None:
    response = await directory.get("/exhibitors", params={"q": "lumicron" + "x" * 5000})
    assert response.status_code == 200
    assert card_names(response.text) == []
    assert 'value="lumicron' + "x" * 92 + '"' in response.text


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"theme": "laser"}, ["Lumicron Laser"]),
        ({"theme": "metrology"}, ["Calibrix Métrologie"]),
        ({"sector": "health"}, ["Lumicron Laser"]),
        ({"sector": "automotive"}, ["Calibrix Métrologie"]),
        ({"sector": "space"}, []),
        ({"country": "BE"}, ["Calibrix Métrologie"]),
        ({"country": "fr"}, ["Lumicron Laser"]),
        ({"country": "DE"}, []),
        ({"theme": "laser", "sector": "automotive"}, []),
        ({"q": "laser", "theme": "micro-nano", "country": "FR"}, ["Lumicron Laser"]),
    ],
)
async def test_directory_filter_by_theme_sector_and_country(
    directory: httpx.AsyncClient, params: dict[str, str], names: list[str]
) -> None:
    response = await directory.get("/exhibitors", params=params)
    assert response.status_code == 200
    assert card_names(response.text) == names


async def test_directory_filter_offers_only_what_exhibitors_have(directory: httpx.AsyncClient) -> None:
    page = (await directory.get("/exhibitors")).text
    assert re.findall(r'<option value="([a-z-]*)"', page.split('id="sector"')[1].split("</select>")[0]) == [
        "",
        "aeronautics",
        "automotive",
        "health",
    ]
    assert re.findall(r'<option value="([A-Z]*)"', page.split('id="country"')[1].split("</select>")[0]) == [
        "",
        "BE",
        "FR",
    ]
    # Themes in programme order.
    assert re.findall(r'<option value="([a-z-]*)"', page.split('id="theme"')[1].split("</select>")[0]) == [
        "",
        "laser",
        "metrology",
        "micro-nano",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"theme": "unknown"},
        {"sector": "piracy"},
        {"country": "XX"},
        {"page": "0"},
        {"page": "2"},
        {"page": "a"},
        {"page": "abc"},
        {"page": "²"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
    ],
)
async def test_directory_answers_404_for_an_unknown_filter_or_page(
    directory: httpx.AsyncClient, params: dict[str, str]
) -> None:
    assert (await directory.get("/exhibitors", params=params)).status_code == 404


async def test_directory_pages_hold_page_size_exhibitors(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add_all(
            Company(
                name=f"Zeta {number:02d}",
                slug=f"zeta-{number:02d}",
                country="CH",
                is_exhibitor=True,
                is_approved=True,
            )
            for number in range(PAGE_SIZE)
        )
    client = await as_role("anonymous")
    first = (await client.get("/exhibitors")).text
    assert len(card_names(first)) == PAGE_SIZE
    assert card_names(first)[:3] == ["Calibrix Métrologie", "Lumicron Laser", "Zeta 00"]
    assert 'href="/exhibitors?page=2"' in first
    assert "Page 1 of 2" in first
    second = (await client.get("/exhibitors", params={"page": "2", "country": "CH"})).status_code
    assert second == 404  # 24 Swiss exhibitors fill one page
    last = (await client.get("/exhibitors", params={"page": "2"})).text
    assert card_names(last) == ["Zeta 22", "Zeta 23"]
    assert 'href="/exhibitors"' in last


async def test_directory_hides_an_exhibitor_once_unapproved(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    await set_company(sessionmaker, world.other.id, is_approved=False)
    client = await as_role("anonymous")
    assert card_names((await client.get("/exhibitors")).text) == ["Lumicron Laser"]
    assert (await client.get("/exhibitors/calibrix")).status_code == 404


async def test_directory_search_finds_innovations_of_approved_exhibitors_only(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(Innovation(company_id=world.other.id, title="Tomographe CT-9"))
    await set_company(sessionmaker, world.other.id, is_approved=False)
    client = await as_role("anonymous")
    assert card_names((await client.get("/exhibitors", params={"q": "ct-9"})).text) == []
