"""Reads of the organiser's side of the brokerage event: the figures (SQL aggregates), the participants'
names, the meeting slots with their use, and the scheduler's runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import (
    B2BProfile,
    B2BSettings,
    Company,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    ParticipantSlot,
    SolveRun,
    Unavailability,
    User,
)

# No run lasts longer (the time limit is at most 120 s): a "running" run older than this died with its worker.
LONGEST_RUN = timedelta(minutes=5)
RECENT_RUNS = 10


@dataclass(frozen=True)
class Person:
    profile_id: int
    name: str
    company: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.company})" if self.company else self.name


async def people(db: AsyncSession, profile_ids: set[int] | None = None) -> dict[int, Person]:
    query = (
        select(B2BProfile.id, User.name, func.coalesce(Company.name, User.company_name))
        .join(User, User.id == B2BProfile.user_id)
        .outerjoin(Company, Company.id == User.company_id)
    )
    if profile_ids is not None:
        query = query.where(B2BProfile.id.in_(profile_ids))
    return {pid: Person(pid, name, company or "") for pid, name, company in (await db.execute(query)).all()}


# Figures ---------------------------------------------------------------------------------------------------


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
    counts.update({str(name): count for name, count in rows.all()})
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


# Slots -----------------------------------------------------------------------------------------------------


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
    meetings: dict[int | None, int] = dict(
        (
            await db.execute(
                select(Meeting.slot_id, func.count())
                .where(Meeting.slot_id.is_not(None))
                .group_by(Meeting.slot_id)
            )
        ).all()
    )
    unavailable: dict[int, int] = dict(
        (
            await db.execute(select(Unavailability.slot_id, func.count()).group_by(Unavailability.slot_id))
        ).all()
    )
    days: dict[date, list[SlotLine]] = {}
    for slot in slots:
        line = SlotLine(slot, meetings.get(slot.id, 0), unavailable.get(slot.id, 0))
        days.setdefault(slot.starts_at.astimezone(tz).date(), []).append(line)
    return list(days.items())


async def all_slots(db: AsyncSession) -> list[MeetingSlot]:
    return list((await db.scalars(select(MeetingSlot))).all())


async def slot_is_used(db: AsyncSession, slot_id: int) -> bool:
    """Whether a meeting or a participant's booking holds the slot."""
    used = await db.scalar(select(func.count()).select_from(Meeting).where(Meeting.slot_id == slot_id))
    booked = await db.scalar(
        select(func.count()).select_from(ParticipantSlot).where(ParticipantSlot.slot_id == slot_id)
    )
    return bool(used or booked)


async def tables(db: AsyncSession) -> int:
    """The tables of a slot: how many meetings it holds at once (0: no limit)."""
    value = await db.scalar(select(B2BSettings.tables).order_by(B2BSettings.id).limit(1))
    return value or 0


# Meetings --------------------------------------------------------------------------------------------------


async def meetings_with_slots(db: AsyncSession) -> list[tuple[Meeting, MeetingSlot | None]]:
    """Every meeting that is not cancelled, with its slot: placed ones by time first."""
    rows = await db.execute(
        select(Meeting, MeetingSlot)
        .outerjoin(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .where(Meeting.status == "scheduled")
        .order_by(MeetingSlot.starts_at, Meeting.id)
    )
    return [(meeting, slot) for meeting, slot in rows.all()]


async def placements(db: AsyncSession) -> list[tuple[int, int, int, int]]:
    """(meeting, first profile, second profile, slot) of every placed meeting that is not cancelled."""
    rows = await db.execute(
        select(Meeting.id, Meeting.first_id, Meeting.second_id, Meeting.slot_id).where(
            Meeting.slot_id.is_not(None), Meeting.status == "scheduled"
        )
    )
    return [(m, a, b, s) for m, a, b, s in rows.all() if s is not None]


async def meetings_per_participant(db: AsyncSession) -> dict[int, int]:
    """Placed meetings of every active participant (0 included)."""
    held: dict[int, int] = dict(
        (
            await db.execute(
                select(ParticipantSlot.profile_id, func.count())
                .join(Meeting, Meeting.id == ParticipantSlot.meeting_id)
                .where(Meeting.status == "scheduled")
                .group_by(ParticipantSlot.profile_id)
            )
        ).all()
    )
    active = (await db.scalars(select(B2BProfile.id).where(B2BProfile.is_active.is_(True)))).all()
    return {pid: held.get(pid, 0) for pid in active}


async def placed_count(db: AsyncSession) -> int:
    placed = await db.scalar(
        select(func.count())
        .select_from(Meeting)
        .where(Meeting.slot_id.is_not(None), Meeting.status == "scheduled")
    )
    return placed or 0


# Runs ------------------------------------------------------------------------------------------------------


def is_live(run: SolveRun, now: datetime) -> bool:
    return run.status == "running" and run.started_at > now - LONGEST_RUN


async def run_in_progress(db: AsyncSession, now: datetime) -> SolveRun | None:
    """The run still solving, if any: its result would overwrite hand changes made meanwhile."""
    return await db.scalar(
        select(SolveRun)
        .where(SolveRun.status == "running", SolveRun.started_at > now - LONGEST_RUN)
        .order_by(SolveRun.id.desc())
        .limit(1)
    )


async def latest_run(db: AsyncSession) -> SolveRun | None:
    return await db.scalar(select(SolveRun).order_by(SolveRun.id.desc()).limit(1))


async def recent_runs(db: AsyncSession, limit: int = RECENT_RUNS) -> list[SolveRun]:
    return list((await db.scalars(select(SolveRun).order_by(SolveRun.id.desc()).limit(limit))).all())


async def newer_run(db: AsyncSession, run: SolveRun) -> int | None:
    """The id of a run started after `run`, if any (its review is then no longer the latest)."""
    return await db.scalar(select(SolveRun.id).where(SolveRun.id > run.id).limit(1))
