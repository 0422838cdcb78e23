"""Who takes part in the brokerage event, and how a participant is named on the pages of another."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.profiles import company_name, profile_of
from emicronora.models import B2BProfile, User


@dataclass(frozen=True)
class ParticipantCard:
    profile_id: int
    user_id: int
    name: str
    company: str
    headline: str

    @property
    def url(self) -> str:
        return profile_url(self.profile_id)


def profile_url(profile_id: int) -> str:
    return f"/b2b/participants/{profile_id}"


async def participant_of(db: AsyncSession, user: User) -> B2BProfile | None:
    """The user's profile when they take part in the B2B event (an active profile of an active account)."""
    profile = await profile_of(db, user)
    return profile if profile is not None and profile.is_active and user.is_active else None


async def active_participant(db: AsyncSession, profile_id: int) -> B2BProfile | None:
    """The profile, when it is active and its account too: someone others may ask for a meeting."""
    return await db.scalar(
        select(B2BProfile)
        .join(User, User.id == B2BProfile.user_id)
        .where(B2BProfile.id == profile_id, B2BProfile.is_active.is_(True), User.is_active.is_(True))
    )


async def cards(db: AsyncSession, profile_ids: Iterable[int]) -> dict[int, ParticipantCard]:
    """Name, company and headline of each profile, in one query."""
    wanted = sorted(set(profile_ids))
    if not wanted:
        return {}
    rows = await db.execute(
        select(B2BProfile, User).join(User, User.id == B2BProfile.user_id).where(B2BProfile.id.in_(wanted))
    )
    return {
        profile.id: ParticipantCard(
            profile_id=profile.id,
            user_id=user.id,
            name=user.name,
            company=company_name(user),
            headline=profile.headline,
        )
        for profile, user in rows.unique().all()
    }
