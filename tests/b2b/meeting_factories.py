"""Factories for the meeting tests: participants (a user with an active B2B profile), meeting slots, the
organiser's rules, requests and meetings written directly, and a snapshot of the meeting tables to prove
that a refused action wrote nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import (
    B2BProfile,
    B2BSettings,
    Base,
    Company,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    User,
)

Maker = async_sessionmaker[AsyncSession]
MEETING_TABLES = (
    "b2b_settings",
    "meeting_requests",
    "meetings",
    "participant_slots",
    "unavailabilities",
)


def soon(days: int = 3, hour: int = 14, minute: int = 0) -> datetime:
    """A moment in the future (slots must not have started to be booked), at a fixed UTC clock time."""
    base = datetime.now(UTC).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return base + timedelta(days=days)


async def participant(
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: Maker,
    email: str,
    name: str,
    *,
    company: str = "",
    role: str = "buyer",
    headline: str = "",
    active: bool = True,
) -> tuple[User, B2BProfile]:
    """A user who can log in, with a B2B profile (and a company when named)."""
    user = await make_user(email, name=name)
    async with sessionmaker() as db, db.begin():
        if company:
            record = Company(name=company, country="FR", b2b_role=role)
            db.add(record)
            await db.flush()
            (await db.get_one(User, user.id)).company_id = record.id
        profile = B2BProfile(user_id=user.id, role=role, headline=headline, is_active=active)
        db.add(profile)
    return user, profile


async def bare_participants(sessionmaker: Maker, count: int, prefix: str = "p") -> list[B2BProfile]:
    """Many participants at once, without a usable password (for tests that call the domain directly)."""
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        users = [
            User(
                email=f"{prefix}{i}@example.org",
                name=f"Participant {i}",
                company_name=f"Company {i}",
                country="FR",
                password_hash="!",
                terms_accepted_at=now,
            )
            for i in range(count)
        ]
        db.add_all(users)
        await db.flush()
        profiles = [B2BProfile(user_id=u.id, role="supplier") for u in users]
        db.add_all(profiles)
    return profiles


async def slots(sessionmaker: Maker, first: datetime, count: int, minutes: int = 20) -> list[MeetingSlot]:
    async with sessionmaker() as db, db.begin():
        made = [
            MeetingSlot(
                starts_at=first + timedelta(minutes=minutes * i),
                ends_at=first + timedelta(minutes=minutes * (i + 1)),
            )
            for i in range(count)
        ]
        db.add_all(made)
    return made


async def set_rules(sessionmaker: Maker, **values: Any) -> B2BSettings:
    async with sessionmaker() as db, db.begin():
        rules = await db.scalar(select(B2BSettings))
        if rules is None:
            rules = B2BSettings(
                approval_required=False,
                self_booking=False,
                max_pending_requests=20,
                request_expiry_hours=72,
                tables=0,
            )
            db.add(rules)
        for name, value in values.items():
            setattr(rules, name, value)
    return rules


async def meeting(
    sessionmaker: Maker,
    first: B2BProfile,
    second: B2BProfile,
    *,
    slot: MeetingSlot | None = None,
    published: bool = False,
) -> Meeting:
    """An accepted request and its meeting, written directly."""
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        request = MeetingRequest(
            requester_id=first.id,
            recipient_id=second.id,
            status="accepted",
            created_at=now,
            expires_at=now + timedelta(hours=72),
            responded_at=now,
        )
        db.add(request)
        await db.flush()
        made = Meeting(
            request_id=request.id,
            first_id=first.id,
            second_id=second.id,
            slot_id=slot.id if slot else None,
            is_published=published,
            room_url=f"https://meet.jit.si/emicronora-test{request.id}",
            updated_at=now,
        )
        db.add(made)
    return made


async def meeting_state(sessionmaker: Maker) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the meeting tables."""
    async with sessionmaker() as db:
        state = {}
        for name in MEETING_TABLES:
            table = Base.metadata.tables[name]
            rows = await db.execute(select(table).order_by(*table.primary_key.columns))
            state[name] = [tuple(row) for row in rows]
        return state
