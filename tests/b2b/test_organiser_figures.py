from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from emicronora.models import B2BProfile, Meeting, MeetingRequest
from tests.b2b.organiser_world import (
    BASE,
    FAIR_DAY,
    accepted_meeting,
    log_in_organiser,
    make_slots,
    participant,
    place,
)


async def request_in(
    sessionmaker, first: int, second: int, status: str, *, expires_in_hours: int = 48
) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(
            MeetingRequest(
                requester_id=first,
                recipient_id=second,
                status=status,
                expires_at=datetime.now(UTC) + timedelta(hours=expires_in_hours),
            )
        )


def figure(page: str, name: str) -> int:
    match = re.search(rf'data-figure="{name}">(\d+)<', page)
    assert match, name
    return int(match.group(1))


async def test_figures_count_requests_meetings_and_participants_without_a_meeting(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    a, b, c, d, e = [
        await participant(sessionmaker, name)
        for name in ("Ada Buyer", "Bob Supplier", "Cyd Supplier", "Dan Buyer", "Eve Dormant")
    ]
    async with sessionmaker() as db, db.begin():
        await db.execute(update(B2BProfile).where(B2BProfile.id == e).values(is_active=False))
    s0, s1 = await make_slots(sessionmaker, FAIR_DAY, [(14, 0), (14, 20)])
    published, draft, _waiting, cancelled = [
        await accepted_meeting(sessionmaker, x, y) for x, y in ((a, b), (a, c), (b, c), (c, d))
    ]
    await place(sessionmaker, published, s0, published=True)
    await place(sessionmaker, draft, s1)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(Meeting, cancelled)).status = "cancelled"
    # 4 accepted (above), 2 declined, 1 expired, 1 pending past its expiry (expired too), 1 pending,
    # 1 awaiting approval, 1 withdrawn: 11 requests sent.
    for status in ("declined", "declined", "expired"):
        await request_in(sessionmaker, d, a, status)
    await request_in(sessionmaker, d, b, "pending", expires_in_hours=-1)
    await request_in(sessionmaker, d, c, "pending")
    await request_in(sessionmaker, b, d, "awaiting_approval")
    await request_in(sessionmaker, a, d, "withdrawn")
    await log_in_organiser(client, make_user)

    page = (await client.get(BASE)).text
    expected = {
        "sent": 11,
        "accepted": 4,
        "declined": 2,
        "expired": 2,
        "pending": 1,
        "awaiting_approval": 1,
        "withdrawn": 1,
        "meetings": 3,
        "scheduled": 2,
        "published": 1,
        "unscheduled": 1,
        "cancelled": 1,
        "participants": 4,
        "without_meeting": 1,
    }
    assert {name: figure(page, name) for name in expected} == expected
    lonely = page.split('data-testid="without-meeting">')[1].split("</ul>")[0]
    assert "Dan Buyer" in lonely and "Bob" not in lonely and "Eve" not in lonely
