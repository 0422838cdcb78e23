"""Reading the brokerage event's meetings side: the organisers' rules, a participant's requests, the meeting
slots free for a meeting, and a participant's availability.

Every read of something a participant acts on goes through their profile: someone else's request or meeting
is not found (the pages answer 404)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _, lazy
from emicronora.models import (
    B2BProfile,
    B2BSettings,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    ParticipantSlot,
    PitchProposal,
    PitchSlot,
    Session,
    Star,
    Unavailability,
    User,
)

# Waiting for an answer from the recipient, or for the organisers' approval of the acceptance.
OPEN_STATUSES = ("pending", "awaiting_approval")
STATUS_LABELS = {
    "pending": lazy("Waiting for an answer"),
    "awaiting_approval": lazy("Accepted, waiting for the organisers' approval"),
    "accepted": lazy("Accepted"),
    "declined": lazy("Declined"),
    "expired": lazy("Expired"),
    "withdrawn": lazy("Withdrawn"),
}


# --- the organisers' rules --------------------------------------------------------------------------------


def default_rules() -> B2BSettings:
    return B2BSettings(
        approval_required=False,
        self_booking=False,
        max_pending_requests=20,
        request_expiry_hours=72,
        tables=0,
    )


async def stored_rules(db: AsyncSession) -> B2BSettings | None:
    return await db.scalar(select(B2BSettings).order_by(B2BSettings.id).limit(1))


async def load_rules(db: AsyncSession) -> B2BSettings:
    """The stored row, or the defaults (not stored) before an organiser has saved the settings once."""
    stored = await stored_rules(db)
    return stored if stored is not None else default_rules()


# --- requests ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestLists:
    incoming: list[MeetingRequest]
    outgoing: list[MeetingRequest]


async def pending_count(db: AsyncSession, requester: B2BProfile) -> int:
    count = await db.scalar(
        select(func.count())
        .select_from(MeetingRequest)
        .where(MeetingRequest.requester_id == requester.id, MeetingRequest.status == "pending")
    )
    return count or 0


async def requests_between(db: AsyncSession, one: int, other: int) -> list[MeetingRequest]:
    pair = or_(
        and_(MeetingRequest.requester_id == one, MeetingRequest.recipient_id == other),
        and_(MeetingRequest.requester_id == other, MeetingRequest.recipient_id == one),
    )
    return list((await db.scalars(select(MeetingRequest).where(pair))).all())


async def live_meeting(db: AsyncSession, request_ids: list[int]) -> Meeting | None:
    """A scheduled (not cancelled) meeting born of one of these requests."""
    if not request_ids:
        return None
    return await db.scalar(
        select(Meeting).where(Meeting.request_id.in_(request_ids), Meeting.status == "scheduled").limit(1)
    )


async def request_lists(db: AsyncSession, profile: B2BProfile) -> RequestLists:
    """The participant's incoming and outgoing requests, newest first (expire them first: `lists`)."""
    newest = (MeetingRequest.created_at.desc(), MeetingRequest.id.desc())
    incoming = await db.scalars(
        select(MeetingRequest).where(MeetingRequest.recipient_id == profile.id).order_by(*newest)
    )
    outgoing = await db.scalars(
        select(MeetingRequest).where(MeetingRequest.requester_id == profile.id).order_by(*newest)
    )
    return RequestLists(incoming=list(incoming.all()), outgoing=list(outgoing.all()))


async def incoming_request(db: AsyncSession, request_id: int, profile: B2BProfile) -> MeetingRequest | None:
    return await db.scalar(
        select(MeetingRequest).where(
            MeetingRequest.id == request_id, MeetingRequest.recipient_id == profile.id
        )
    )


async def outgoing_request(db: AsyncSession, request_id: int, profile: B2BProfile) -> MeetingRequest | None:
    return await db.scalar(
        select(MeetingRequest).where(
            MeetingRequest.id == request_id, MeetingRequest.requester_id == profile.id
        )
    )


async def awaiting_approval(db: AsyncSession) -> list[MeetingRequest]:
    """For the organisers: acceptances to approve, oldest first."""
    query = (
        select(MeetingRequest)
        .where(MeetingRequest.status == "awaiting_approval")
        .order_by(MeetingRequest.responded_at, MeetingRequest.id)
    )
    return list((await db.scalars(query)).all())


# --- meetings and their slots -----------------------------------------------------------------------------


async def meeting_of(db: AsyncSession, meeting_id: int, profile_id: int) -> Meeting | None:
    """The meeting, when the participant is one of its two sides."""
    return await db.scalar(
        select(Meeting).where(
            Meeting.id == meeting_id, or_(Meeting.first_id == profile_id, Meeting.second_id == profile_id)
        )
    )


def taken_by(profile_ids: tuple[int, ...]) -> ColumnElement[bool]:
    """The slot holds a meeting of one of these participants (a booking row, or a scheduled meeting)."""
    booked = exists().where(
        ParticipantSlot.slot_id == MeetingSlot.id, ParticipantSlot.profile_id.in_(profile_ids)
    )
    scheduled = exists().where(
        Meeting.slot_id == MeetingSlot.id,
        Meeting.status == "scheduled",
        or_(Meeting.first_id.in_(profile_ids), Meeting.second_id.in_(profile_ids)),
    )
    return or_(booked, scheduled)


def meetings_in_slot() -> ColumnElement[int]:
    """How many scheduled meetings the slot holds (tables taken)."""
    return (
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.slot_id == MeetingSlot.id, Meeting.status == "scheduled")
        .scalar_subquery()
    )


async def free_slots(
    db: AsyncSession, meeting: Meeting, rules: B2BSettings, now: datetime, limit: int | None = None
) -> list[MeetingSlot]:
    """The slots the meeting could be booked in, earliest first."""
    sides = (meeting.first_id, meeting.second_id)
    query = (
        select(MeetingSlot)
        .where(
            MeetingSlot.starts_at > now,
            ~exists().where(Unavailability.slot_id == MeetingSlot.id, Unavailability.profile_id.in_(sides)),
            ~taken_by(sides),
        )
        .order_by(MeetingSlot.starts_at, MeetingSlot.id)
        .limit(limit)
    )
    if rules.tables:
        query = query.where(meetings_in_slot() < rules.tables)
    return list((await db.scalars(query)).all())


async def first_free_slot(
    db: AsyncSession, meeting: Meeting, rules: B2BSettings, now: datetime
) -> MeetingSlot | None:
    found = await free_slots(db, meeting, rules, now, limit=1)
    return found[0] if found else None


# --- availability -----------------------------------------------------------------------------------------


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


async def commitments(db: AsyncSession, user: User) -> list[tuple[datetime, datetime, str]]:
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
    expected = await commitments(db, user)
    # Without a `saved` flag on the profile, "never saved" is "nothing stored": proposals are then ticked.
    saved_once = bool(stored)
    by_day: dict[date, list[SlotRow]] = defaultdict(list)
    for slot in slots:
        reasons = _reasons(slot, expected)
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
