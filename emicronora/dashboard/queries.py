"""The figures of the dashboard, each one SQL aggregate (GROUP BY, COUNT, windows) over the whole fair or a
period: nothing here reads a table row by row. Time-based figures count the rows whose time falls in the
period; figures per session count the sessions held in it (see attendance.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from emicronora.dashboard.attendance import SessionAttendance, attendance, held_sessions
from emicronora.dashboard.buckets import (
    BUCKET_FORMAT,
    Step,
    bucket_start,
    choose_step,
    day_range,
    hour_range,
    per_local_day,
    utc_hour,
)
from emicronora.dashboard.live import LiveNow, live_now
from emicronora.models import (
    REQUEST_STATUSES,
    B2BProfile,
    ChatMessage,
    Company,
    Lead,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Question,
    Session,
    User,
    Video,
    VideoView,
)
from emicronora.periods import Period

__all__ = [
    "Activity",
    "ActivityPoint",
    "B2BFigures",
    "CompanyCount",
    "Dashboard",
    "RegistrationDay",
    "SessionActivity",
    "SessionAttendance",
    "activity",
    "attendance",
    "b2b",
    "leads_per_exhibitor",
    "load",
    "registrations",
    "session_activity",
    "video_views_per_exhibitor",
]

T = TypeVar("T")

# What moderators removed is not activity: deleted chat messages, dismissed questions.
CHAT_SHOWN = ChatMessage.is_deleted.is_(False)
QUESTION_SHOWN = Question.status != "dismissed"


@dataclass(frozen=True)
class RegistrationDay:
    day: date
    new: int
    # Every account created up to the end of this day, including those before the period.
    total: int


@dataclass(frozen=True)
class ActivityPoint:
    at: datetime  # the start of the hour or day, in event time
    chat: int
    questions: int


@dataclass(frozen=True)
class Activity:
    step: Step
    points: list[ActivityPoint]


@dataclass(frozen=True)
class SessionActivity:
    session_id: int
    title: str
    starts_at: datetime
    chat: int
    questions: int


@dataclass(frozen=True)
class CompanyCount:
    company_id: int
    name: str
    count: int


@dataclass(frozen=True)
class B2BFigures:
    # Requests sent in the period, by state (a pending request past its expiry counts as expired).
    requests: dict[str, int]
    # Meetings whose slot starts in the period: scheduled (not cancelled), held (their slot has ended).
    scheduled: int
    held: int
    cancelled: int
    participants: int
    without_meeting: int

    @property
    def requests_sent(self) -> int:
        return sum(self.requests.values())

    @property
    def upcoming(self) -> int:
        return self.scheduled - self.held


async def hourly_counts(
    db: AsyncSession,
    column: InstrumentedAttribute[datetime],
    period: Period,
    *conditions: ColumnElement[bool],
) -> dict[str, int]:
    """Rows per UTC hour ('YYYY-MM-DD HH'), for rows whose `column` falls in the period."""
    hours = select(utc_hour(column).label("bucket")).where(*conditions, *period.where(column)).subquery()
    rows = await db.execute(select(hours.c.bucket, func.count()).group_by(hours.c.bucket))
    return {bucket: count for bucket, count in rows.all() if bucket is not None}


async def registrations(db: AsyncSession, period: Period) -> list[RegistrationDay]:
    """New accounts per day of the period, with the running total."""
    per_day = per_local_day((await hourly_counts(db, User.created_at, period)).items(), period.tz)
    total = 0
    if period.start is not None:
        earlier = select(func.count()).select_from(User).where(User.created_at < period.start)
        total = await db.scalar(earlier) or 0
    days = []
    for day in day_range(period, per_day):
        new = per_day.get(day, 0)
        total += new
        days.append(RegistrationDay(day, new, total))
    return days


async def activity(db: AsyncSession, period: Period) -> Activity:
    """Chat messages and questions per hour (a period of a few days) or per day."""
    chat = await hourly_counts(db, ChatMessage.created_at, period, CHAT_SHOWN)
    questions = await hourly_counts(db, Question.created_at, period, QUESTION_SHOWN)
    buckets = chat.keys() | questions.keys()
    tz = period.tz
    if choose_step(period, buckets) == "hour":
        points = []
        for hour in hour_range(period, map(bucket_start, buckets)):
            bucket = hour.strftime(BUCKET_FORMAT)
            points.append(ActivityPoint(hour.astimezone(tz), chat.get(bucket, 0), questions.get(bucket, 0)))
        return Activity("hour", points)
    chat_days = per_local_day(chat.items(), tz)
    question_days = per_local_day(questions.items(), tz)
    days = day_range(period, chat_days.keys() | question_days.keys())
    return Activity(
        "day",
        [
            ActivityPoint(
                datetime.combine(day, datetime.min.time(), tzinfo=tz),
                chat_days.get(day, 0),
                question_days.get(day, 0),
            )
            for day in days
        ],
    )


async def session_activity(db: AsyncSession, period: Period) -> list[SessionActivity]:
    """Chat messages and questions of each session held in the period, in programme order."""
    # One grouped pass over each table: cheaper than a count per session, which reads the rows in index order.
    chosen = select(Session.id).where(*held_sessions(period))
    chat = (
        select(ChatMessage.session_id, func.count().label("posts"))
        .where(CHAT_SHOWN, ChatMessage.session_id.in_(chosen))
        .group_by(ChatMessage.session_id)
        .subquery()
    )
    questions = (
        select(Question.session_id, func.count().label("posts"))
        .where(QUESTION_SHOWN, Question.session_id.in_(chosen))
        .group_by(Question.session_id)
        .subquery()
    )
    rows = await db.execute(
        select(
            Session.id,
            Session.title,
            Session.starts_at,
            func.coalesce(chat.c.posts, 0),
            func.coalesce(questions.c.posts, 0),
        )
        .outerjoin(chat, chat.c.session_id == Session.id)
        .outerjoin(questions, questions.c.session_id == Session.id)
        .where(*held_sessions(period))
        .order_by(Session.starts_at, Session.position, Session.id)
    )
    return [SessionActivity(*row) for row in rows.all()]


async def video_views_per_exhibitor(db: AsyncSession, period: Period) -> list[CompanyCount]:
    """Views (one per viewer and video per hour) of each company's videos in the period, most viewed first."""
    count = func.count(VideoView.id)
    rows = await db.execute(
        select(Company.id, Company.name, count)
        .join(Video, Video.company_id == Company.id)
        .join(VideoView, VideoView.video_id == Video.id)
        .where(*period.where(VideoView.at))
        .group_by(Company.id, Company.name)
        .order_by(count.desc(), Company.name, Company.id)
    )
    return [CompanyCount(*row) for row in rows.all()]


