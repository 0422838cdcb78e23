"""A participant's meeting agenda: their meetings with the partner's card, the time and video room once the
meeting is published, the slot offered for self-booking, and the meetings that were cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.marketplace.queries import ParticipantCard, cards
from emicronora.b2b.meetings.queries import first_free_slot
from emicronora.models import B2BProfile, B2BSettings, Meeting, MeetingSlot


@dataclass(frozen=True)
class AgendaEntry:
    meeting: Meeting
    partner: ParticipantCard
    # The meeting's time, once the participants may see it (published); None before.
    slot: MeetingSlot | None
    # Self-booking: the first common free slot, offered to book.
    offer: MeetingSlot | None

    @property
    def state(self) -> str:
        if self.meeting.status == "cancelled":
            return "cancelled"
        return "booked" if self.slot is not None else "to_schedule"


@dataclass(frozen=True)
class Agenda:
    booked: list[AgendaEntry]
    to_schedule: list[AgendaEntry]
    cancelled: list[AgendaEntry]


async def agenda(
    db: AsyncSession, profile: B2BProfile, rules: B2BSettings, now: datetime, *, offers: bool = True
) -> Agenda:
    meetings = list(
        (
            await db.scalars(
                select(Meeting)
                .where(or_(Meeting.first_id == profile.id, Meeting.second_id == profile.id))
                .order_by(Meeting.id)
            )
        ).all()
    )
    slot_ids = {m.slot_id for m in meetings if m.slot_id is not None}
    slots = (
        {s.id: s for s in (await db.scalars(select(MeetingSlot).where(MeetingSlot.id.in_(slot_ids)))).all()}
        if slot_ids
        else {}
    )
    people = await cards(db, [m.second_id if m.first_id == profile.id else m.first_id for m in meetings])
    entries: list[AgendaEntry] = []
    for meeting in meetings:
        slot = slots.get(meeting.slot_id) if meeting.is_published and meeting.slot_id is not None else None
        offer = None
        if offers and rules.self_booking and meeting.status == "scheduled" and meeting.slot_id is None:
            offer = await first_free_slot(db, meeting, rules, now)
        partner_id = meeting.second_id if meeting.first_id == profile.id else meeting.first_id
        entries.append(AgendaEntry(meeting=meeting, partner=people[partner_id], slot=slot, offer=offer))

    def when(entry: AgendaEntry) -> tuple[datetime, int]:
        return (entry.slot.starts_at if entry.slot else now, entry.meeting.id)

    return Agenda(
        booked=sorted((e for e in entries if e.state == "booked"), key=when),
        to_schedule=[e for e in entries if e.state == "to_schedule"],
        cancelled=sorted((e for e in entries if e.state == "cancelled"), key=when),
    )
