"""Leads: the contact form of a showroom, `create_lead` for other areas, the company's list and its CSV."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.forms import Form
from emicronora.models import Company, Lead, User, Video
from emicronora.showroom.leads import MAX_LEADS_PER_HOUR, create_lead
from emicronora.spreadsheets import safe_cell
from tests.conftest import post_form
from tests.showroom.conftest import World, set_company, showroom_state

CONTACT = {
    "name": "Ada Attendee",
    "company": "Université de Franche-Comté",
    "email": "ada.attendee@example.org",
    "message": "Bonjour,\npouvez-vous percer du saphir ?",
}


async def all_leads(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Lead]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(Lead).order_by(Lead.id))).all())


async def test_lead_contact_form_sends_what_the_visitor_wrote(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = await as_role("attendee")
    response = await post_form(client, "/exhibitors/lumicron-laser/contact", CONTACT)
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitors/lumicron-laser?contacted=1#contact"
    (lead,) = await all_leads(sessionmaker)
    assert (lead.company_id, lead.visitor_id, lead.name, lead.company_name, lead.email, lead.message) == (
        world.company.id,
        world.attendee.id,
        "Ada Attendee",
        "Université de Franche-Comté",
        "ada.attendee@example.org",
        "Bonjour,\npouvez-vous percer du saphir ?",
    )
    page = (await client.get("/exhibitors/lumicron-laser?contacted=1")).text
    assert "Your message has been sent to Lumicron Laser." in page


BAD_INPUTS = [
    ({"name": ""}, "name", "This field is required."),
    ({"email": ""}, "email", "This field is required."),
    ({"email": "ada@"}, "email", "Enter a valid e-mail address."),
    ({"message": "m" * 2001}, "message", "At most 2000 characters."),
    ({"company": "c" * 201}, "company", "At most 200 characters."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), BAD_INPUTS, ids=[f"{f}-{m}" for _c, f, m in BAD_INPUTS]
)
async def test_lead_contact_form_rerenders_bad_input_with_message_next_to_field(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    client = await as_role("attendee")
    before = await showroom_state(sessionmaker)
    response = await post_form(client, "/exhibitors/lumicron-laser/contact", {**CONTACT, **changes})
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert "pouvez-vous percer du saphir ?</textarea>" in response.text or field == "message"
    assert await showroom_state(sessionmaker) == before


async def test_lead_contact_form_requires_login(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = await as_role("anonymous")
    response = await post_form(client, "/exhibitors/lumicron-laser/contact", CONTACT)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/exhibitors/lumicron-laser/contact"
    assert await all_leads(sessionmaker) == []


async def test_lead_contact_form_of_an_unapproved_showroom_answers_404(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await set_company(sessionmaker, world.company.id, is_approved=False)
    client = await as_role("organiser")
    response = await post_form(client, "/exhibitors/lumicron-laser/contact", CONTACT)
    assert response.status_code == 404
    assert await all_leads(sessionmaker) == []


async def test_lead_contact_form_from_the_team_itself_is_refused(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    client = await as_role("member")
    response = await post_form(client, "/exhibitors/lumicron-laser/contact", CONTACT)
    assert response.status_code == 400
    assert await all_leads(sessionmaker) == []


async def test_lead_contact_form_is_capped_per_hour(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add_all(
            Lead(company_id=world.other.id, visitor_id=world.attendee.id, name="Ada", email="a@example.org")
            for _ in range(MAX_LEADS_PER_HOUR)
        )
    client = await as_role("attendee")
    response = await post_form(client, "/exhibitors/lumicron-laser/contact", CONTACT)
    assert response.status_code == 400
    message = "You have sent many messages in the last hour. Please retry later."
    assert f'<p class="error" id="e-message">{message}</p>' in response.text
    assert len(await all_leads(sessionmaker)) == MAX_LEADS_PER_HOUR


async def test_lead_create_keeps_the_video_of_the_same_company_only(
    world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        own = Video(company_id=world.company.id, title="Stents", source="youtube", is_published=True)
        foreign = Video(company_id=world.other.id, title="CT", source="youtube", is_published=True)
        db.add_all([own, foreign])
    async with sessionmaker() as db, db.begin():
        company = await db.get_one(Company, world.company.id)
        visitor = await db.get_one(User, world.attendee.id)
        with_own = await create_lead(db, Form(values=dict(CONTACT)), company, visitor, own)
        with_foreign = await create_lead(db, Form(values=dict(CONTACT)), company, visitor, foreign)
        refused_form = Form(values={**CONTACT, "email": "nope"})
        refused = await create_lead(db, refused_form, company, visitor)
    assert (with_own.video_id, with_foreign.video_id, refused) == (own.id, None, None)
    assert list(refused_form.errors) == ["email"]


async def test_lead_list_shows_the_company_leads_newest_first(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add_all(
            [
                Lead(
                    company_id=world.company.id,
                    name="Premier",
                    email="p@example.org",
                    created_at=datetime(2020, 9, 22, 8, 0, tzinfo=UTC),
                ),
                Lead(
                    company_id=world.company.id,
                    name="Second",
                    email="s@example.org",
                    message="<script>x</script>",
                    created_at=datetime(2020, 9, 22, 9, 0, tzinfo=UTC),
                ),
                Lead(company_id=world.other.id, name="Ailleurs", email="a@example.org"),
            ]
        )
    client = await as_role("member")
    page = (await client.get("/exhibitor-area/leads")).text
    assert page.index("<td>Second</td>") < page.index("<td>Premier</td>")
    assert "Ailleurs" not in page
    assert "<p>&lt;script&gt;x&lt;/script&gt;</p>" in page
    assert 'href="/exhibitor-area/leads.csv"' in page


async def test_lead_csv_is_utf8_with_bom_and_injection_safe(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as db, db.begin():
        video = Video(company_id=world.company.id, title="Stents", source="youtube", is_published=True)
        db.add(video)
        await db.flush()
        db.add_all(
            [
                Lead(
                    company_id=world.company.id,
                    name="Léa Besson",
                    company_name="Université de Franche-Comté",
                    email="lea@example.org",
                    message="Bonjour,\nun devis ?",
                    video_id=video.id,
                    created_at=datetime(2020, 9, 22, 8, 30, tzinfo=UTC),
                ),
                Lead(
                    company_id=world.company.id,
                    name='=HYPERLINK("http://evil.example","clic")',
                    company_name="+33 1 23",
                    email="@evil.example",
                    message="-2+3",
                    created_at=datetime(2020, 9, 22, 7, 0, tzinfo=UTC),
                ),
            ]
        )
    client = await as_role("member")
    response = await client.get("/exhibitor-area/leads.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"leads-lumicron-laser.csv\"; filename*=UTF-8''leads-lumicron-laser.csv"
    )
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.decode("utf-8-sig") == (
        "Received (Europe/Paris),Name,Company,E-mail,Message,Video\r\n"
        '2020-09-22T10:30+02:00,Léa Besson,Université de Franche-Comté,lea@example.org,"Bonjour,\n'
        'un devis ?",Stents\r\n'
        '2020-09-22T09:00+02:00,"\'=HYPERLINK(""http://evil.example"",""clic"")",\'+33 1 23,'
        "'@evil.example,'-2+3,\r\n"
    )


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@a", "'@a"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
    ],
)
def test_lead_safe_cell_quotes_formula_starts(value: str, safe: str) -> None:
    assert safe_cell(value) == safe


async def test_lead_list_of_a_removed_member_is_refused(
    world: World,
    as_role: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.id == world.member.id).values(company_id=None))
    client = await as_role("member")
    assert (await client.get("/exhibitor-area/leads")).status_code == 403
    assert (await client.get("/exhibitor-area/leads.csv")).status_code == 403
