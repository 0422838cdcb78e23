"""The programme's search box (?q=): title, abstract and speakers' names, ignoring case and accents, together
with the day, theme and format filters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Session, Speaker
from emicronora.programme import queries
from tests.conftest import paris

METROLOGY = "Journée Métrologie dimensionnelle"
CALIBRATION = "Étalonnage laser"


@pytest.fixture
async def searchable(
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, Any]:
    """The demo programme plus two accented titles and a speaker with an accented name."""
    made = await make_programme()
    laser_day, metrology_day = made["days"]
    laser, metrology = made["themes"]
    async with sessionmaker() as db, db.begin():
        speaker = Speaker(name="Élodie Œuvray", affiliation="CETIM", bio="", position=1)
        db.add_all(
            [
                Session(
                    kind="webinar",
                    title=METROLOGY,
                    abstract="Tolérances et incertitudes.",
                    day_id=metrology_day.id,
                    theme_id=metrology.id,
                    starts_at=paris(metrology_day.date, 11),
                    ends_at=paris(metrology_day.date, 12),
                ),
                Session(
                    kind="pitch",
                    title=CALIBRATION,
                    abstract="Traçabilité 100% garantie.",
                    day_id=laser_day.id,
                    theme_id=laser.id,
                    starts_at=paris(laser_day.date, 16),
                    ends_at=paris(laser_day.date, 17),
                    speakers=[speaker],
                ),
            ]
        )
    return made


async def _titles(client: httpx.AsyncClient, query: str) -> list[str]:
    page = await client.get("/programme", params={"q": query})
    assert page.status_code == 200
    titles = ["Soudage laser de boîtiers titane", "Pitch laser", "Tomographie industrielle"]
    return [title for title in [*titles, METROLOGY, CALIBRATION] if title in page.text]


@pytest.mark.parametrize("query", ["metrologie", "METROLOGIE", "Métrologie", "  métrologie  "])
async def test_programme_search_finds_a_title_ignoring_case_and_accents(
    client: httpx.AsyncClient, searchable: dict[str, Any], query: str
) -> None:
    assert await _titles(client, query) == [METROLOGY]


@pytest.mark.parametrize("query", ["etalonnage", "ETALONNAGE", "Étalonnage", "étalonnage laser"])
async def test_programme_search_finds_a_title_starting_with_an_accent(
    client: httpx.AsyncClient, searchable: dict[str, Any], query: str
) -> None:
    assert await _titles(client, query) == [CALIBRATION]


async def test_programme_search_looks_in_abstracts_and_speakers_names(
    client: httpx.AsyncClient, searchable: dict[str, Any]
) -> None:
    assert await _titles(client, "incertitudes") == [METROLOGY]
    assert await _titles(client, "hermetique") == ["Soudage laser de boîtiers titane"]
    # A speaker's name, œ spelt out as PostgreSQL's unaccent does.
    assert await _titles(client, "elodie oeuvray") == [CALIBRATION]
    assert await _titles(client, "curie") == ["Soudage laser de boîtiers titane"]


async def test_programme_search_takes_percent_and_underscore_literally(
    client: httpx.AsyncClient, searchable: dict[str, Any]
) -> None:
    assert await _titles(client, "100%") == [CALIBRATION]
    assert await _titles(client, "%") == [CALIBRATION]
    assert await _titles(client, "_") == []


async def test_programme_search_adds_up_with_the_filters(
    client: httpx.AsyncClient, searchable: dict[str, Any]
) -> None:
    both = (await client.get("/programme", params={"q": "laser"})).text
    assert "Soudage laser" in both and CALIBRATION in both and "Pitch laser" in both
    pitches = (await client.get("/programme", params={"q": "laser", "kind": "pitch"})).text
    assert CALIBRATION in pitches and "Pitch laser" in pitches and "Soudage laser" not in pitches
    other_day = (await client.get("/programme", params={"q": "etalonnage", "day": "2020-09-23"})).text
    assert CALIBRATION not in other_day
    # The form keeps the chosen filters, and the filters' links keep the search.
    assert '<input type="hidden" name="kind" value="pitch">' in pitches
    assert 'value="laser"' in pitches
    assert "/programme?q=laser&amp;kind=webinar" in pitches


async def test_programme_search_without_a_match_says_so(
    client: httpx.AsyncClient, searchable: dict[str, Any]
) -> None:
    client.cookies.set("em_lang", "en")
    page = await client.get("/programme", params={"q": "spectroscopie"})
    assert page.status_code == 200
    assert "No session matches this search." in page.text
    assert 'href="/programme">Clear the search</a>' in page.text
    client.cookies.delete("em_lang")
    french = await client.get("/programme", params={"q": "spectroscopie"})
    assert "Aucune session ne correspond à cette recherche." in french.text
    assert '<label for="q">Rechercher par titre, résumé ou intervenant</label>' in french.text


async def test_programme_without_a_search_keeps_the_filters_message(
    client: httpx.AsyncClient, searchable: dict[str, Any]
) -> None:
    client.cookies.set("em_lang", "en")
    page = await client.get("/programme", params={"q": "", "kind": "pitch", "day": "2020-09-23"})
    assert "No session matches these filters." in page.text
    assert "Clear the search" not in page.text


async def test_list_sessions_matches_the_folded_text(
    searchable: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db:
        found = await queries.list_sessions(db, text="MÉTROLOGIE")
        assert [session.title for session in found] == [METROLOGY]
        everything = await queries.list_sessions(db, text="")
        assert len(everything) == 5
