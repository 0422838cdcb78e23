"""Who may do what with a showroom: every route against every role. A refusal writes nothing; a company
that an exhibitor may not know about answers 404; someone with no business in the area gets a 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import TeamInvitation
from emicronora.showroom.invitations import digest
from tests.conftest import post_form
from tests.showroom.conftest import World, set_company, showroom_state

ROLES = ("anonymous", "attendee", "other_exhibitor", "member", "organiser")
SHOWROOM_FORM = {
    "name": "Lumicron Laser SAS",
    "slug": "lumicron-laser",
    "tagline": "Micro-usinage",
    "description": "Nouveau texte.",
    "themes": "laser",
    "sectors": "health",
    "country": "FR",
    "region": "",
    "city": "Besançon",
    "website": "https://lumicron.example",
}
INNOVATION_FORM = {"title": "Station femto 6 axes", "description": "Plus rapide."}

LOGIN = 303  # anonymous visitors are sent to the login page


def area(ok: int) -> dict[str, int]:
    """The exhibitor area: the company's team and organisers; other exhibitors may not learn it exists."""
    return {"anonymous": LOGIN, "attendee": 403, "other_exhibitor": 404, "member": ok, "organiser": ok}


def organisers_only(ok: int) -> dict[str, int]:
    return {"anonymous": LOGIN, "attendee": 403, "other_exhibitor": 403, "member": 403, "organiser": ok}


def team_only(ok: int) -> dict[str, int]:
    """Leads are what visitors sent to the company alone: not even organisers read them."""
    return {"anonymous": LOGIN, "attendee": 403, "other_exhibitor": 404, "member": ok, "organiser": 403}


# (method, path, form data, expected status per role). Placeholders are ids of the `world` fixture.
ROUTES: list[tuple[str, str, dict[str, str], dict[str, int]]] = [
    ("GET", "/exhibitor-area/showroom?company={company}", {}, area(200)),
    ("POST", "/exhibitor-area/showroom?company={company}", SHOWROOM_FORM, area(303)),
    ("GET", "/organiser/showrooms/{company}/edit", {}, organisers_only(200)),
    ("POST", "/organiser/showrooms/{company}/edit", SHOWROOM_FORM, organisers_only(303)),
    ("GET", "/exhibitor-area/innovations/new?company={company}", {}, area(200)),
    ("POST", "/exhibitor-area/innovations/new?company={company}", INNOVATION_FORM, area(303)),
    ("GET", "/exhibitor-area/innovations/{innovation}/edit", {}, area(200)),
    ("POST", "/exhibitor-area/innovations/{innovation}/edit", INNOVATION_FORM, area(303)),
    ("POST", "/exhibitor-area/innovations/{innovation}/delete", {}, area(303)),
    ("POST", "/exhibitor-area/innovations/{innovation}/move", {"direction": "down"}, area(303)),
    ("GET", "/organiser/showrooms", {}, organisers_only(200)),
    ("POST", "/organiser/showrooms/{company}/approve", {}, organisers_only(303)),
    ("POST", "/organiser/showrooms/{company}/unapprove", {}, organisers_only(303)),
    ("GET", "/exhibitor-area/team?company={company}", {}, area(200)),
    ("POST", "/exhibitor-area/team/invite?company={company}", {"email": "new@example.org"}, area(200)),
    ("POST", "/exhibitor-area/team/members/{colleague}/remove?company={company}", {}, area(303)),
    ("POST", "/exhibitor-area/team/invitations/{invitation}/revoke?company={company}", {}, area(303)),
    ("GET", "/exhibitor-area/leads?company={company}", {}, team_only(200)),
    ("GET", "/exhibitor-area/leads.csv?company={company}", {}, team_only(200)),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _data, _expected in ROUTES]
CASES = [(role, *route) for route in ROUTES for role in ROLES]
CASE_IDS = [f"{role}-{route_id}" for route_id in ROUTE_IDS for role in ROLES]


async def add_invitation(sessionmaker: async_sessionmaker[AsyncSession], company_id: int) -> int:
    async with sessionmaker() as db, db.begin():
        invitation = TeamInvitation(
            company_id=company_id,
            email="invited@example.org",
            token_digest=digest("a-secret-token"),
            created_at=datetime.now(UTC),
        )
        db.add(invitation)
        await db.flush()
        return invitation.id


