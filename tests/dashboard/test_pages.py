"""The dashboard page and its live JSON through HTTP: who may see them, the date filter, the plots."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import login
from tests.dashboard.world import World

SVG = "{http://www.w3.org/2000/svg}"
SVG_PATTERN = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
URLS = ["/organiser/dashboard", "/organiser/dashboard/live.json"]


def plots_of(html: str) -> dict[str, ET.Element]:
    """Every plot of the page by its id, parsed as XML (a syntax error fails the test)."""
    parsed = [ET.fromstring(svg) for svg in SVG_PATTERN.findall(html)]  # noqa: S314 - our own page
    return {svg.get("id", ""): svg for svg in parsed if svg.get("class") == "plot"}


def marks(svg: ET.Element) -> list[ET.Element]:
    return [el for el in svg.iter() if "mark" in (el.get("class") or "").split()]


def table_numbers(html: str, testid: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', html, re.DOTALL)
    assert table, testid
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.DOTALL)
    return [re.findall(r"<td>(\d+)</td>", row) for row in rows if "<td>" in row]


@pytest.mark.parametrize("url", URLS)
async def test_dashboard_sends_anonymous_visitors_to_login(client: httpx.AsyncClient, url: str) -> None:
    response = await client.get(url)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=" + quote(url)


@pytest.mark.parametrize("exhibitor", [False, True])
@pytest.mark.parametrize("url", URLS)
async def test_dashboard_refuses_attendees_and_exhibitors(
    client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Any]], url: str, exhibitor: bool
) -> None:
    await make_user("someone@example.org", exhibitor=exhibitor)
    await login(client, "someone@example.org")
    assert (await client.get(url)).status_code == 403


async def test_dashboard_shows_each_figure_with_its_plot_and_table(
    organiser: httpx.AsyncClient, world: World
) -> None:
    response = await organiser.get("/organiser/dashboard?from=2020-09-22&to=2020-09-22")
    assert response.status_code == 200
    html = response.text
    assert 'href="/organiser/dashboard"' in html  # the console navigation
    plots = plots_of(html)
    assert set(plots) == {
        "plot-registrations",
        "plot-attendance",
        "plot-activity",
        "plot-sessions",
        "plot-video-views",
        "plot-leads",
        "plot-requests",
        "plot-meetings",
        "plot-participants",
    }
    for svg in plots.values():
        assert svg.get("role") == "img"
        assert svg.find(f"{SVG}title") is not None and svg.find(f"{SVG}title").text
        # Every data point is a mark with its own tooltip.
        assert all(mark.find(f"{SVG}title") is not None for mark in marks(svg))
    # One day: one registration point; two sessions x (viewers, peak); 24 hours x (chat, questions).
    assert len(marks(plots["plot-registrations"])) == 1
    assert len(marks(plots["plot-attendance"])) == 4
    assert len(marks(plots["plot-activity"])) == 48
    assert len(marks(plots["plot-requests"])) == 6
    assert len(marks(plots["plot-meetings"])) == 4
    assert len(marks(plots["plot-participants"])) == 2
    assert [int(mark.get("data-value")) for mark in marks(plots["plot-video-views"])] == [2, 1]
    # The tables behind the plots.
    assert table_numbers(html, "attendance-table") == [["5", "3"], ["3", "2"]]
    # Requests were all sent on the 21st and 24th; the meetings' slots are on the 22nd.
    assert table_numbers(html, "requests-table") == [["0"]] * 6 + [["0"]]
    assert table_numbers(html, "meetings-table")[0] == ["2"]
    assert table_numbers(html, "participants-table") == [["4"], ["1"]]


async def test_dashboard_of_an_empty_period_says_so(organiser: httpx.AsyncClient, world: World) -> None:
    response = await organiser.get("/organiser/dashboard?from=2021-01-01&to=2021-01-02")
    assert response.status_code == 200
    for name in ("attendance", "activity", "sessions", "video_views", "leads"):
        assert f'data-testid="empty-{name}"' in response.text
    # A bounded period draws its days, even empty ones.
    assert len(marks(plots_of(response.text)["plot-registrations"])) == 2


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=2020-13-01", "from", "Enter a date as YYYY-MM-DD."),
        ("to=22/09/2020", "to", "Enter a date as YYYY-MM-DD."),
        ("from=2020-09-23&to=2020-09-22", "to", "The end must be on or after the start."),
        ("from=0001-01-01", "from", "Choose a date between 2000 and 2100."),
        ("from=2020-01-01&to=2021-12-31", "to", "Choose at most 366 days."),
    ],
)
async def test_dashboard_date_filter_refuses_bad_dates_next_to_the_field(
    organiser: httpx.AsyncClient, query: str, field: str, message: str
) -> None:
    response = await organiser.get("/organiser/dashboard?" + query)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert plots_of(response.text) == {}


async def test_dashboard_date_filter_keeps_the_chosen_dates(
    organiser: httpx.AsyncClient, world: World
) -> None:
    response = await organiser.get("/organiser/dashboard?from=2020-09-21&to=2020-09-24")
    assert 'value="2020-09-21"' in response.text
    assert 'value="2020-09-24"' in response.text
    # The whole fair: seven requests; from the 21st to the 21st: six.
    assert sum(int(n[0]) for n in table_numbers(response.text, "requests-table")[:6]) == 7
    only_21 = await organiser.get("/organiser/dashboard?from=2020-09-21&to=2020-09-21")
    assert table_numbers(only_21.text, "requests-table")[-1] == ["6"]


async def test_live_json_gives_the_live_figures(organiser: httpx.AsyncClient, world: World) -> None:
    response = await organiser.get("/organiser/dashboard/live.json")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    # The organiser's own login session is the only one seen now; the fair of the fixture was in 2020.
    assert {key: body[key] for key in ("online", "rooms_live", "in_rooms")} == {
        "online": 1,
        "rooms_live": 0,
        "in_rooms": 0,
    }


async def test_dashboard_page_loads_the_live_script_from_static(organiser: httpx.AsyncClient) -> None:
    response = await organiser.get("/organiser/dashboard")
    assert '<script type="module" src="/static/js/dashboard-live.js"></script>' in response.text
    assert 'data-live-url="/organiser/dashboard/live.json"' in response.text
    script = await organiser.get("/static/js/dashboard-live.js")
    assert script.status_code == 200
