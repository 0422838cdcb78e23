"""A small fair to export: attendees with French names (and one whose name is a formula), an organiser
logged in speaking English, room visits with attendance that is easy to count by hand, leads of two
exhibitors, two B2B meetings and two questions, every row at a fixed date."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import (
    B2BProfile,
    Company,
    Lead,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Question,
    RoomVisit,
    User,
)
from tests.conftest import login, paris

ORGANISER = "olga.organiser@example.org"
DAY1, DAY2 = date(2020, 9, 22), date(2020, 9, 23)


def read_csv(body: bytes) -> list[list[str]]:
    """What a spreadsheet app reads: the BOM tells it the encoding, then plain CSV."""
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
async def organiser(client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Any]]) -> httpx.AsyncClient:
    await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    client.cookies.set("em_lang", "en")
    await login(client, ORGANISER)
    return client


def _user(email: str, name: str, company: str, registered: datetime, **values: Any) -> User:
    return User(
        email=email,
        name=name,
        company_name=company,
        country="FR",
        password_hash="!",
        terms_accepted_at=registered,
        created_at=registered,
        **values,
    )


@pytest.fixture
async def fair(
    organiser: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, Any]:
    programme = await make_programme(DAY1)
    welding, pitch = programme["welding"], programme["pitch"]
    async with sessionmaker() as db, db.begin():
        # The organiser registered long before everyone else.
        await db.execute(
            update(User).where(User.email == ORGANISER).values(created_at=paris(date(2020, 6, 1), 9))
        )
        optique = Company(name="Optique Précise", country="FR", is_exhibitor=True, b2b_role="buyer")
        acme = Company(name="Acme Lasers", country="DE", is_exhibitor=True)
        db.add_all([optique, acme])
        await db.flush()
        zoe = _user(
            "zoe@example.org",
            "Zoé Électronique",
            "Électro Besançon",
            paris(date(2020, 9, 1), 10),
            locale="fr",
            email_confirmed_at=paris(date(2020, 9, 1), 10, 5),
        )
        bob = _user(
            "bob@example.org",
            "Bob Bâtisseur",
            "ignored when a company is linked",
            paris(date(2020, 9, 15), 18),
            locale="en",
            company_id=optique.id,
        )
        eve = _user("eve@example.org", '=HYPERLINK("http://evil")', "+Evil", paris(date(2020, 9, 21), 23, 30))
        db.add_all([zoe, bob, eve])
        await db.flush()

        # The welding webinar runs 10:00-11:00: Zoé 10:00-10:30 and again from 10:40 (never closed: counted
        # until 11:00), Bob 10:10-10:50, Eve 10:30-10:45 (arriving as Zoé leaves). Three people at most at
        # once (10:40-10:45), three unique viewers, 30 + 20 + 40 + 15 = 105 minutes.
        db.add_all(
            [
                RoomVisit(
                    session_id=welding.id,
                    user_id=zoe.id,
                    joined_at=paris(DAY1, 10),
                    left_at=paris(DAY1, 10, 30),
                ),
                RoomVisit(session_id=welding.id, user_id=zoe.id, joined_at=paris(DAY1, 10, 40)),
                RoomVisit(
                    session_id=welding.id,
                    user_id=bob.id,
                    joined_at=paris(DAY1, 10, 10),
                    left_at=paris(DAY1, 10, 50),
                ),
                RoomVisit(
                    session_id=welding.id,
                    user_id=eve.id,
                    joined_at=paris(DAY1, 10, 30),
                    left_at=paris(DAY1, 10, 45),
                ),
                # The pitch session: Bob alone for five minutes.
                RoomVisit(
                    session_id=pitch.id,
                    user_id=bob.id,
                    joined_at=paris(DAY1, 14),
                    left_at=paris(DAY1, 14, 5),
                ),
            ]
        )
        db.add_all(
            [
                Lead(
                    company_id=optique.id,
                    visitor_id=zoe.id,
                    name="Zoé Électronique",
                    company_name="Électro Besançon",
                    email="zoe@example.org",
                    message="Très intéressée par vos têtes de mesure.",
                    created_at=paris(DAY1, 11, 15),
                ),
                Lead(
                    company_id=optique.id,
                    visitor_id=eve.id,
                    name="Eve",
                    company_name="-2+3",
                    email="eve@example.org",
                    message="=cmd|' /C calc'!A0",
                    created_at=paris(DAY2, 9),
                ),
                Lead(
                    company_id=acme.id,
                    visitor_id=bob.id,
                    name="Bob Bâtisseur",
                    company_name="Optique Précise",
                    email="bob@example.org",
                    created_at=paris(DAY1, 16),
                ),
            ]
        )
        db.add_all(
            [
                Question(
                    session_id=welding.id,
                    user_id=zoe.id,
                    body="Quelle épaisseur de titane ?",
                    votes=3,
                    status="answered",
                    created_at=paris(DAY1, 10, 20),
                ),
                Question(
                    session_id=welding.id,
                    user_id=eve.id,
                    body="@SUM(1+1)",
                    votes=0,
                    status="pending",
                    created_at=paris(DAY1, 10, 35),
                ),
            ]
        )
        buyer = B2BProfile(user_id=bob.id, role="buyer")
        supplier = B2BProfile(user_id=zoe.id, role="supplier")
        other = B2BProfile(user_id=eve.id, role="supplier")
        slot = MeetingSlot(starts_at=paris(date(2020, 9, 24), 14), ends_at=paris(date(2020, 9, 24), 14, 20))
        db.add_all([buyer, supplier, other, slot])
        await db.flush()
        asked = paris(date(2020, 9, 10), 12)
        requests = [
            MeetingRequest(
                requester_id=first.id,
                recipient_id=second.id,
                status="accepted",
                created_at=asked,
                expires_at=asked + timedelta(days=3),
                responded_at=asked,
            )
            for first, second in ((buyer, supplier), (buyer, other))
        ]
        db.add_all(requests)
        await db.flush()
        placed = Meeting(
            request_id=requests[0].id,
            first_id=buyer.id,
            second_id=supplier.id,
            slot_id=slot.id,
            is_published=True,
            room_url="https://meet.example.org/r1",
        )
        waiting = Meeting(request_id=requests[1].id, first_id=buyer.id, second_id=other.id)
        db.add_all([placed, waiting])
        await db.flush()
    return {
        **programme,
        "zoe": zoe,
        "bob": bob,
        "eve": eve,
        "meetings": (placed, waiting),
        "now": datetime.now(UTC),
    }
