"""One exhibitor's showroom: what it shows, escaped, in the visitor's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Day, PitchProposal, PitchSlot, Session, Video
from tests.showroom.conftest import World, set_company


async def test_showroom_page_shows_the_company(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    client = await as_role("anonymous")
    response = await client.get("/exhibitors/lumicron-laser")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Lumicron Laser</h1>" in page
    assert '<p class="lead">Micro-usinage laser femtoseconde</p>' in page
    assert "<dd>Besançon, Bourgogne-Franche-Comté, France</dd>" in page
    assert "<dd>Laser processes, Micro and nano</dd>" in page
    assert "<dd>Aeronautics, Health and medical devices</dd>" in page
    assert '<a href="https://lumicron.example" rel="noopener nofollow">https://lumicron.example</a>' in page
    # Paragraphs from blank lines, the company's text escaped.
    assert "<p>Stations de micro-usinage.</p><p>Sous-traitance &lt;b&gt;laser&lt;/b&gt;.</p>" in page
    assert f'<li class="speaker-card" id="innovation-{world.innovation.id}">' in page
    assert "<h3>Station femto 5 axes</h3>" in page
    assert "<li>Chloé Colleague</li><li>Julien Marchand</li>" in page


async def test_showroom_page_speaks_french(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    client = await as_role("anonymous")
    client.cookies.set("em_lang", "fr")
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert "<dd>Procédés laser, Micro et nanotechnologies</dd>" in page


async def test_showroom_page_lists_published_videos_only(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    async with sessionmaker() as db, db.begin():
        published = Video(
            company_id=world.company.id,
            title="Découpe de stents",
            source="youtube",
            provider_url="https://www.youtube.com/watch?v=abc",
            is_published=True,
        )
        draft = Video(company_id=world.company.id, title="Brouillon", source="youtube", is_published=False)
        elsewhere = Video(company_id=world.other.id, title="Tomographie", source="vimeo", is_published=True)
        db.add_all([published, draft, elsewhere])
    client = await as_role("anonymous")
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert f'<a href="/videos/{published.id}">Découpe de stents</a>' in page
    assert "Brouillon" not in page
    assert "Tomographie" not in page


async def test_showroom_page_shows_the_accepted_pitch_and_its_published_slot(
    world: World,
    themes: list,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    starts_at = datetime(2020, 9, 22, 12, 0, tzinfo=UTC)
    async with sessionmaker() as db, db.begin():
        day = Day(date=starts_at.date(), theme_id=themes[0].id)
        db.add(day)
        await db.flush()
        session = Session(
            kind="pitch",
            title="Pitch laser",
            day_id=day.id,
            theme_id=themes[0].id,
            starts_at=starts_at,
            ends_at=datetime(2020, 9, 22, 13, 0, tzinfo=UTC),
        )
        accepted = PitchProposal(
            company_id=world.company.id,
            theme_id=themes[0].id,
            title="Le femto pour tous",
            summary="-",
            speaker_name="Julien",
            status="accepted",
        )
        rejected = PitchProposal(
            company_id=world.company.id,
            theme_id=themes[0].id,
            title="Refusé",
            summary="-",
            speaker_name="Julien",
            status="rejected",
        )
        db.add_all([session, accepted, rejected])
        await db.flush()
        slot = PitchSlot(
            proposal_id=accepted.id,
            session_id=session.id,
            position=0,
            starts_at=starts_at,
            ends_at=datetime(2020, 9, 22, 12, 7, tzinfo=UTC),
            is_published=False,
        )
        db.add(slot)
    client = await as_role("anonymous")
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert "Le femto pour tous\n" in page
    assert "time to be announced" in page
    assert "Refusé" not in page
    async with sessionmaker() as db, db.begin():
        (await db.get_one(PitchSlot, slot.id)).is_published = True
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert (
        f'<a href="/sessions/{session.id}"><time datetime="2020-09-22T14:00:00+02:00" data-local>'
        "9/22/20, 2:00\u202fPM</time></a>"
    ) in page
    assert "time to be announced" not in page


async def test_showroom_page_offers_the_contact_form_to_logged_in_outsiders(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    anonymous = await as_role("anonymous")
    page = (await anonymous.get("/exhibitors/lumicron-laser")).text
    assert 'href="/login?next=/exhibitors/lumicron-laser"' in page
    assert 'action="/exhibitors/lumicron-laser/contact"' not in page
    client = await as_role("attendee")
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert 'action="/exhibitors/lumicron-laser/contact"' in page
    assert 'value="Ada Attendee"' in page
    assert 'value="ada.attendee@example.org"' in page
    assert 'value="ACME"' in page  # the organisation typed at registration
    assert "Send my name, company, e-mail and this message to Lumicron Laser</button>" in page


async def test_showroom_page_offers_no_contact_form_to_the_team(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    client = await as_role("member")
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert 'action="/exhibitors/lumicron-laser/contact"' not in page
    assert '<a class="button small secondary" href="/exhibitor-area/showroom">Edit this showroom</a>' in page


async def test_showroom_page_of_an_unknown_slug_answers_404(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    client = await as_role("organiser")
    assert (await client.get("/exhibitors/nobody")).status_code == 404


async def test_showroom_page_without_optional_parts_shows_no_empty_sections(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    await set_company(
        sessionmaker, world.other.id, tagline="", description="", themes=[], sectors=[], website=""
    )
    client = await as_role("anonymous")
    page = (await client.get("/exhibitors/calibrix")).text
    assert "<dt>Themes</dt>" not in page
    assert "<dt>Website</dt>" not in page
    assert 'id="innovations"' not in page
    assert "<dd>Belgium</dd>" in page


async def test_showroom_page_links_only_a_web_address(
    world: World,
    sessionmaker: async_sessionmaker[AsyncSession],
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
) -> None:
    # Written around the form (an import, a console): the page still never links a script address.
    await set_company(sessionmaker, world.company.id, website="javascript:alert(1)")
    client = await as_role("anonymous")
    page = (await client.get("/exhibitors/lumicron-laser")).text
    assert "<dt>Website</dt>" not in page
    assert "javascript:" not in page