async def call(
    client: httpx.AsyncClient, method: str, path: str, data: dict[str, str], ids: dict[str, int]
) -> httpx.Response:
    url = path.format(**ids)
    if method == "GET":
        return await client.get(url)
    return await post_form(client, url, data)


@pytest.mark.parametrize(("role", "method", "path", "data", "expected"), CASES, ids=CASE_IDS)
async def test_showroom_route_answers_each_role(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
    role: str,
    method: str,
    path: str,
    data: dict[str, str],
    expected: dict[str, int],
) -> None:
    ids = {
        "company": world.company.id,
        "innovation": world.innovation.id,
        "colleague": world.colleague.id,
        "invitation": await add_invitation(sessionmaker, world.company.id),
    }
    client = await as_role(role)
    before = await showroom_state(sessionmaker)
    response = await call(client, method, path, data, ids)
    assert response.status_code == expected[role], response.text
    if expected[role] == LOGIN and role == "anonymous":
        assert response.headers["location"] == "/login?next=" + quote(path.format(**ids), safe="/")
    if expected[role] >= 400:
        assert await showroom_state(sessionmaker) == before


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 404), ("attendee", 404), ("other_exhibitor", 404), ("member", 200), ("organiser", 200)],
)
async def test_showroom_unapproved_is_seen_by_its_team_and_organisers_only(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
    role: str,
    status: int,
) -> None:
    await set_company(sessionmaker, world.company.id, is_approved=False)
    client = await as_role(role)
    response = await client.get("/exhibitors/lumicron-laser")
    assert response.status_code == status
    if status == 200:
        assert 'data-testid="not-public"' in response.text
        assert "This showroom is not yet public" in response.text
    else:
        assert "Lumicron" not in response.text


@pytest.mark.parametrize("role", ["anonymous", "attendee", "other_exhibitor", "member", "organiser"])
async def test_showroom_approved_is_public_without_banner(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]], role: str
) -> None:
    client = await as_role(role)
    response = await client.get("/exhibitors/lumicron-laser")
    assert response.status_code == 200
    assert 'data-testid="not-public"' not in response.text


async def test_showroom_of_a_company_that_does_not_exhibit_answers_404(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await set_company(sessionmaker, world.company.id, is_exhibitor=False)
    client = await as_role("organiser")
    assert (await client.get("/exhibitors/lumicron-laser")).status_code == 404
    assert (await client.get(f"/organiser/showrooms/{world.company.id}/edit")).status_code == 404
    assert (await client.get(f"/exhibitor-area/innovations/{world.innovation.id}/edit")).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/exhibitor-area/showroom?company=999999",
        "/exhibitor-area/showroom?company=abc",
        "/exhibitor-area/innovations/999999/edit",
        "/organiser/showrooms/999999/edit",
    ],
)
async def test_showroom_area_answers_404_for_an_unknown_id(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]], path: str
) -> None:
    client = await as_role("organiser")
    assert (await client.get(path)).status_code == 404


async def test_showroom_area_without_a_company_refuses_an_organiser(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    client = await as_role("organiser")
    assert (await client.get("/exhibitor-area/showroom")).status_code == 403


async def test_showroom_post_without_csrf_token_is_refused(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = await as_role("member")
    before = await showroom_state(sessionmaker)
    response = await client.post(f"/exhibitor-area/innovations/{world.innovation.id}/delete")
    assert response.status_code == 403
    response = await client.post("/exhibitor-area/showroom", data=SHOWROOM_FORM)
    assert response.status_code == 403
    assert await showroom_state(sessionmaker) == before


@pytest.mark.parametrize(("role", "shown"), [("attendee", False), ("member", True), ("organiser", False)])
async def test_showroom_nav_link_is_shown_to_exhibitors_only(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]], role: str, shown: bool
) -> None:
    client = await as_role(role)
    page = (await client.get("/programme")).text
    assert ('href="/exhibitor-area/showroom">My showroom</a>' in page) is shown
