"""Meeting requests, availability and the organisers' rules: a participant asks another for a meeting, the
other accepts or declines, requests expire, an organiser approves acceptances when the event's rules say
so; an accepted request becomes a Meeting. Each write runs in the caller's transaction.

Every function that acts on a request takes the request found through the acting participant's profile
(`queries.incoming_request`, `queries.outgoing_request`): someone else's request is not found."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.marketplace.queries import active_participant
from emicronora.b2b.meetings import forms, queries
from emicronora.db.results import rowcount
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import B2BProfile, B2BSettings, Meeting, MeetingRequest, Unavailability


class RequestError(Exception):
    """A refused action on a request; the message is for the participant."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def room_url(base: str) -> str:
    """A video-room address that nobody can guess: the configured server plus a random room name."""
    name = re.sub(r"[^a-z0-9]", "", secrets.token_urlsafe(16).lower())[:16]
    return f"{base.rstrip('/')}/emicronora-{name}"


# --- requests ---------------------------------------------------------------------------------------------


async def expire_requests(db: AsyncSession, now: datetime) -> int:
    """Pending requests past their expiry become expired; pages call this in their own transaction before
    reading, so that what they show and what they allow agree. Returns how many expired."""
    result = await db.execute(
        update(MeetingRequest)
        .where(MeetingRequest.status == "pending", MeetingRequest.expires_at <= now)
        .values(status="expired")
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


async def lists(db: AsyncSession, profile: B2BProfile, now: datetime) -> queries.RequestLists:
    """The participant's incoming and outgoing requests, newest first, expiry applied."""
    await expire_requests(db, now)
    return await queries.request_lists(db, profile)


async def send(
    db: AsyncSession, form: Form, requester: B2BProfile, rules: B2BSettings, now: datetime
) -> MeetingRequest | None:
    """Sends a request (fields `to`, a profile id, and `message`), or None with the reason by the field."""
    fields = forms.validate_request(form)
    if fields is None:
        return None
    if fields.recipient_id == requester.id:
        form.error("to", _("You cannot request a meeting with yourself."))
        return None
    recipient = await active_participant(db, fields.recipient_id)
    if recipient is None:
        form.error("to", _("This person does not take part in the B2B meetings."))
        return None
    await expire_requests(db, now)
    earlier = await queries.requests_between(db, requester.id, recipient.id)
    if any(r.status in queries.OPEN_STATUSES for r in earlier):
        form.error("to", _("A request between you and this participant is already waiting for an answer."))
    elif await queries.live_meeting(db, [r.id for r in earlier if r.status == "accepted"]) is not None:
        form.error("to", _("You already have a meeting with this participant."))
    elif await queries.pending_count(db, requester) >= rules.max_pending_requests:
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
        message=fields.message,
        status="pending",
        created_at=now,
        expires_at=now + timedelta(hours=rules.request_expiry_hours),
    )
    db.add(request)
    await db.flush()
    return request


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
    """The recipient accepts. With approval required, the request waits for an organiser and no meeting
    exists yet (None)."""
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
    """The requester takes back a request that is still open."""
    if request.status not in queries.OPEN_STATUSES:
        raise RequestError(_("Only a request still waiting for an answer can be withdrawn."))
    request.status = "withdrawn"
    request.responded_at = now


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


# --- availability -----------------------------------------------------------------------------------------


async def save_availability(db: AsyncSession, form: Form, profile: B2BProfile) -> bool:
    """Stores exactly the ticked slots (field `unavailable`, repeated) as unavailable; False with the reason
    when a slot does not exist or holds one of the participant's meetings (nothing written then)."""
    wanted = forms.unavailable_slot_ids(form)
    if wanted is None:
        return False
    existing = {slot.id for slot in await queries.all_slots(db)}
    if wanted - existing:
        form.error(
            forms.UNAVAILABLE_FIELD, _("One of the slots does not exist any more. Reload the page and retry.")
        )
        return False
    if wanted & await queries.busy_slot_ids(db, profile.id):
        form.error(
            forms.UNAVAILABLE_FIELD,
            _("You have a meeting in a slot you marked unavailable: cancel the meeting first."),
        )
        return False
    stored = await queries.unavailable_slot_ids(db, profile.id)
    if stored - wanted:
        await db.execute(
            delete(Unavailability).where(
                Unavailability.profile_id == profile.id, Unavailability.slot_id.in_(stored - wanted)
            )
        )
    db.add_all(Unavailability(profile_id=profile.id, slot_id=slot_id) for slot_id in sorted(wanted - stored))
    await db.flush()
    return True


# --- the organisers' rules --------------------------------------------------------------------------------


async def save_rules(db: AsyncSession, form: Form) -> B2BSettings | None:
    """Stores the form's settings, or None with one message per wrong field."""
    fields = forms.validate_rules(form)
    if fields is None:
        return None
    rules = await queries.stored_rules(db)
    if rules is None:
        rules = queries.default_rules()
        db.add(rules)
    for name, flag in fields.flags.items():
        setattr(rules, name, flag)
    for name, value in fields.numbers.items():
        setattr(rules, name, value)
    await db.flush()
    return rules
