"""A participant's availability: the meeting slots they mark unavailable.

Slots that overlap a session the participant starred, or their company's published pitch, are proposed as
unavailable: the page ticks them with the reason until the participant has saved their availability once,
and nothing is stored before they save."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import (
    B2BProfile,
    MeetingSlot,
    ParticipantSlot,
    PitchProposal,
    PitchSlot,
    Session,
    Star,
    Unavailability,
    User,
)

FIELD = "unavailable"


@dataclass(frozen=True)
class SlotRow:
    slot: MeetingSlot
    unavailable: bool
    # Why the slot is proposed as unavailable (a starred session, the company's pitch); empty when it is not.
    reasons: tuple[str, ...]
    # Ticked on the page because it is proposed, though not stored yet.
    proposed: bool
    has_meeting: bool


@dataclass(frozen=True)
class AvailabilityGrid:
    days: list[tuple[date, list[SlotRow]]]
    saved_once: bool

    @property
    def proposed_count(self) -> int:
        return sum(row.proposed for _day, rows in self.days for row in rows)


async def all_slots(db: AsyncSession) -> list[MeetingSlot]:
    return list((await db.scalars(select(MeetingSlot).order_by(MeetingSlot.starts_at, MeetingSlot.id))).all())


async def unavailable_slot_ids(db: AsyncSession, profile_id: int) -> set[int]:
    rows = await db.scalars(select(Unavailability.slot_id).where(Unavailability.profile_id == profile_id))
    return set(rows.all())


async def busy_slot_ids(db: AsyncSession, profile_id: int) -> set[int]:
    rows = await db.scalars(select(ParticipantSlot.slot_id).where(ParticipantSlot.profile_id == profile_id))
    return set(rows.all())


async def _commitments(db: AsyncSession, user: User) -> list[tuple[datetime, datetime, str]]:
    """What the user is expected to attend: starred sessions (not cancelled) and their company's pitches."""
    starred = await db.execute(
        select(Session.starts_at, Session.ends_at, Session.title)
        .join(Star, Star.session_id == Session.id)
        .where(Star.user_id == user.id, Session.is_cancelled.is_(False))
    )
    found = [
        (start, end, _("Overlaps a session in your programme: %(title)s", title=title))
        for start, end, title in starred
    ]
    if user.company_id is not None:
        pitches = await db.execute(
            select(PitchSlot.starts_at, PitchSlot.ends_at, PitchProposal.title)
            .join(PitchProposal, PitchProposal.id == PitchSlot.proposal_id)
            .join(Session, Session.id == PitchSlot.session_id)
            .where(
                PitchProposal.company_id == user.company_id,
                PitchSlot.is_published.is_(True),
                Session.is_cancelled.is_(False),
            )
        )
        found += [
            (start, end, _("Overlaps your company's pitch: %(title)s", title=title))
            for start, end, title in pitches
        ]
    return found


def _reasons(slot: MeetingSlot, commitments: list[tuple[datetime, datetime, str]]) -> tuple[str, ...]:
    return tuple(
        reason for start, end, reason in commitments if start < slot.ends_at and slot.starts_at < end
    )


async def grid(db: AsyncSession, profile: B2BProfile, user: User, tz: ZoneInfo) -> AvailabilityGrid:
    """Every slot by day in the event's zone, with what is stored and what is proposed."""
    slots = await all_slots(db)
    stored = await unavailable_slot_ids(db, profile.id)
    busy = await busy_slot_ids(db, profile.id)
    commitments = await _commitments(db, user)
    # Without a `saved` flag on the profile, "never saved" is "nothing stored": proposals are then ticked.
    saved_once = bool(stored)
    by_day: dict[date, list[SlotRow]] = defaultdict(list)
    for slot in slots:
        reasons = _reasons(slot, commitments)
        proposed = not saved_once and bool(reasons) and slot.id not in busy
        by_day[slot.starts_at.astimezone(tz).date()].append(
            SlotRow(
                slot=slot,
                unavailable=slot.id in stored or proposed,
                reasons=reasons,
                proposed=proposed,
                has_meeting=slot.id in busy,
            )
        )
    return AvailabilityGrid(days=sorted(by_day.items()), saved_once=saved_once)


async def save(db: AsyncSession, form: Form, profile: B2BProfile) -> bool:
    """Stores exactly the ticked slots (field `unavailable`, repeated) as unavailable; False with the reason
    when a slot does not exist or holds one of the participant's meetings (nothing written then)."""
    wanted = set(form.ids(FIELD))
    if not form.ok:
        return False
    existing = {slot.id for slot in await all_slots(db)}
    if wanted - existing:
        form.error(FIELD, _("One of the slots does not exist any more. Reload the page and retry."))
        return False
    if wanted & await busy_slot_ids(db, profile.id):
        form.error(
            FIELD,
            _("You have a meeting in a slot you marked unavailable: cancel the meeting first."),
        )
        return False
    stored = await unavailable_slot_ids(db, profile.id)
    if stored - wanted:
        await db.execute(
            delete(Unavailability).where(
                Unavailability.profile_id == profile.id, Unavailability.slot_id.in_(stored - wanted)
            )
        )
    db.add_all(Unavailability(profile_id=profile.id, slot_id=slot_id) for slot_id in sorted(wanted - stored))
    await db.flush()
    return True
