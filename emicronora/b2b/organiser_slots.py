"""Meeting slots: generated in series ("20-minute slots from 14:00 to 18:00 on each day of the fair"), listed
by day, and deleted while no meeting uses them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form, combine
from emicronora.i18n import _, ngettext
from emicronora.models import Day, Meeting, MeetingSlot, ParticipantSlot, Unavailability

MIN_MINUTES = 5
MAX_MINUTES = 240


def series(
    days: list[date], start: time, end: time, minutes: int, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Back-to-back slots of `minutes` from `start` until `end` (event time) on each day, in UTC."""
    slots = []
    length = timedelta(minutes=minutes)
    for day in sorted(days):
        starts, last = combine(day, start, tz), combine(day, end, tz)
        while starts + length <= last:
            slots.append((starts.astimezone(UTC), (starts + length).astimezone(UTC)))
            starts += length
    return slots


@dataclass(frozen=True)
class Generated:
    created: int
    skipped: int

    def message(self) -> str:
        text = ngettext("%(num)s slot created.", "%(num)s slots created.", self.created)
        if self.skipped:
            text += " " + ngettext(
                "%(num)s left out: it overlaps an existing slot.",
                "%(num)s left out: they overlap existing slots.",
                self.skipped,
            )
        return text


async def generate(db: AsyncSession, form: Form, tz: ZoneInfo) -> Generated | None:
    """Creates the series the form describes, leaving out slots that overlap existing ones; None with the
    form's errors when it is wrong."""
    known = {d.id: d.date for d in (await db.scalars(select(Day))).all()}
    day_ids = form.ids("days")
    if not form.errors.get("days") and (not day_ids or any(d not in known for d in day_ids)):
        form.error("days", _("Choose at least one day of the fair."))
    start, end = form.time("start"), form.time("end")
    minutes = form.integer("minutes")
    if minutes is not None and not MIN_MINUTES <= minutes <= MAX_MINUTES:
        form.error(
            "minutes", _("Enter a number from %(low)s to %(high)s.", low=MIN_MINUTES, high=MAX_MINUTES)
        )
    if start is not None and end is not None and end <= start:
        form.error("end", _("The end must come after the start."))
    if not form.ok or start is None or end is None or minutes is None:
        return None
    wanted = series([known[d] for d in day_ids], start, end, minutes, tz)
    if not wanted:
        form.error(
            "minutes",
            _("No slot of %(minutes)s minutes fits between the start and the end.", minutes=minutes),
        )
        return None
    existing = [
        (s.starts_at, s.ends_at)
        for s in (
            await db.scalars(
                select(MeetingSlot).where(
                    MeetingSlot.starts_at < wanted[-1][1], MeetingSlot.ends_at > wanted[0][0]
                )
            )
        ).all()
    ]
    fresh = [
        (starts, ends)
        for starts, ends in wanted
        if not any(starts < other_end and ends > other_start for other_start, other_end in existing)
    ]
    db.add_all(MeetingSlot(starts_at=starts, ends_at=ends) for starts, ends in fresh)
    await db.flush()
    return Generated(len(fresh), len(wanted) - len(fresh))


@dataclass(frozen=True)
class SlotLine:
    slot: MeetingSlot
    meetings: int
    unavailable: int

    @property
    def deletable(self) -> bool:
        return self.meetings == 0


async def slots_by_day(db: AsyncSession, tz: ZoneInfo) -> list[tuple[date, list[SlotLine]]]:
    slots = (await db.scalars(select(MeetingSlot).order_by(MeetingSlot.starts_at, MeetingSlot.id))).all()
    meetings = dict(
        (
            await db.execute(
                select(Meeting.slot_id, func.count())
                .where(Meeting.slot_id.is_not(None))
                .group_by(Meeting.slot_id)
            )
        ).all()
    )
    unavailable = dict(
        (
            await db.execute(select(Unavailability.slot_id, func.count()).group_by(Unavailability.slot_id))
        ).all()
    )
    days: dict[date, list[SlotLine]] = {}
    for slot in slots:
        line = SlotLine(slot, meetings.get(slot.id, 0), unavailable.get(slot.id, 0))
        days.setdefault(slot.starts_at.astimezone(tz).date(), []).append(line)
    return list(days.items())


class SlotInUse(Exception):
    pass


async def delete_slot(db: AsyncSession, slot: MeetingSlot) -> None:
    """Deletes a slot no meeting uses (participants' unavailability marks for it go with it)."""
    used = await db.scalar(select(func.count()).select_from(Meeting).where(Meeting.slot_id == slot.id))
    booked = await db.scalar(
        select(func.count()).select_from(ParticipantSlot).where(ParticipantSlot.slot_id == slot.id)
    )
    if used or booked:
        raise SlotInUse()
    await db.delete(slot)
