"""Factories for the organiser's B2B tests (participants, accepted meetings, slots, unavailability) and
helpers to log in as the organiser and wait for a scheduler run."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import (
    B2BProfile,
    B2BSettings,
    Company,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    ParticipantSlot,
    Unavailability,
    User,
)
from tests.conftest import login, paris

Maker = async_sessionmaker[AsyncSession]
ORGANISER = "olga.organiser@example.org"
FAIR_DAY = date(2020, 9, 22)
BASE = "/organiser/b2b"


async def participant(
    sessionmaker: Maker, name: str, company: str = "", *, role: str = "buyer", max_meetings: int | None = None
) -> int:
    """A B2B participant (account, company, profile); returns the profile id."""
    async with sessionmaker() as db, db.begin():
        firm = Company(name=company or f"{name} SA", country="FR", b2b_role=role)
        db.add(firm)
        await db.flush()
        slug = re.sub(r"[^a-z]+", ".", name.lower())
        user = User(
            email=f"{slug}@example.org",
            name=name,
            company_name=firm.name,
            country="FR",
            company_id=firm.id,
            password_hash="-",
            terms_accepted_at=datetime.now(UTC),
        )
        db.add(user)
        await db.flush()
        profile = B2BProfile(user_id=user.id, role=role, max_meetings=max_meetings)
        db.add(profile)
        await db.flush()
        return profile.id


async def accepted_meeting(sessionmaker: Maker, first: int, second: int, *, priority: int = 1) -> int:
    async with sessionmaker() as db, db.begin():
        now = datetime.now(UTC)
        request = MeetingRequest(
            requester_id=first,
            recipient_id=second,
            status="accepted",
            priority=priority,
            expires_at=now + timedelta(days=3),
            responded_at=now,
        )
        db.add(request)
        await db.flush()
        meeting = Meeting(
            request_id=request.id, first_id=first, second_id=second, room_url="https://meet.example/r"
        )
        db.add(meeting)
        await db.flush()
        return meeting.id


async def make_slots(
    sessionmaker: Maker, day: date, starts: list[tuple[int, int]], minutes: int = 20
) -> list[int]:
    async with sessionmaker() as db, db.begin():
        slots = [
            MeetingSlot(starts_at=paris(day, h, m), ends_at=paris(day, h, m) + timedelta(minutes=minutes))
            for h, m in starts
        ]
        db.add_all(slots)
        await db.flush()
        return [s.id for s in slots]


async def mark_unavailable(sessionmaker: Maker, profile_id: int, slot_id: int) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(Unavailability(profile_id=profile_id, slot_id=slot_id))


async def set_tables(sessionmaker: Maker, tables: int) -> None:
    async with sessionmaker() as db, db.begin():
        db.add(B2BSettings(tables=tables))


async def place(sessionmaker: Maker, meeting_id: int, slot_id: int, *, published: bool = False) -> None:
    """Puts a meeting in a slot directly, as a run or a booking would."""
    async with sessionmaker() as db, db.begin():
        meeting = await db.get_one(Meeting, meeting_id)
        meeting.slot_id, meeting.is_published = slot_id, published
        db.add_all(
            [
                ParticipantSlot(profile_id=meeting.first_id, slot_id=slot_id, meeting_id=meeting.id),
                ParticipantSlot(profile_id=meeting.second_id, slot_id=slot_id, meeting_id=meeting.id),
            ]
        )


async def meetings(sessionmaker: Maker) -> dict[int, Meeting]:
    async with sessionmaker() as db:
        return {m.id: m for m in (await db.scalars(select(Meeting).order_by(Meeting.id))).all()}


async def bookings(sessionmaker: Maker) -> set[tuple[int, int, int]]:
    """(profile, slot, meeting) of every participant-slot row."""
    async with sessionmaker() as db:
        rows = await db.execute(
            select(ParticipantSlot.profile_id, ParticipantSlot.slot_id, ParticipantSlot.meeting_id)
        )
        return {(p, s, m) for p, s, m in rows.all()}


async def log_in_organiser(client: httpx.AsyncClient, make_user) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    client.cookies.set("em_lang", "en")
    await login(client, ORGANISER)
    return client


async def wait_for_run(client: httpx.AsyncClient, run_id: int, timeout_s: float = 60) -> dict[str, object]:
    """Polls the run's progress, as the page does, until it is done."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        progress = (await client.get(f"{BASE}/runs/{run_id}/progress")).json()
        if progress["done"]:
            return progress
        assert asyncio.get_running_loop().time() < deadline, progress
        await asyncio.sleep(0.05)


def run_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text
    match = re.fullmatch(rf"{BASE}/runs/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))
