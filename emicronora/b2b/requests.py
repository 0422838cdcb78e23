"""Meeting requests: a participant asks another for a meeting, the other accepts or declines, requests expire,
an organiser approves acceptances when the event's rules say so; an accepted request becomes a Meeting.

Every function that acts on a request takes the acting participant's profile and finds the request through
it: someone else's request is not found (the pages answer 404)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.participants import active_participant
from emicronora.forms import Form
from emicronora.i18n import _, lazy
from emicronora.models import B2BProfile, B2BSettings, Meeting, MeetingRequest

MAX_MESSAGE = 1000
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


class RequestError(Exception):
    """A refused action on a request; the message is for the participant."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RequestLists:
    incoming: list[MeetingRequest]
    outgoing: list[MeetingRequest]


def room_url(base: str) -> str:
    """A video-room address that nobody can guess: the configured server plus a random room name."""
    name = re.sub(r"[^a-z0-9]", "", secrets.token_urlsafe(16).lower())[:16]
    return f"{base.rstrip('/')}/emicronora-{name}"


async def expire_requests(db: AsyncSession, now: datetime) -> int:
    """Pending requests past their expiry become expired; pages call this in their own transaction before
    reading, so that what they show and what they allow agree. Returns how many expired."""
    result = await db.execute(
        update(MeetingRequest)
        .where(MeetingRequest.status == "pending", MeetingRequest.expires_at <= now)
        .values(status="expired")
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


async def pending_count(db: AsyncSession, requester: B2BProfile) -> int:
    count = await db.scalar(
        select(func.count())
        .select_from(MeetingRequest)
        .where(MeetingRequest.requester_id == requester.id, MeetingRequest.status == "pending")
    )
    return count or 0


async def _between(db: AsyncSession, one: int, other: int) -> list[MeetingRequest]:
    pair = or_(
        and_(MeetingRequest.requester_id == one, MeetingRequest.recipient_id == other),
        and_(MeetingRequest.requester_id == other, MeetingRequest.recipient_id == one),
    )
    return list((await db.scalars(select(MeetingRequest).where(pair))).all())


async def _live_meeting(db: AsyncSession, request_ids: list[int]) -> Meeting | None:
    if not request_ids:
        return None
    return await db.scalar(
        select(Meeting).where(Meeting.request_id.in_(request_ids), Meeting.status == "scheduled").limit(1)
    )


async def send(
    db: AsyncSession, form: Form, requester: B2BProfile, rules: B2BSettings, now: datetime
) -> MeetingRequest | None:
    """Sends a request (fields `to`, a profile id, and `message`), or None with the reason by the field."""
    message = form.text("message", max_length=MAX_MESSAGE, required=False)
    recipient_id = form.integer("to")
    if "to" in form.errors:
        return None
    assert recipient_id is not None
    if recipient_id == requester.id:
        form.error("to", _("You cannot request a meeting with yourself."))
        return None
    recipient = await active_participant(db, recipient_id)
    if recipient is None:
        form.error("to", _("This person does not take part in the B2B meetings."))
        return None
    await expire_requests(db, now)
    earlier = await _between(db, requester.id, recipient.id)
    if any(r.status in OPEN_STATUSES for r in earlier):
        form.error("to", _("A request between you and this participant is already waiting for an answer."))
    elif await _live_meeting(db, [r.id for r in earlier if r.status == "accepted"]) is not None:
        form.error("to", _("You already have a meeting with this participant."))
    elif await pending_count(db, requester) >= rules.max_pending_requests:
        form.error(
            "to",
            _(
                "You already have %(limit)s requests waiting for an answer, the most allowed. "
                "Wait for answers or withdraw a request before sending another.",
                limit=rules.max_pending_requests,
            ),
        )
    if not form.ok:
        return None
    request = MeetingRequest(
        requester_id=requester.id,
        recipient_id=recipient.id,
        message=message,
        status="pending",
        created_at=now,
        expires_at=now + timedelta(hours=rules.request_expiry_hours),
    )
    db.add(request)
    await db.flush()
    return request


async def lists(db: AsyncSession, profile: B2BProfile, now: datetime) -> RequestLists:
    """The participant's incoming and outgoing requests, newest first, expiry applied."""
    await expire_requests(db, now)
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


def _check_answerable(request: MeetingRequest, now: datetime) -> None:
    if request.status == "pending" and request.expires_at <= now:
        request.status = "expired"
    if request.status == "expired":
        raise RequestError(_("This request has expired."))
    if request.status == "withdrawn":
        raise RequestError(_("This request has been withdrawn."))
    if request.status != "pending":
        raise RequestError(_("This request has already been answered."))


async def create_meeting(db: AsyncSession, request: MeetingRequest, room_base: str, now: datetime) -> Meeting:
    meeting = Meeting(
        request_id=request.id,
        first_id=request.requester_id,
        second_id=request.recipient_id,
        status="scheduled",
        room_url=room_url(room_base),
        sequence=0,
        updated_at=now,
    )
    db.add(meeting)
    await db.flush()
    return meeting


async def accept(
    db: AsyncSession, request: MeetingRequest, rules: B2BSettings, room_base: str, now: datetime
) -> Meeting | None:
    """The recipient accepts (the caller found the request with `incoming_request`). With approval required,
    the request waits for an organiser and no meeting exists yet (None)."""
    _check_answerable(request, now)
    request.responded_at = now
    if rules.approval_required:
        request.status = "awaiting_approval"
        return None
    request.status = "accepted"
    return await create_meeting(db, request, room_base, now)


def decline(request: MeetingRequest, now: datetime) -> None:
    _check_answerable(request, now)
    request.status = "declined"
    request.responded_at = now


def withdraw(request: MeetingRequest, now: datetime) -> None:
    """The requester takes back a request that is still open (found with `outgoing_request`)."""
    if request.status not in OPEN_STATUSES:
        raise RequestError(_("Only a request still waiting for an answer can be withdrawn."))
    request.status = "withdrawn"
    request.responded_at = now


async def awaiting_approval(db: AsyncSession) -> list[MeetingRequest]:
    """For the organisers: acceptances to approve, oldest first."""
    query = (
        select(MeetingRequest)
        .where(MeetingRequest.status == "awaiting_approval")
        .order_by(MeetingRequest.responded_at, MeetingRequest.id)
    )
    return list((await db.scalars(query)).all())


async def approve(db: AsyncSession, request: MeetingRequest, room_base: str, now: datetime) -> Meeting:
    if request.status != "awaiting_approval":
        raise RequestError(_("This request is not waiting for approval."))
    request.status = "accepted"
    return await create_meeting(db, request, room_base, now)


def refuse(request: MeetingRequest, now: datetime) -> None:
    if request.status != "awaiting_approval":
        raise RequestError(_("This request is not waiting for approval."))
    request.status = "declined"
    request.responded_at = now
