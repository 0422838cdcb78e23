"""The CSV exports: for each, its columns, one SQL statement (filtered by the period on the column that
dates a row) and how a result row becomes a CSV line. Rows are streamed from the database, never loaded
as whole tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from emicronora.exports import attendance
from emicronora.i18n import lazy
from emicronora.models import (
    B2BProfile,
    Company,
    Lead,
    Meeting,
    MeetingSlot,
    Question,
    Session,
    User,
    Video,
)
from emicronora.periods import Period
from emicronora.spreadsheets import Cell

# A statement of any number of columns (SQLAlchemy types a Select by its columns).
Statement = Select[*tuple[Any, ...]]
DateColumn = InstrumentedAttribute[datetime] | ColumnElement[datetime]


@dataclass(frozen=True)
class Context:
    """What a row needs to be written: the event's zone, the language of translated names, and figures an
    export reads beside its statement (the attendance figures, by session id)."""

    tz: ZoneInfo
    locale: str
    lookup: Mapping[Any, Any] = field(default_factory=dict)


Row = Sequence[Any]


@dataclass(frozen=True)
class Export:
    """One CSV export. `dated_by` names (for the page) the column the date filter applies to."""

    slug: str
    title: str
    dated_by: str
    columns: tuple[str, ...]
    statement: Callable[[datetime], Statement]
    date_column: Callable[[], DateColumn]
    line: Callable[[Row, Context], tuple[Cell, ...]]
    prepare: Callable[[AsyncSession, Period, datetime], Awaitable[Mapping[Any, Any]]] | None = None
    # The rows to count when the statement computes figures that a count does not need.
    counted: Callable[[], Statement] | None = None

    def query(self, period: Period, now: datetime) -> Statement:
        """The rows as they are at `now` (a stay still open in a live room ends at `now`)."""
        return self._filtered(self.statement(now), period)

    def _filtered(self, statement: Statement, period: Period) -> Statement:
        return statement.where(*period.where(self.date_column()))

    def count(self, period: Period, now: datetime) -> Statement:
        rows = self.query(period, now) if self.counted is None else self._filtered(self.counted(), period)
        return select(func.count()).select_from(rows.order_by(None).subquery())

    async def context(self, db: AsyncSession, period: Period, now: datetime, ctx: Context) -> Context:
        if self.prepare is None:
            return ctx
        return replace(ctx, lookup=await self.prepare(db, period, now))


def moment(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).isoformat(timespec="minutes") if value is not None else ""


def yes_no(value: object) -> str:
    return "yes" if value else "no"


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


# Registrations ----------------------------------------------------------------------------------------------


def _registrations(now: datetime) -> Statement:
    return (
        select(
            User.name,
            User.email,
            func.coalesce(Company.name, User.company_name),
            User.country,
            User.is_organiser,
            Company.is_exhibitor,
            Company.b2b_role,
            User.locale,
            User.created_at,
            User.email_confirmed_at,
        )
        .outerjoin(Company, Company.id == User.company_id)
        .order_by(User.created_at, User.id)
    )


def _registration_line(row: Row, ctx: Context) -> tuple[Cell, ...]:
    name, email, company, country, organiser, exhibitor, b2b_role, locale, created, confirmed = row
    roles = ["attendee"]
    if exhibitor:
        roles.append("exhibitor")
    if b2b_role:
        roles.append("b2b")
    if organiser:
        roles.append("organiser")
    return (
        name,
        email,
        company,
        country,
        ";".join(roles),
        locale,
        moment(created, ctx.tz),
        yes_no(confirmed),
    )


REGISTRATIONS = Export(
    slug="registrations",
    title=lazy("Registrations"),
    dated_by=lazy("registration date"),
    columns=("name", "email", "company", "country", "roles", "language", "registered_at", "confirmed"),
    statement=_registrations,
    date_column=lambda: User.created_at,
    line=_registration_line,
)


# Attendance per session -------------------------------------------------------------------------------------


def _attendance_line(row: Row, ctx: Context) -> tuple[Cell, ...]:
    session_id, day, starts, ends, title, theme_fr, theme_en, kind, cancelled = row
    figures = ctx.lookup.get(session_id, attendance.NOBODY)
    return (
        session_id,
        _day(day),
        moment(starts, ctx.tz),
        moment(ends, ctx.tz),
        title,
        theme_en if ctx.locale == "en" else theme_fr,
        kind,
        yes_no(cancelled),
        figures.viewers,
        figures.peak,
        round(figures.minutes),
    )


ATTENDANCE = Export(
    slug="attendance",
    title=lazy("Attendance per session"),
    dated_by=lazy("session start"),
    columns=(
        "session",
        "day",
        "start",
        "end",
        "title",
        "theme",
        "kind",
        "cancelled",
        "unique_viewers",
        "peak_live",
        "total_minutes",
    ),
    statement=attendance.attendance_query,
    date_column=lambda: Session.starts_at,
    line=_attendance_line,
    # The dashboard's figures (people, not sockets; the kept figures of ended sessions), so that the file and
    # the plot agree.
    prepare=attendance.figures,
    counted=lambda: select(Session.id),
)


# Leads, by exhibitor ----------------------------------------------------------------------------------------


def _leads(now: datetime) -> Statement:
    return (
        select(
            Company.name,
            Lead.created_at,
            Lead.name,
            Lead.company_name,
            Lead.email,
            Lead.message,
            Video.title,
        )
        .join(Company, Company.id == Lead.company_id)
        .outerjoin(Video, Video.id == Lead.video_id)
        .order_by(Company.name, Company.id, Lead.created_at, Lead.id)
    )


def _lead_line(row: Row, ctx: Context) -> tuple[Cell, ...]:
    exhibitor, created, name, company, email, message, video = row
    return (exhibitor, moment(created, ctx.tz), name, company, email, message, video or "")


LEADS = Export(
    slug="leads",
    title=lazy("Leads per exhibitor"),
    dated_by=lazy("date received"),
    columns=("exhibitor", "received_at", "name", "company", "email", "message", "video"),
    statement=_leads,
    date_column=lambda: Lead.created_at,
    line=_lead_line,
)


# B2B meetings -----------------------------------------------------------------------------------------------


def _meetings(now: datetime) -> Statement:
    parties = []
    for side in ("a", "b"):
        profile = aliased(B2BProfile, name=f"profile_{side}")
        user = aliased(User, name=f"user_{side}")
        company = aliased(Company, name=f"company_{side}")
        parties.append((profile, user, company))
    (pa, ua, ca), (pb, ub, cb) = parties
    return (
        select(
            Meeting.id,
            MeetingSlot.starts_at,
            MeetingSlot.ends_at,
            ua.name,
            ua.email,
            func.coalesce(ca.name, ua.company_name),
            pa.role,
            ub.name,
            ub.email,
            func.coalesce(cb.name, ub.company_name),
            pb.role,
            Meeting.status,
            Meeting.is_published,
            Meeting.room_url,
        )
        .join(pa, pa.id == Meeting.first_id)
        .join(ua, ua.id == pa.user_id)
        .outerjoin(ca, ca.id == ua.company_id)
        .join(pb, pb.id == Meeting.second_id)
        .join(ub, ub.id == pb.user_id)
        .outerjoin(cb, cb.id == ub.company_id)
        .outerjoin(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
        .order_by(MeetingSlot.starts_at.is_(None), MeetingSlot.starts_at, Meeting.id)
    )


def _meeting_line(row: Row, ctx: Context) -> tuple[Cell, ...]:
    meeting_id, starts, ends, *parties, status, published, room_url = row
    if status != "cancelled":
        status = "scheduled" if starts is not None else "unscheduled"
    return (
        meeting_id,
        _day(starts.astimezone(ctx.tz).date() if starts else None),
        moment(starts, ctx.tz),
        moment(ends, ctx.tz),
        ctx.tz.key,
        *parties,
        status,
        yes_no(published),
        room_url,
    )


MEETINGS = Export(
    slug="meetings",
    title=lazy("B2B meetings"),
    dated_by=lazy("meeting slot"),
    columns=(
        "meeting",
        "day",
        "start",
        "end",
        "timezone",
        "participant_a",
        "email_a",
        "company_a",
        "role_a",
        "participant_b",
        "email_b",
        "company_b",
        "role_b",
        "status",
        "published",
        "room_url",
    ),
    statement=_meetings,
    date_column=lambda: MeetingSlot.starts_at,
    line=_meeting_line,
)


# Questions asked in the live rooms --------------------------------------------------------------------------


def _questions(now: datetime) -> Statement:
    return (
        select(
            Session.id,
            Session.title,
            User.name,
            Question.body,
            Question.votes,
            Question.status,
            Question.created_at,
        )
        .join(Session, Session.id == Question.session_id)
        .join(User, User.id == Question.user_id)
        .order_by(Session.starts_at, Session.id, Question.votes.desc(), Question.id)
    )


def _question_line(row: Row, ctx: Context) -> tuple[Cell, ...]:
    session_id, title, author, body, votes, status, created = row
    return (session_id, title, author, body, votes, status, moment(created, ctx.tz))


QUESTIONS = Export(
    slug="questions",
    title=lazy("Questions"),
    dated_by=lazy("date asked"),
    columns=("session", "session_title", "author", "question", "votes", "status", "asked_at"),
    statement=_questions,
    date_column=lambda: Question.created_at,
    line=_question_line,
)


EXPORTS: dict[str, Export] = {
    export.slug: export for export in (REGISTRATIONS, ATTENDANCE, LEADS, MEETINGS, QUESTIONS)
}
