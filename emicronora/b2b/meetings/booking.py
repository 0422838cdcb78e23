"""Self-booking: after acceptance, either participant books the first common free slot of a meeting; and
cancelling a meeting, which frees its slot.

A slot is free for a meeting when it has not started, neither participant marked it unavailable, neither is
busy in it, and (with a limited number of tables) a table is left. The participant-slot pair is unique in the
database: when two bookings of one participant's slot race, exactly one insert wins and the other gets an
IntegrityError, rolls back and tries the next free slot. Each attempt is one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.meetings.queries import (
    first_free_slot,
    load_rules,
    meeting_of,
    meetings_in_slot,
    taken_by,
)
from emicronora.i18n import _
from emicronora.models import B2BProfile, B2BSettings, Meeting, MeetingSlot, ParticipantSlot, Unavailability

ATTEMPTS = 5


class BookingError(Exception):
    """A refused booking or cancellation; the message is for the participant."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MeetingNotFound(Exception):
    """No such meeting, or not one of the participant's (the pages answer 404)."""


class _SlotLost(Exception):
    """Someone else took the slot (or its last table) during this attempt: roll back and retry."""


async def _tables_taken(db: AsyncSession, slot: MeetingSlot) -> int:
    return await db.scalar(select(meetings_in_slot()).where(MeetingSlot.id == slot.id)) or 0


def _check_bookable(meeting: Meeting, rules: B2BSettings) -> None:
    if not rules.self_booking:
        raise BookingError(
            _("The organisers schedule the meetings: you will see the time here once published.")
        )
    if meeting.status != "scheduled":
        raise BookingError(_("This meeting has been cancelled."))
    if meeting.slot_id is not None:
        raise BookingError(_("This meeting already has a time."))


async def _check_caps(db: AsyncSession, meeting: Meeting, booker_id: int) -> None:
    """A participant who set a maximum number of meetings in their profile gets no more than that."""
    for side in (meeting.first_id, meeting.second_id):
        profile = await db.get_one(B2BProfile, side)
        if profile.max_meetings is None:
            continue
        booked = await db.scalar(
            select(func.count()).select_from(ParticipantSlot).where(ParticipantSlot.profile_id == side)
        )
        if (booked or 0) >= profile.max_meetings:
            raise BookingError(
                _("You already have the number of meetings set in your profile.")
                if side == booker_id
                else _("Your partner already has the number of meetings they accept.")
            )


async def _why_not(
    db: AsyncSession, meeting: Meeting, slot: MeetingSlot, rules: B2BSettings, now: datetime
) -> str:
    """Why the chosen slot cannot hold the meeting, or "" when it can."""
    sides = (meeting.first_id, meeting.second_id)
    if slot.starts_at <= now:
        return _("This slot has already started.")
    unavailable = await db.scalar(
        select(func.count())
        .select_from(Unavailability)
        .where(Unavailability.slot_id == slot.id, Unavailability.profile_id.in_(sides))
    )
    if unavailable:
        return _("This slot is outside the availability of you or your partner.")
    if await db.scalar(select(taken_by(sides)).where(MeetingSlot.id == slot.id)):
        return _("This slot has just been taken. The next free slot is offered on your agenda.")
    if rules.tables and await _tables_taken(db, slot) >= rules.tables:
        return _("Every table of this slot is taken. The next free slot is offered on your agenda.")
    return ""


async def _place(
    db: AsyncSession, meeting: Meeting, slot: MeetingSlot, rules: B2BSettings, now: datetime
) -> None:
    """Both participants' rows and the meeting's slot, in the caller's transaction; raises IntegrityError
    or _SlotLost when another booking won."""
    # PostgreSQL: bookings of one slot queue here, so the table count below sees the winners' rows.
    # SQLite ignores the lock, but its single writer gives the same order from the first insert on.
    await db.execute(select(MeetingSlot.id).where(MeetingSlot.id == slot.id).with_for_update(key_share=True))
    db.add_all(
        ParticipantSlot(profile_id=profile_id, slot_id=slot.id, meeting_id=meeting.id)
        for profile_id in (meeting.first_id, meeting.second_id)
    )
    meeting.slot_id = slot.id
    # Self-booked meetings need no organiser's publication: both sides see them at once.
    meeting.is_published = True
    meeting.sequence += 1
    meeting.updated_at = now
    await db.flush()
    if rules.tables and await _tables_taken(db, slot) > rules.tables:
        raise _SlotLost()


async def book(
    sessionmaker: async_sessionmaker[AsyncSession],
    meeting_id: int,
    profile: B2BProfile,
    now: datetime,
    *,
    slot_id: int | None = None,
    attempts: int = ATTEMPTS,
) -> MeetingSlot:
    """Books the meeting in the first common free slot, or in `slot_id` when the participant confirmed the
    slot they were offered (then a lost race is an error, not another time). Returns the slot; raises
    MeetingNotFound, or BookingError with nothing written."""
    for _attempt in range(attempts):
        try:
            async with sessionmaker() as db, db.begin():
                meeting = await meeting_of(db, meeting_id, profile.id)
                if meeting is None:
                    raise MeetingNotFound()
                rules = await load_rules(db)
                _check_bookable(meeting, rules)
                await _check_caps(db, meeting, profile.id)
                if slot_id is not None:
                    slot = await db.get(MeetingSlot, slot_id)
                    if slot is None:
                        raise BookingError(_("This slot does not exist."))
                    reason = await _why_not(db, meeting, slot, rules, now)
                    if reason:
                        raise BookingError(reason)
                else:
                    slot = await first_free_slot(db, meeting, rules, now)
                    if slot is None:
                        raise BookingError(
                            _("There is no free slot common to you and your partner any more.")
                        )
                await _place(db, meeting, slot, rules, now)
            return slot
        except (IntegrityError, _SlotLost):
            if slot_id is not None:
                raise BookingError(
                    _("This slot has just been taken. The next free slot is offered on your agenda.")
                ) from None
    raise BookingError(_("Many participants are booking at this moment. Please retry in a moment."))


async def cancel(db: AsyncSession, meeting: Meeting, now: datetime) -> None:
    """Either side cancels (the caller found the meeting with `queries.meeting_of`): the meeting stays,
    cancelled, with a new sequence so calendar apps remove it; its slot is freed for both participants."""
    if meeting.status == "cancelled":
        raise BookingError(_("This meeting is already cancelled."))
    meeting.status = "cancelled"
    meeting.sequence += 1
    meeting.updated_at = now
    await db.execute(delete(ParticipantSlot).where(ParticipantSlot.meeting_id == meeting.id))
    await db.flush()
