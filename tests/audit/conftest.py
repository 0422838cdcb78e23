"""A small fair with something to act on in every area of the organiser console: the organiser area's
programme, showrooms (one awaiting approval, one public with a video), pitch proposals and a slot, a B2B event
(settings, slots, a placed meeting, an acceptance awaiting approval) and accounts to change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import (
    AuditEntry,
    Company,
    Innovation,
    MeetingRequest,
    PitchProposal,
    PitchSlot,
    Session,
    User,
    Video,
)
from tests.b2b.organiser_world import FAIR_DAY, accepted_meeting, make_slots, participant, place
from tests.conftest import paris
from tests.organiser.conftest import organiser, programme

__all__ = ["audit_entries", "organiser", "programme", "world"]


@pytest.fixture
async def world(
    programme: dict[str, Any],
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, int]:
    """The ids the actions below use, by name."""
    attendee = await make_user("pat.attendee@example.org", name="Pat Attendee")
    colleague = await make_user("otto.organiser@example.org", organiser=True, name="Otto Organiser")
    banned = await make_user("dan.disabled@example.org", name="Dan Disabled")
    buyer = await participant(sessionmaker, "Bea Buyer", role="buyer")
    supplier = await participant(sessionmaker, "Sam Supplier", role="supplier")
    third = await participant(sessionmaker, "Tess Third", role="supplier")
    meeting = await accepted_meeting(sessionmaker, buyer, supplier)
    placed_slot, free_slot, spare_slot = await make_slots(
        sessionmaker, FAIR_DAY, [(14, 0), (14, 20), (15, 0)]
    )
    await place(sessionmaker, meeting, placed_slot)
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(User, banned.id)).is_active = False
        pending = Company(name="Lasea", country="FR", is_exhibitor=True)
        public = Company(name="Femto Optics", country="FR", is_exhibitor=True, is_approved=True, slug="femto")
        db.add_all([pending, public])
        await db.flush()
        video = Video(company_id=public.id, title="Femtosecond cutting", source="youtube", is_published=True)
        waiting = MeetingRequest(
            requester_id=buyer,
            recipient_id=third,
            status="awaiting_approval",
            priority=1,
            expires_at=now + timedelta(days=3),
            responded_at=now,
        )
        laser = programme["themes"][0].id
        submitted = PitchProposal(
            company_id=pending.id, theme_id=laser, title="Marquage", summary="…", speaker_name="Lea"
        )
        accepted = PitchProposal(
            company_id=public.id,
            theme_id=laser,
            title="Découpe",
            summary="…",
            speaker_name="Fab",
            status="accepted",
        )
        welding = programme["welding"]
        # A parallel session, so that the welding session can move within its time slot.
        parallel = Session(
            kind="webinar",
            title="Parallel",
            abstract="",
            day_id=welding.day_id,
            theme_id=welding.theme_id,
            starts_at=welding.starts_at,
            ends_at=welding.ends_at,
            position=1,
        )
        innovation = Innovation(company_id=public.id, title="Tête de découpe", position=0)
        member = User(
            name="Mia Member",
            email="mia@femto.example",
            company_name=public.name,
            country="FR",
            company_id=public.id,
            password_hash="-",
            terms_accepted_at=now,
        )
        db.add_all([video, waiting, submitted, accepted, parallel, innovation, member])
        await db.flush()
        start = paris(programme["pitch"].starts_at.date(), 14)
        slot = PitchSlot(
            proposal_id=accepted.id,
            session_id=programme["pitch"].id,
            position=0,
            starts_at=start,
            ends_at=start + timedelta(minutes=10),
        )
        db.add(slot)
        await db.flush()
        return {
            "session": programme["welding"].id,
            "pitch": programme["pitch"].id,
            "cancelled": programme["tomography"].id,
            "day": programme["days"][0].id,
            "day2": programme["days"][1].id,
            "spare_day": programme["spare_day"].id,
            "theme": laser,
            "theme2": programme["themes"][1].id,
            "spare_theme": programme["spare_theme"].id,
            "speaker": programme["speaker"].id,
            "moderator": programme["moderator"].id,
            "candidate": programme["candidate"].id,
            "attendee": attendee.id,
            "colleague": colleague.id,
            "banned": banned.id,
            "pending": pending.id,
            "public": public.id,
            "video": video.id,
            "proposal": submitted.id,
            "pitch_slot": slot.id,
            "meeting": meeting,
            "free_slot": free_slot,
            "spare_slot": spare_slot,
            "waiting": waiting.id,
            "innovation": innovation.id,
            "member": member.id,
        }


async def audit_entries(sessionmaker: async_sessionmaker[AsyncSession]) -> list[AuditEntry]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(AuditEntry).order_by(AuditEntry.id))).all())
