"""The organiser's hand on the brokerage event: meeting slots generated in series and deleted while unused;
meetings moved, unscheduled, locked; drafts published; a run asked to stop.

A meeting's slot and its two `ParticipantSlot` rows always change together. A published meeting whose slot
changes gets a higher `sequence` (and a new `updated_at`), so that calendar feeds update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.meetings.operations import room_url
from emicronora.b2b.scheduling import forms, queries
from emicronora.db.results import rowcount
from emicronora.forms import Form, combine
from emicronora.i18n import _, ngettext
from emicronora.models import (
    B2BProfile,
    Day,
    Meeting,
    MeetingSlot,
    ParticipantSlot,
    SolveRun,
    Unavailability,
)
from emicronora.settings import Settings

# Slots -----------------------------------------------------------------------------------------------------


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
    asked = forms.slot_series(form, known)
    if asked is None:
        return None
    wanted = series(list(asked.days), asked.start, asked.end, asked.minutes, tz)
    if not wanted:
        form.error(
            "minutes",
            _("No slot of %(minutes)s minutes fits between the start and the end.", minutes=asked.minutes),
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


class SlotInUse(Exception):
    pass


async def delete_slot(db: AsyncSession, slot: MeetingSlot) -> None:
    """Deletes a slot no meeting uses (participants' unavailability marks for it go with it)."""
    if await queries.slot_is_used(db, slot.id):
        raise SlotInUse()
    await db.delete(slot)


# Meetings --------------------------------------------------------------------------------------------------


class AdjustError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def mark_slot(meeting: Meeting, slot_id: int | None, now: datetime) -> None:
    """Sets the meeting's slot (its `ParticipantSlot` rows are the caller's); a change bumps a published
    meeting's sequence."""
    if meeting.slot_id == slot_id:
        return
    meeting.slot_id = slot_id
    meeting.updated_at = now
    if meeting.is_published:
        meeting.sequence += 1


async def release(db: AsyncSession, meeting_ids: list[int]) -> None:
    """Frees the participants' slots of these meetings (executed now, so that new rows can take them)."""
    if meeting_ids:
        await db.execute(delete(ParticipantSlot).where(ParticipantSlot.meeting_id.in_(meeting_ids)))


def book(db: AsyncSession, meeting: Meeting, slot_id: int) -> None:
    db.add_all(
        [
            ParticipantSlot(profile_id=meeting.first_id, slot_id=slot_id, meeting_id=meeting.id),
            ParticipantSlot(profile_id=meeting.second_id, slot_id=slot_id, meeting_id=meeting.id),
        ]
    )


@dataclass(frozen=True)
class SlotCheck:
    """Why a meeting cannot go to a slot (empty when it can), for the organiser's slot list."""

    slot: MeetingSlot
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


async def check_slots(
    db: AsyncSession, meeting: Meeting, names: dict[int, str], slot_ids: list[int] | None = None
) -> list[SlotCheck]:
    """Each slot (or those of `slot_ids`), with what stops `meeting` from taking it: a participant busy or
    unavailable then, no table left, or a participant's meeting limit."""
    query = select(MeetingSlot).order_by(MeetingSlot.starts_at, MeetingSlot.id)
    if slot_ids is not None:
        query = query.where(MeetingSlot.id.in_(slot_ids))
    slots = list((await db.scalars(query)).all())
    pair = (meeting.first_id, meeting.second_id)
    busy = set(
        (
            await db.execute(
                select(ParticipantSlot.profile_id, ParticipantSlot.slot_id).where(
                    ParticipantSlot.profile_id.in_(pair), ParticipantSlot.meeting_id != meeting.id
                )
            )
        ).all()
    )
    unavailable = set(
        (
            await db.execute(
                select(Unavailability.profile_id, Unavailability.slot_id).where(
                    Unavailability.profile_id.in_(pair)
                )
            )
        ).all()
    )
    limit = await queries.tables(db)
    used = dict(
        (
            await db.execute(
                select(Meeting.slot_id, func.count())
                .where(Meeting.slot_id.is_not(None), Meeting.status == "scheduled", Meeting.id != meeting.id)
                .group_by(Meeting.slot_id)
            )
        ).all()
    )
    over_cap = []
    if meeting.slot_id is None:
        for profile_id in pair:
            cap = await db.scalar(select(B2BProfile.max_meetings).where(B2BProfile.id == profile_id))
            held = await db.scalar(
                select(func.count())
                .select_from(ParticipantSlot)
                .where(ParticipantSlot.profile_id == profile_id)
            )
            if cap is not None and (held or 0) >= cap:
                over_cap.append(_("%(name)s has reached their limit of meetings.", name=names[profile_id]))
    checks = []
    for slot in slots:
        problems = list(over_cap)
        for profile_id in pair:
            if (profile_id, slot.id) in busy:
                problems.append(_("%(name)s has another meeting then.", name=names[profile_id]))
            elif (profile_id, slot.id) in unavailable:
                problems.append(_("%(name)s is not available then.", name=names[profile_id]))
        if limit and used.get(slot.id, 0) >= limit:
            problems.append(_("Every table of this slot is taken."))
        checks.append(SlotCheck(slot, tuple(problems)))
    return checks


def _refuse_if_cancelled(meeting: Meeting) -> None:
    if meeting.status == "cancelled":
        raise AdjustError(_("This meeting is cancelled."))


async def _refuse_if_running(db: AsyncSession, now: datetime) -> None:
    if await queries.run_in_progress(db, now) is not None:
        raise AdjustError(_("The scheduler is running: wait for it to finish or stop it first."))


async def move(
    db: AsyncSession, meeting: Meeting, slot_id: int, names: dict[int, str], now: datetime
) -> None:
    """Puts the meeting in the slot if both participants are free and available then and a table is left."""
    _refuse_if_cancelled(meeting)
    await _refuse_if_running(db, now)
    checks = await check_slots(db, meeting, names, [slot_id])
    if not checks:
        raise AdjustError(_("Choose one of the slots."))
    if not checks[0].ok:
        raise AdjustError(" ".join(checks[0].problems))
    if meeting.slot_id == slot_id:
        return
    await release(db, [meeting.id])
    book(db, meeting, slot_id)
    mark_slot(meeting, slot_id, now)
    await db.flush()


async def unschedule(db: AsyncSession, meeting: Meeting, now: datetime) -> None:
    _refuse_if_cancelled(meeting)
    await _refuse_if_running(db, now)
    if meeting.is_locked:
        raise AdjustError(_("This meeting is locked: unlock it first."))
    if meeting.slot_id is None:
        raise AdjustError(_("This meeting has no slot yet."))
    await release(db, [meeting.id])
    mark_slot(meeting, None, now)


async def toggle_lock(db: AsyncSession, meeting: Meeting, now: datetime) -> None:
    _refuse_if_cancelled(meeting)
    await _refuse_if_running(db, now)
    if not meeting.is_locked and meeting.slot_id is None:
        raise AdjustError(_("Only a meeting with a slot can be locked."))
    meeting.is_locked = not meeting.is_locked


async def publish(db: AsyncSession, settings: Settings, now: datetime) -> int:
    """Publishes every draft meeting with a slot (each gets a video room if it has none); returns how many.

    Two statements whatever the number of meetings (a fair of 10,000 participants publishes in one request):
    one UPDATE for the state, one executemany for the rooms of those that have none."""
    await _refuse_if_running(db, now)
    drafts = (
        Meeting.is_published.is_(False),
        Meeting.slot_id.is_not(None),
        Meeting.status == "scheduled",
    )
    without_room = (await db.scalars(select(Meeting.id).where(*drafts, Meeting.room_url == ""))).all()
    published = await db.execute(
        update(Meeting).where(*drafts).values(is_published=True, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    if without_room:
        # One Core executemany: each meeting its own unguessable room.
        table = cast(Table, Meeting.__table__)
        set_room = (
            update(table).where(table.c.id == bindparam("meeting_id")).values(room_url=bindparam("room"))
        )
        base = settings.meeting_room_url
        await db.execute(set_room, [{"meeting_id": mid, "room": room_url(base)} for mid in without_room])
    return rowcount(published)


async def request_stop(db: AsyncSession, run: SolveRun) -> bool:
    """Asks a running run to stop (whichever worker solves it reads the flag from the row); False when it
    is no longer running."""
    if run.status != "running":
        return False
    run.stop_requested = True
    return True
