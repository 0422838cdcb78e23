"""Leads: what a logged-in visitor chose to send to an exhibitor ("contact this exhibitor", from the
showroom or a video), the company's list of them and its CSV export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.emails import EMAIL_PATTERN, normalise_email
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, Lead, User, Video, utcnow
from emicronora.settings import Settings
from emicronora.spreadsheets import csv_bytes

MAX_NAME = 120
MAX_COMPANY = 200
MAX_MESSAGE = 2000
# A visitor may write to many exhibitors, but not flood them: this many messages an hour in all.
MAX_LEADS_PER_HOUR = 10


@dataclass(frozen=True)
class LeadRow:
    lead: Lead
    # The video the visitor was watching when they wrote, if any.
    video_title: str


def contact_values(visitor: User) -> dict[str, str]:
    """The contact form prefilled from the visitor's account; they see and may change what is sent."""
    company = visitor.company.name if visitor.company is not None else visitor.company_name
    return {"name": visitor.name, "company": company, "email": visitor.email, "message": ""}


async def create_lead(
    db: AsyncSession, form: Form, company: Company, visitor: User, video: Video | None = None
) -> Lead | None:
    """Stores what the visitor sends to the company (fields name, company, email, message); None with one
    message per wrong field when refused."""
    name = form.text("name", max_length=MAX_NAME)
    company_name = form.text("company", max_length=MAX_COMPANY, required=False)
    email = normalise_email(form.text("email", max_length=254))
    if email and "email" not in form.errors and not EMAIL_PATTERN.match(email):
        form.error("email", _("Enter a valid e-mail address."))
    message = form.text("message", max_length=MAX_MESSAGE, required=False, multiline=True)
    now = utcnow()
    if form.ok:
        sent = await db.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.visitor_id == visitor.id, Lead.created_at >= now - timedelta(hours=1))
        )
        if (sent or 0) >= MAX_LEADS_PER_HOUR:
            form.error("message", _("You have sent many messages in the last hour. Please retry later."))
    if not form.ok:
        return None
    lead = Lead(
        company_id=company.id,
        visitor_id=visitor.id,
        name=name,
        company_name=company_name,
        email=email,
        message=message,
        video_id=video.id if video is not None and video.company_id == company.id else None,
        created_at=now,
    )
    db.add(lead)
    await db.flush()
    return lead


async def leads_of(db: AsyncSession, company_id: int) -> list[LeadRow]:
    """The company's leads, newest first."""
    statement = (
        select(Lead, Video.title)
        .outerjoin(Video, Video.id == Lead.video_id)
        .where(Lead.company_id == company_id)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    )
    return [
        LeadRow(lead=lead, video_title=title or "") for lead, title in (await db.execute(statement)).all()
    ]


def _received(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(settings.tz).isoformat(timespec="minutes")


def leads_csv(rows: list[LeadRow], settings: Settings) -> bytes:
    """The leads as CSV, to open in a spreadsheet app or import in a CRM."""
    columns = [
        _("Received (%(zone)s)", zone=settings.event_timezone),
        _("Name"),
        _("Company"),
        _("E-mail"),
        _("Message"),
        _("Video"),
    ]
    lines = [
        [
            _received(row.lead.created_at, settings),
            row.lead.name,
            row.lead.company_name,
            row.lead.email,
            row.lead.message,
            row.video_title,
        ]
        for row in rows
    ]
    return csv_bytes(columns, lines)
