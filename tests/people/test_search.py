"""Searching people: by name, e-mail or company, whatever the case, with % and _ taken literally, one page of
25 at a time, and by role."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

from emicronora.models import Company

ROW = re.compile(r'<tr data-testid="person-row">\s*<td><a href="/organiser/people/\d+">([^<]+)</a>')


async def names(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get("/organiser/people", params=params)
    assert response.status_code == 200, response.text
    return ROW.findall(response.text)


@pytest.fixture
async def people(organiser: httpx.AsyncClient, add_people: Callable[..., Awaitable[list[int]]]) -> None:
    await add_people(
        [
            ("Anne Laser", "anne@femto-st.example", "FEMTO-ST"),
            ("Chloé Métro", "chloe_metro@example.org", "Mesure & Cie"),
            ("Dora 100% Precision", "dora@example.org", "Precision"),
            ("Élodie Œuvray", "elodie@example.org", "ÉCOLE NATIONALE"),
        ]
    )
    await add_people(
        [("Bruno Metro", "bruno@example.org", "")], company=Company(name="Zeiss Industrial", country="DE")
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("laser", ["Anne Laser"]),
        ("ANNE", ["Anne Laser"]),
        ("femto-st", ["Anne Laser"]),
        ("bruno@EXAMPLE", ["Bruno Metro"]),
        ("zeiss", ["Bruno Metro"]),
        ("metro", ["Bruno Metro", "Chloé Métro"]),
        ("mesure &", ["Chloé Métro"]),
        ("%", ["Dora 100% Precision"]),
        ("_", ["Chloé Métro"]),
        ("nobody", []),
        # Letters beyond ASCII fold too, on SQLite as on PostgreSQL.
        ("élodie", ["Élodie Œuvray"]),
        ("ŒUVRAY", ["Élodie Œuvray"]),
        ("école", ["Élodie Œuvray"]),
    ],
)
async def test_search_people_by_name_email_or_company(
    organiser: httpx.AsyncClient, people: None, query: str, expected: list[str]
) -> None:
    assert await names(organiser, q=query) == expected


async def test_search_people_pages_by_25(
    organiser: httpx.AsyncClient, add_people: Callable[..., Awaitable[list[int]]]
) -> None:
    await add_people([(f"Visitor {n:02d}", f"visitor{n:02d}@example.org", "") for n in range(30)])
    first = await names(organiser, q="visitor")
    second = await names(organiser, q="visitor", page="2")
    assert first == [f"Visitor {n:02d}" for n in range(25)]
    assert second == [f"Visitor {n:02d}" for n in range(25, 30)]
    page = await organiser.get("/organiser/people", params={"q": "visitor"})
    assert "Page 1 of 2" in page.text and "30 accounts" in page.text
    assert (await organiser.get("/organiser/people", params={"q": "visitor", "page": "3"})).status_code == 404
    assert (await organiser.get("/organiser/people", params={"page": "x"})).status_code == 404


async def test_search_people_by_role(organiser: httpx.AsyncClient, people: None) -> None:
    assert await names(organiser, role="organiser") == ["Olga Organiser"]
    assert await names(organiser, role="disabled") == []
    assert (await organiser.get("/organiser/people", params={"role": "admin"})).status_code == 404


async def test_search_text_is_bounded(organiser: httpx.AsyncClient, people: None) -> None:
    # A long query is cut at 100 characters, never an error.
    assert await names(organiser, q="laser" + " " * 200 + "zzz") == ["Anne Laser"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("metrologie", ["Hélène Martin", "Marc Vuillemin"]),
        ("METROLOGIE", ["Hélène Martin", "Marc Vuillemin"]),
        ("etalonnage", ["Hélène Martin"]),
        ("Étalonnage", ["Hélène Martin"]),
        ("ETALONNAGE LASER", ["Hélène Martin"]),
        ("helene", ["Hélène Martin"]),
        ("franche-comte", ["Marc Vuillemin"]),
    ],
)
async def test_search_people_ignores_accents(
    organiser: httpx.AsyncClient,
    add_people: Callable[..., Awaitable[list[int]]],
    query: str,
    expected: list[str],
) -> None:
    """French users type without accents: the company typed at registration or the company's record match."""
    await add_people([("Hélène Martin", "hm@example.org", "Étalonnage laser et métrologie")])
    await add_people(
        [("Marc Vuillemin", "mv@example.org", "")],
        company=Company(name="Métrologie de Franche-Comté", country="FR"),
    )
    assert await names(organiser, q=query) == expected


@pytest.mark.parametrize("page", ["²", "١", "-1", "0", "1.5", "abc", "99999999999999999999", "2"])
async def test_people_list_answers_404_for_a_page_that_cannot_exist(
    organiser: httpx.AsyncClient, people: None, page: str
) -> None:
    response = await organiser.get("/organiser/people", params={"q": "metro", "page": page})
    assert response.status_code == 404
