from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, update

from emicronora.models import Session, Star
from emicronora.programme.domain import session_status
from tests.conftest import login, post_form


async def test_programme_lists_every_day_with_its_sessions_in_time_order(
    client: httpx.AsyncClient, make_programme
) -> None:
    await make_programme()
    client.cookies.set("em_lang", "en")
    page = await client.get("/programme")
    assert page.status_code == 200
    text = page.text
    assert text.index("Tuesday, September 22, 2020") < text.index("Soudage laser de boîtiers titane")
    assert text.index("Soudage laser de boîtiers titane") < text.index("Pitch laser")
    assert (
        text.index("Pitch laser")
        < text.index("Wednesday, September 23, 2020")
        < text.index("Tomographie industrielle")
    )
    assert "Marie Curie-Laser (FEMTO-ST)" in text


async def test_programme_filters_by_day_theme_and_format(client: httpx.AsyncClient, make_programme) -> None:
    await make_programme()
    by_day = (await client.get("/programme?day=2020-09-23")).text
    assert "Tomographie industrielle" in by_day and "Soudage laser" not in by_day
    by_theme = (await client.get("/programme?theme=laser")).text
    assert "Soudage laser" in by_theme and "Tomographie" not in by_theme
    pitches = (await client.get("/programme?kind=pitch")).text
    assert "Pitch laser" in pitches and "Soudage laser" not in pitches


async def test_programme_answers_404_for_an_unknown_day_or_theme(
    client: httpx.AsyncClient, make_programme
) -> None:
    await make_programme()
    assert (await client.get("/programme?day=2021-01-01")).status_code == 404
    assert (await client.get("/programme?day=not-a-date")).status_code == 404
    assert (await client.get("/programme?theme=nope")).status_code == 404


async def test_session_page_shows_details_times_and_status(client: httpx.AsyncClient, make_programme) -> None:
    programme = await make_programme()
    client.cookies.set("em_lang", "en")
    page = await client.get(f"/sessions/{programme['welding'].id}")
    assert page.status_code == 200
    assert "<h1>Soudage laser de boîtiers titane</h1>" in page.text
    assert '<time datetime="2020-09-22T10:00:00+02:00" data-local>10:00\u202fAM</time>' in page.text
    assert 'data-testid="session-status">Ended<' in page.text
    cancelled = await client.get(f"/sessions/{programme['tomography'].id}")
    assert 'data-testid="session-status">Cancelled<' in cancelled.text
    assert "This session has been cancelled." in cancelled.text
    assert (await client.get("/sessions/999999")).status_code == 404


async def test_session_status_follows_the_clock(make_programme) -> None:
    programme = await make_programme()
    welding: Session = programme["welding"]  # type: ignore[assignment]
    assert session_status(welding, welding.starts_at - timedelta(minutes=1)) == "upcoming"
    assert session_status(welding, welding.starts_at) == "live"
    assert session_status(welding, welding.ends_at) == "ended"
    welding.is_cancelled = True
    assert session_status(welding, welding.starts_at) == "cancelled"


async def test_home_page_shows_live_sessions(client: httpx.AsyncClient, make_programme, sessionmaker) -> None:
    programme = await make_programme()
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(Session)
            .where(Session.id == programme["pitch"].id)
            .values(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=55))
        )
    client.cookies.set("em_lang", "en")
    page = await client.get("/")
    live_section = page.text.split("Live now", 1)[1].split("Four themed days", 1)[0]
    assert "Pitch laser" in live_section
    assert "Soudage laser" not in live_section


async def test_starred_sessions_make_the_personal_agenda_by_day(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker
) -> None:
    programme = await make_programme()
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    client.cookies.set("em_lang", "en")
    for key in ("tomography", "welding", "welding"):  # starring twice keeps one star
        response = await post_form(client, f"/sessions/{programme[key].id}/star", {}, token_from="/agenda")
        assert response.status_code == 303
    agenda = (await client.get("/agenda")).text
    assert agenda.index("Tuesday, September 22, 2020") < agenda.index("Soudage laser")
    assert (
        agenda.index("Soudage laser")
        < agenda.index("Wednesday, September 23, 2020")
        < agenda.index("Tomographie")
    )
    assert "Pitch laser" not in agenda
    async with sessionmaker() as db:
        assert len((await db.scalars(select(Star))).all()) == 2
    await post_form(client, f"/sessions/{programme['welding'].id}/unstar", {}, token_from="/agenda")
    agenda = (await client.get("/agenda")).text
    assert "Soudage laser" not in agenda and "Tomographie" in agenda


async def test_agenda_needs_a_login_and_starring_an_unknown_session_is_404(
    client: httpx.AsyncClient, make_user
) -> None:
    response = await client.get("/agenda")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=/agenda"
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    assert (await post_form(client, "/sessions/424242/star", {}, token_from="/agenda")).status_code == 404


async def test_anonymous_visitor_cannot_star(client: httpx.AsyncClient, make_programme) -> None:
    programme = await make_programme()
    response = await post_form(client, f"/sessions/{programme['welding'].id}/star", {})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
