"""A B2B participant's meeting requests, availability and meeting agenda (with self-booking and
cancelling). Thin handlers: the domain finds each object through the participant's profile, so that someone
else's request or meeting answers 404."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.b2b.marketplace.queries import active_participant, cards, participant_of
from emicronora.b2b.meetings import booking, forms, operations, queries
from emicronora.b2b.meetings.agenda import agenda
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.mail import notify as mail_notify
from emicronora.models import B2BProfile, MeetingRequest
from emicronora.web.context import require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

REQUESTS_PAGE = "/b2b/requests"
NEW_REQUEST_PAGE = "/b2b/requests/new"
AVAILABILITY_PAGE = "/b2b/availability"
AGENDA_PAGE = "/b2b/agenda"


def utc_now() -> datetime:
    return datetime.now(UTC)


async def _participant(request: Request, db: AsyncSession) -> B2BProfile:
    """The logged-in user's active B2B profile; others are told to join first (403)."""
    profile = await participant_of(db, require_user(request))
    if profile is None:
        raise HTTPException(403, detail=_("Join the B2B meetings with a profile first."))
    return profile


def request_id(request: Request) -> int:
    return request.path_params["request_id"]


# --- requests ---------------------------------------------------------------------------------------------


async def requests_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        found = await operations.lists(db, profile, utc_now())
        rules = await queries.load_rules(db)
        people = await cards(
            db, [r.requester_id for r in found.incoming] + [r.recipient_id for r in found.outgoing]
        )
        pending = await queries.pending_count(db, profile)
    context: dict[str, Any] = {
        "incoming": found.incoming,
        "outgoing": found.outgoing,
        "people": people,
        "labels": queries.STATUS_LABELS,
        "rules": rules,
        "pending": pending,
        "error": error,
    }
    return render(request, "b2b/requests.html", context, status_code=status_code)


async def new_request(request: Request) -> Response:
    form = await read_form(request) if request.method == "POST" else Form(values={"to": ""})
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        rules = await queries.load_rules(db)
        if request.method == "POST":
            sent = await operations.send(db, form, profile, rules, utc_now())
            if sent is not None:
                await mail_notify.meeting_request_received(db, settings_of(request), sent)
                return see_other(REQUESTS_PAGE + "?sent=1#outgoing")
        else:
            to = request.query_params.get("to", "")
            recipient = await active_participant(db, int(to)) if to.isdigit() and len(to) < 12 else None
            if recipient is None:
                raise HTTPException(404)
            form.values["to"] = to
        to_id = form.values.get("to", "")
        people = await cards(db, [int(to_id)]) if to_id.isdigit() and len(to_id) < 12 else {}
        pending = await queries.pending_count(db, profile)
    context = {
        "form": form,
        "recipient": next(iter(people.values()), None),
        "rules": rules,
        "pending": pending,
        "max_message": forms.MAX_MESSAGE,
    }
    return render(request, "b2b/requests_new.html", context, status_code=200 if form.ok else 400)


async def _answer(request: Request, action: str) -> Response:
    settings = settings_of(request)
    error = ""
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        now = utc_now()
        found: MeetingRequest | None
        if action == "withdraw":
            found = await queries.outgoing_request(db, request_id(request), profile)
        else:
            found = await queries.incoming_request(db, request_id(request), profile)
        if found is None:
            raise HTTPException(404)
        try:
            if action == "accept":
                await operations.accept(
                    db, found, await queries.load_rules(db), settings.meeting_room_url, now
                )
            elif action == "decline":
                operations.decline(found, now)
            else:
                operations.withdraw(found, now)
        except operations.RequestError as refused:
            error = refused.message
        await mail_notify.request_answered(db, settings, found)
    if error:
        return await requests_page(request, error, 400)
    return see_other(f"{REQUESTS_PAGE}?done={action}#request-{found.id}")


async def accept_request(request: Request) -> Response:
    return await _answer(request, "accept")


async def decline_request(request: Request) -> Response:
    return await _answer(request, "decline")


async def withdraw_request(request: Request) -> Response:
    return await _answer(request, "withdraw")


# --- availability -----------------------------------------------------------------------------------------


async def availability_page(request: Request) -> Response:
    user = require_user(request)
    form = await read_form(request) if request.method == "POST" else Form()
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        if request.method == "POST" and await operations.save_availability(db, form, profile):
            return see_other(AVAILABILITY_PAGE + "?saved=1")
        grid = await queries.grid(db, profile, user, settings_of(request).tz)
    return render(
        request,
        "b2b/availability.html",
        {"grid": grid, "form": form, "field": forms.UNAVAILABLE_FIELD},
        status_code=200 if form.ok else 400,
    )


# --- agenda, booking, cancelling --------------------------------------------------------------------------


async def agenda_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    async with sessionmaker_of(request)() as db:
        profile = await _participant(request, db)
        rules = await queries.load_rules(db)
        entries = await agenda(db, profile, rules, utc_now())
    return render(
        request,
        "b2b/agenda.html",
        {"agenda": entries, "rules": rules, "error": error, "tz": settings_of(request).tz},
        status_code=status_code,
    )


async def book_meeting(request: Request) -> Response:
    form = await read_form(request)
    slot_id = form.integer("slot_id", required=False)
    async with sessionmaker_of(request)() as db:
        profile = await _participant(request, db)
    try:
        await booking.book(
            sessionmaker_of(request), request.path_params["meeting_id"], profile, utc_now(), slot_id=slot_id
        )
    except booking.MeetingNotFound:
        raise HTTPException(404) from None
    except booking.BookingError as refused:
        return await agenda_page(request, refused.message, 400)
    return see_other(f"{AGENDA_PAGE}?booked=1#meeting-{request.path_params['meeting_id']}")


async def cancel_meeting(request: Request) -> Response:
    error = ""
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        meeting = await queries.meeting_of(db, request.path_params["meeting_id"], profile.id)
        if meeting is None:
            raise HTTPException(404)
        try:
            await booking.cancel(db, meeting, utc_now())
        except booking.BookingError as refused:
            error = refused.message
    if error:
        return await agenda_page(request, error, 400)
    return see_other(f"{AGENDA_PAGE}?cancelled=1#meeting-{meeting.id}")
