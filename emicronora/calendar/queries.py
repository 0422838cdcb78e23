"""Read what the feeds and exports are made of. Every function takes an AsyncSession and returns model
objects (rows of several when a feed item joins them)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import (
    B2BProfile,
    CalendarFeed,
    Meeting,
    MeetingSlot,
    PitchProposal,
    PitchSlot,
    Session,
    Star,
    User,
)


async def active_users(db: AsyncSession, *, email: str | None = None) -> list[User]:
    """Every active user by name (only the one with `email` when given)."""
    query = select(User).where(User.is_active.is_(True)).order_by(User.name, User.id)
    if email is not None:
        query = query.where(User.email == email)
    return list((await db.scalars(query)).unique().all())


async def starred_sessions(
    db: AsyncSession, user_ids: Sequence[int] | None = None
) -> list[tuple[int, Session]]:
    """(user id, session) for every star of `user_ids` (of everyone when None), sessions in time order."""
    query = (
        select(Star.user_id, Session)
        .join(Session, Session.id == Star.session_id)
        .order_by(Session.starts_at, Session.id)
    )
    if user_ids is not None:
        query = query.where(Star.user_id.in_(user_ids))
    return [(user_id, session) for user_id, session in (await db.execute(query)).unique().all()]


async def published_pitch_slots(
    db: AsyncSession, company_ids: Sequence[int] | None = None
) -> list[tuple[PitchSlot, PitchProposal, Session]]:
    """Published pitch slots with their proposal and pitch session, of `company_ids` (all when None)."""
    query = (
        select(PitchSlot, PitchProposal, Session)
        .join(PitchProposal, PitchProposal.id == PitchSlot.proposal_id)
        .join(Session, Session.id == PitchSlot.session_id)
        .where(PitchSlot.is_published.is_(True))
        .order_by(PitchSlot.starts_at)
    )
    if company_ids is not None:
        query = query.where(PitchProposal.company_id.in_(company_ids))
    return [(slot, proposal, session) for slot, proposal, session in (await db.execute(query)).unique().all()]


async def published_meetings(
    db: AsyncSession, user_ids: Sequence[int] | None = None
) -> list[tuple[Meeting, MeetingSlot]]:
    """Published B2B meetings with their time slot, of which one of `user_ids` (anyone when None) is a
    participant, in time order; cancelled ones included."""
    query = (
        select(Meeting, MeetingSlot)
        .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .where(Meeting.is_published.is_(True))
        .order_by(MeetingSlot.starts_at, Meeting.id)
    )
    if user_ids is not None:
        profile_ids = select(B2BProfile.id).where(B2BProfile.user_id.in_(user_ids))
        query = query.where(or_(Meeting.first_id.in_(profile_ids), Meeting.second_id.in_(profile_ids)))
    return [(meeting, slot) for meeting, slot in (await db.execute(query)).all()]


async def feed_of_user(db: AsyncSession, user_id: int) -> CalendarFeed | None:
    return await db.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))


async def user_of_feed(db: AsyncSession, token_digest: str) -> User | None:
    """The user (active or not) whose current feed token has this digest."""
    return await db.scalar(
        select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_digest == token_digest)
    )
