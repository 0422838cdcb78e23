"""The brokerage event in figures for organisers (SQL aggregates), and every meeting as CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.organiser_review import Person, people
from emicronora.models import B2BProfile, Meeting, MeetingRequest, MeetingSlot
from emicronora.settings import Settings
from emicronora.spreadsheets import safe_cell

CSV_COLUMNS = (
    "meeting",
    "day",
    "start",
    "end",
    "timezone",
    "participant_a",
    "company_a",
    "participant_b",
    "company_b",
    "status",
    "published",
    "room_url",
)


@dataclass(frozen=True)
class Figures:
    requests: dict[str, int]
    meetings: dict[str, int]
    participants: int
    without_meeting: list[Person]

    @property
    def requests_sent(self) -> int:
        return sum(self.requests.values())


async def request_counts(db: AsyncSession, now: datetime) -> dict[str, int]:
    """Requests by status; a pending request past its expiry counts as expired even before it is marked so."""
    state = case(
        (and_(MeetingRequest.status == "pending", MeetingRequest.expires_at < now), "expired"),
        else_=MeetingRequest.status,
    ).label("state")
    states = select(state).subquery()
    rows = await db.execute(select(states.c.state, func.count()).group_by(states.c.state))
    counts = {
        name: 0 for name in ("pending", "awaiting_approval", "accepted", "declined", "expired", "withdrawn")
    }
    counts.update(dict(rows.all()))
    return counts


async def meeting_counts(db: AsyncSession) -> dict[str, int]:
    live = Meeting.status == "scheduled"
    placed = Meeting.slot_id.is_not(None)
    row = (
        await db.execute(
            select(
                func.count().filter(live),
                func.count().filter(live, placed),
                func.count().filter(live, placed, Meeting.is_published.is_(True)),
                func.count().filter(live, Meeting.slot_id.is_(None)),
                func.count().filter(Meeting.status == "cancelled"),
            )
        )
    ).one()
    accepted, scheduled, published, unscheduled, cancelled = (value or 0 for value in row)
    return {
        "accepted": accepted,
        "scheduled": scheduled,
        "published": published,
        "drafts": scheduled - published,
        "unscheduled": unscheduled,
        "cancelled": cancelled,
    }


async def figures(db: AsyncSession, now: datetime) -> Figures:
    has_meeting = exists().where(
        or_(Meeting.first_id == B2BProfile.id, Meeting.second_id == B2BProfile.id),
        Meeting.status == "scheduled",
        Meeting.slot_id.is_not(None),
    )
    active = B2BProfile.is_active.is_(True)
    participants = await db.scalar(select(func.count()).select_from(B2BProfile).where(active))
    lonely = set((await db.scalars(select(B2BProfile.id).where(active, ~has_meeting))).all())
    names = await people(db, lonely)
    return Figures(
        requests=await request_counts(db, now),
        meetings=await meeting_counts(db),
        participants=participants or 0,
        without_meeting=sorted(names.values(), key=lambda p: (p.name.lower(), p.profile_id)),
    )


async def meetings_csv(db: AsyncSession, settings: Settings) -> bytes:
    """Every meeting, placed ones by time first; UTF-8 with a BOM so that spreadsheet apps read accents."""
    rows = (
        await db.execute(
            select(Meeting, MeetingSlot)
            .outerjoin(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
            .order_by(MeetingSlot.starts_at.is_(None), MeetingSlot.starts_at, Meeting.id)
        )
    ).all()
    names = await people(db, {p for meeting, _slot in rows for p in (meeting.first_id, meeting.second_id)})
    unknown = Person(0, "", "")
    tz = settings.tz
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(CSV_COLUMNS)
    for meeting, slot in rows:
        first, second = names.get(meeting.first_id, unknown), names.get(meeting.second_id, unknown)
        starts = slot.starts_at.astimezone(tz) if slot is not None else None
        ends = slot.ends_at.astimezone(tz) if slot is not None else None
        if meeting.status == "cancelled":
            status = "cancelled"
        else:
            status = "scheduled" if slot is not None else "unscheduled"
        writer.writerow(
            (
                meeting.id,
                starts.date().isoformat() if starts else "",
                starts.strftime("%H:%M") if starts else "",
                ends.strftime("%H:%M") if ends else "",
                settings.event_timezone,
                safe_cell(first.name),
                safe_cell(first.company),
                safe_cell(second.name),
                safe_cell(second.company),
                status,
                "yes" if meeting.is_published else "no",
                safe_cell(meeting.room_url),
            )
        )
    return ("\ufeff" + text.getvalue()).encode("utf-8")