async def leads_per_exhibitor(db: AsyncSession, period: Period) -> list[CompanyCount]:
    count = func.count(Lead.id)
    rows = await db.execute(
        select(Company.id, Company.name, count)
        .join(Lead, Lead.company_id == Company.id)
        .where(*period.where(Lead.created_at))
        .group_by(Company.id, Company.name)
        .order_by(count.desc(), Company.name, Company.id)
    )
    return [CompanyCount(*row) for row in rows.all()]


async def request_states(db: AsyncSession, period: Period, now: datetime) -> dict[str, int]:
    state = case(
        (and_(MeetingRequest.status == "pending", MeetingRequest.expires_at < now), "expired"),
        else_=MeetingRequest.status,
    ).label("state")
    states = select(state).where(*period.where(MeetingRequest.created_at)).subquery()
    rows = await db.execute(select(states.c.state, func.count()).group_by(states.c.state))
    counts = dict.fromkeys(REQUEST_STATUSES, 0)
    counts.update(dict(rows.all()))
    return counts


async def b2b(db: AsyncSession, period: Period, now: datetime) -> B2BFigures:
    scheduled = Meeting.status == "scheduled"
    # Slots by id rather than joined: meetings.slot_id has no index, and SQLite, starting from a day's slots,
    # scanned every meeting once per slot. A list of ids is read once and probed.
    in_period = Meeting.slot_id.in_(select(MeetingSlot.id).where(*period.where(MeetingSlot.starts_at)))
    ended = Meeting.slot_id.in_(
        select(MeetingSlot.id).where(*period.where(MeetingSlot.starts_at), MeetingSlot.ends_at <= now)
    )
    meetings = (
        await db.execute(
            select(
                func.count().filter(scheduled),
                func.count().filter(scheduled, ended),
                func.count().filter(Meeting.status == "cancelled"),
            ).where(in_period)
        )
    ).one()
    placed = select(Meeting.id).where(scheduled, in_period)
    # Per profile through the indexes on first_id and second_id, stopping at its first meeting: NOT IN over
    # the union of every meeting's two sides sorted all the meetings of the fair (SQLite: 40 ms, now 1 ms).
    without_meeting = and_(
        ~placed.where(Meeting.first_id == B2BProfile.id).exists(),
        ~placed.where(Meeting.second_id == B2BProfile.id).exists(),
    )
    active = select(func.count()).select_from(B2BProfile).where(B2BProfile.is_active.is_(True))
    # In WHERE rather than in a FILTER, so that PostgreSQL can make them anti-joins rather than subplans run
    # for each profile.
    participants = (
        await db.execute(select(active.scalar_subquery(), active.where(without_meeting).scalar_subquery()))
    ).one()
    return B2BFigures(
        requests=await request_states(db, period, now),
        scheduled=meetings[0] or 0,
        held=meetings[1] or 0,
        cancelled=meetings[2] or 0,
        participants=participants[0] or 0,
        without_meeting=participants[1] or 0,
    )


@dataclass(frozen=True)
class Dashboard:
    registrations: list[RegistrationDay]
    attendance: list[SessionAttendance]
    activity: Activity
    sessions: list[SessionActivity]
    video_views: list[CompanyCount]
    leads: list[CompanyCount]
    b2b: B2BFigures
    live: LiveNow


async def load(sessionmaker: async_sessionmaker[AsyncSession], period: Period, now: datetime) -> Dashboard:
    """Every figure, each on its own connection and all at once: the page waits for the slowest query, not for
    their sum (SQLite runs each connection in its own thread, PostgreSQL in its own backend)."""

    async def run(figure: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with sessionmaker() as db:
            return await figure(db)

    async with asyncio.TaskGroup() as group:
        new_accounts = group.create_task(run(lambda db: registrations(db, period)))
        watched = group.create_task(run(lambda db: attendance(db, period, now)))
        posted = group.create_task(run(lambda db: activity(db, period)))
        per_session = group.create_task(run(lambda db: session_activity(db, period)))
        viewed = group.create_task(run(lambda db: video_views_per_exhibitor(db, period)))
        contacted = group.create_task(run(lambda db: leads_per_exhibitor(db, period)))
        meetings = group.create_task(run(lambda db: b2b(db, period, now)))
        present = group.create_task(run(lambda db: live_now(db, now)))
    return Dashboard(
        registrations=new_accounts.result(),
        attendance=watched.result(),
        activity=posted.result(),
        sessions=per_session.result(),
        video_views=viewed.result(),
        leads=contacted.result(),
        b2b=meetings.result(),
        live=present.result(),
    )
