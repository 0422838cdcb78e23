"""The printable programme of a day: its sessions by time with speakers and theme, in the reader's
language, with a print stylesheet."""

from __future__ import annotations

import re
from typing import Any

import httpx

from emicronora.settings import PROJECT_ROOT


def session_rows(html: str) -> list[str]:
    rows = re.findall(r'<tr data-testid="print-session"[^>]*>(.*?)</tr>', html, flags=re.S)
    # Collapses the template's spacing but keeps the narrow no-break space that English times use.
    return [re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


async def test_printable_programme_lists_the_days_sessions_by_time_with_speakers_and_theme(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    day1 = fair["days"][0]
    response = await organiser.get(f"/organiser/exports/programme/{day1.id}")
    assert response.status_code == 200
    html = response.text
    assert '<link rel="stylesheet" href="/static/css/print.css">' in html
    assert "Tuesday, September 22, 2020" in html
    assert session_rows(html) == [
        "10:00\u202fAM – 11:00\u202fAM Soudage laser de boîtiers titane Marie Curie-Laser (FEMTO-ST) "
        "Laser processes",
        "2:00\u202fPM – 3:00\u202fPM Pitch laser Pitch session Laser processes",
    ]
    day2 = fair["days"][1]
    cancelled = session_rows((await organiser.get(f"/organiser/exports/programme/{day2.id}")).text)
    assert cancelled == ["9:00\u202fAM – 10:00\u202fAM Tomographie industrielle Cancelled Metrology"]


async def test_printable_programme_speaks_the_readers_language(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    organiser.cookies.set("em_lang", "fr")
    html = (await organiser.get(f"/organiser/exports/programme/{fair['days'][0].id}")).text
    assert '<html lang="fr">' in html
    assert "mardi 22 septembre 2020" in html
    assert session_rows(html)[0] == (
        "10:00 – 11:00 Soudage laser de boîtiers titane Marie Curie-Laser (FEMTO-ST) Procédés laser"
    )


async def test_unknown_day_is_not_found(organiser: httpx.AsyncClient) -> None:
    assert (await organiser.get("/organiser/exports/programme/999999")).status_code == 404


async def test_print_stylesheet_hides_the_site_around_the_programme(client: httpx.AsyncClient) -> None:
    response = await client.get("/static/css/print.css")
    assert response.status_code == 200
    printed = response.text.split("@media print", 1)[1]
    assert ".site-header, .site-footer, .skip, .no-print" in printed
    assert "break-inside: avoid" in printed
    assert (PROJECT_ROOT / "static" / "js" / "exports-print.js").is_file()
