"""What each event of the fair sends, and to whom. Other areas call these with one line, inside the
transaction of the change that causes the mail: no mail for a change that was rolled back."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from typing import Any

import anyio.to_thread
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.marketplace.queries import company_name
from emicronora.calendar.ical import CalendarItem, build_calendar, serialise
from emicronora.calendar.items import meeting_items_by_user, sort_items
from emicronora.i18n import _
from emicronora.mail.compose import in_locale, recipient_locale
from emicronora.mail.outbox import Attachment, insert_emails, may_send, prepare_email, queue_email, taken_keys
from emicronora.mail.tokens import LIFETIMES, issue
from emicronora.models import (
    B2BProfile,
    Meeting,
    MeetingRequest,
    PitchProposal,
    Session,
    Star,
    Theme,
    User,
)
from emicronora.settings import Settings

REMINDER_LEAD = timedelta(minutes=15)
REQUESTS_PAGE = "/b2b/requests"
AGENDA_PAGE = "/b2b/agenda"
PITCHES_PAGE = "/exhibitor-area/pitches"
# The "Forgot your password?" page (the accounts area), where a reset link is asked for.
FORGOT_PAGE = "/account/forgot"


async def _link_mail(
    db: AsyncSession, user: User, settings: Settings, now: datetime, kind: str, purpose: str, path: str
) -> int | None:
    """A message carrying a fresh single-use link to `path`/<secret>, and how long it works."""
    if not may_send(user, kind):
        return None
    secret = await issue(db, user, purpose, now)
    lifetime = int(LIFETIMES[purpose].total_seconds())
    link = f"{settings.site_origin}{path}/{secret}"
    context = {"link": link, "hours": lifetime // 3600, "minutes": lifetime // 60}
    return await queue_email(db, user, kind, context, settings=settings, now=now)


async def confirmation(db: AsyncSession, user: User, settings: Settings, now: datetime) -> int | None:
    return await _link_mail(db, user, settings, now, "confirm_account", "confirm", "/account/confirm")


async def password_reset(db: AsyncSession, user: User, settings: Settings, now: datetime) -> int | None:
    return await _link_mail(db, user, settings, now, "password_reset", "reset", "/account/reset")


async def password_changed(db: AsyncSession, user: User, settings: Settings, now: datetime) -> int | None:
    """The notice that the password was changed (OWASP ASVS 2.2.3), whatever the user's preferences. It says
    when and what to do if it was not them; it carries nothing that opens the account, only the address of
    the page where a reset link is asked for."""
    context = {
        "changed_at": now,
        "forgot_link": f"{settings.site_origin}{FORGOT_PAGE}",
        "contact": settings.contact_email,
    }
    return await queue_email(db, user, "password_changed", context, settings=settings, now=now)


async def account_exists(db: AsyncSession, user: User, settings: Settings, now: datetime) -> int | None:
    """The answer to a registration with the address of an existing account: the page answers as for a new
    account, and only the owner of the mailbox learns that the account exists and how to get back in."""
    context = {
        "login_link": f"{settings.site_origin}/login",
        "forgot_link": f"{settings.site_origin}{FORGOT_PAGE}",
    }
    return await queue_email(db, user, "account_exists", context, settings=settings, now=now)


async def _profile_users(db: AsyncSession, *profile_ids: int) -> dict[int, tuple[User, str]]:
    """For each profile: its user, and their company as participants see it."""
    rows = await db.execute(
        select(B2BProfile.id, User)
        .join(User, User.id == B2BProfile.user_id)
        .where(B2BProfile.id.in_(profile_ids))
    )
    return {profile_id: (user, company_name(user)) for profile_id, user in rows.unique().all()}


async def meeting_request_received(db: AsyncSession, settings: Settings, request: MeetingRequest) -> None:
    people = await _profile_users(db, request.requester_id, request.recipient_id)
    recipient = people[request.recipient_id][0]
    requester, company = people[request.requester_id]
    context = {
        "partner": requester.name,
        "company": company,
        "message": request.message,
        "expires_at": request.expires_at,
        "link": f"{settings.site_origin}{REQUESTS_PAGE}#request-{request.id}",
    }
    await queue_email(
        db,
        recipient,
        "meeting_request_received",
        context,
        settings=settings,
        dedupe_key=f"meeting_request_received:{request.id}",
    )


async def request_answered(db: AsyncSession, settings: Settings, request: MeetingRequest) -> None:
    """Tells the requester once the answer is final: accepted (with a meeting), or declined by the
    participant or by the organisers. A request waiting for approval is not final yet."""
    if request.status not in ("accepted", "declined"):
        return
    people = await _profile_users(db, request.requester_id, request.recipient_id)
    requester = people[request.requester_id][0]
    recipient, company = people[request.recipient_id]
    kind = f"meeting_request_{request.status}"
    page = AGENDA_PAGE if request.status == "accepted" else "/b2b"
    await queue_email(
        db,
        requester,
        kind,
        {"partner": recipient.name, "company": company, "link": f"{settings.site_origin}{page}"},
        settings=settings,
        dedupe_key=f"{kind}:{request.id}",
    )


def _agenda_fingerprint(items: list[CalendarItem]) -> str:
    digest = hashlib.sha256()
    for item in items:
        digest.update(f"{item.uid}/{item.sequence}/{item.cancelled};".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class _AgendaMail:
    user: User
    items: list[CalendarItem]
    calendar_name: str
    dedupe_key: str


def _agenda_rows(mails: list[_AgendaMail], settings: Settings, now: datetime) -> list[dict[str, Any]]:
    """CPU work only (calendar files and templates): run in a worker thread."""
    rows = []
    for mail in mails:
        ics = serialise(build_calendar(mail.calendar_name, mail.items, settings.tz, now)).decode()
        context = {
            "meetings": [item for item in mail.items if not item.cancelled],
            "link": f"{settings.site_origin}{AGENDA_PAGE}",
        }
        row = prepare_email(
            mail.user,
            "schedule_published",
            context,
            settings=settings,
            attachments=[Attachment("e-micronora-b2b.ics", "text/calendar", ics, method="PUBLISH")],
            dedupe_key=mail.dedupe_key,
            now=now,
        )
        if row is not None:
            rows.append(row)
    return rows


def _with_published_meetings() -> ColumnElement[bool]:
    published = (Meeting.is_published.is_(True), Meeting.slot_id.is_not(None))
    return or_(
        B2BProfile.id.in_(select(Meeting.first_id).where(*published)),
        B2BProfile.id.in_(select(Meeting.second_id).where(*published)),
    )


async def schedule_recipients(db: AsyncSession) -> list[int]:
    """The users who may get their B2B agenda: participants with a published meeting, in id order."""
    return list(
        (
            await db.scalars(
                select(User.id)
                .join(B2BProfile, B2BProfile.user_id == User.id)
                .where(_with_published_meetings(), User.is_active.is_(True), User.email_bounced_at.is_(None))
                .order_by(User.id)
                .distinct()
            )
        ).all()
    )


async def schedule_published(
    db: AsyncSession, settings: Settings, now: datetime, user_ids: Sequence[int] | None = None
) -> int:
    """Each participant with a published meeting (among `user_ids` if given) gets their whole B2B agenda, as
    text and as an .ics file (METHOD:PUBLISH). Publishing again mails only those whose agenda changed since
    their last mail. Returns how many messages were queued."""
    query = (
        select(User)
        .join(B2BProfile, B2BProfile.user_id == User.id)
        .where(_with_published_meetings(), User.is_active.is_(True), User.email_bounced_at.is_(None))
        .order_by(User.id)
    )
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    users = (await db.scalars(query)).unique().all()
    mails: list[_AgendaMail] = []
    by_locale = sorted(users, key=lambda u: recipient_locale(u, settings))
    for locale, group in groupby(by_locale, key=lambda u: recipient_locale(u, settings)):
        members = list(group)
        # The calendar texts ("B2B meeting: ...") are written in the recipient's language.
        with in_locale(locale):
            items_by_user = await meeting_items_by_user(db, settings, [u.id for u in members])
            calendar_name = _("e-Micronora · My B2B meetings")
        for user in members:
            items = sort_items(items_by_user.get(user.id, []))
            if any(not item.cancelled for item in items):
                key = f"schedule_published:{user.id}:{_agenda_fingerprint(items)}"
                mails.append(_AgendaMail(user, items, calendar_name, key))
    taken = await taken_keys(db, [mail.dedupe_key for mail in mails])
    mails = [mail for mail in mails if mail.dedupe_key not in taken]
    # Thousands of calendar files and messages: built off the event loop, so other pages stay fast.
    rows = await anyio.to_thread.run_sync(_agenda_rows, mails, settings, now)
    return len(await insert_emails(db, rows))


async def pitch_reviewed(db: AsyncSession, settings: Settings, proposal: PitchProposal) -> None:
    """Tells whoever submitted the proposal (or, if they left, the company's members) of the decision,
    once per decision."""
    if proposal.status not in ("accepted", "rejected") or proposal.reviewed_at is None:
        return
    if proposal.submitted_by is not None:
        query = select(User).where(User.id == proposal.submitted_by)
    else:
        query = select(User).where(User.company_id == proposal.company_id)
    theme = await db.get_one(Theme, proposal.theme_id)
    kind = f"pitch_{proposal.status}"
    context = {
        "title": proposal.title,
        "theme": theme,
        "message": proposal.review_message,
        "link": f"{settings.site_origin}{PITCHES_PAGE}",
    }
    decided = f"{proposal.reviewed_at.timestamp():.0f}"
    # One INSERT for the whole company; a key already used (the same decision mailed before) is left out.
    rows = [
        prepare_email(
            user, kind, context, settings=settings, dedupe_key=f"{kind}:{proposal.id}:{user.id}:{decided}"
        )
        for user in (await db.scalars(query)).unique().all()
    ]
    await insert_emails(db, [row for row in rows if row is not None])


def _reminder_rows(
    found: list[tuple[Session, User, str]], settings: Settings, now: datetime
) -> list[dict[str, Any]]:
    rows = []
    for session, user, key in found:
        context = {
            "title": session.title,
            "starts_at": session.starts_at,
            "link": f"{settings.site_origin}/sessions/{session.id}",
        }
        row = prepare_email(user, "session_starting", context, settings=settings, dedupe_key=key, now=now)
        if row is not None:
            rows.append(row)
    return rows


async def session_reminders(db: AsyncSession, settings: Settings, now: datetime) -> int:
    """Everyone who starred a session starting within 15 minutes gets one reminder; the dedupe key makes a
    second check, by this worker or another, queue nothing. Returns how many were queued."""
    rows = (
        (
            await db.execute(
                select(Session, User)
                .join(Star, Star.session_id == Session.id)
                .join(User, User.id == Star.user_id)
                .where(
                    Session.is_cancelled.is_(False),
                    Session.starts_at > now,
                    Session.starts_at <= now + REMINDER_LEAD,
                )
                .order_by(Session.starts_at, Session.id, User.id)
            )
        )
        .unique()
        .all()
    )
    found = [(session, user, f"session_starting:{session.id}:{user.id}") for session, user in rows]
    taken = await taken_keys(db, [key for _s, _u, key in found])
    found = [entry for entry in found if entry[2] not in taken]
    if not found:
        return 0
    # A popular session has hundreds of followers: their messages are rendered off the event loop.
    prepared = await anyio.to_thread.run_sync(_reminder_rows, found, settings, now)
    return len(await insert_emails(db, prepared))
