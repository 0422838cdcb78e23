"""Meeting requests, availability and the meeting agenda of B2B participants, and the organiser's B2B
settings and approvals. Thin handlers: the domain modules check that each object is the participant's."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora import audit
from emicronora.b2b import availability, booking, requests
from emicronora.b2b.agenda import agenda
from emicronora.b2b.participants import active_participant, cards, participant_of
from emicronora.b2b.rules import form_values, load_rules, save_rules
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.mail import notify as mail_notify
from emicronora.models import B2BProfile, MeetingRequest
from emicronora.web.context import require_organiser, require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

REQUESTS_PAGE = "/b2b/requests"
NEW_REQUEST_PAGE = "/b2b/requests/new"
AVAILABILITY_PAGE = "/b2b/availability"
AGENDA_PAGE = "/b2b/agenda"
SETTINGS_PAGE = "/organiser/b2b/settings"
APPROVALS_PAGE = "/organiser/b2b/approvals"


def _now() -> datetime:
    return datetime.now(UTC)


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _participant(request: Request, db: AsyncSession) -> B2BProfile:
    """The logged-in user's active B2B profile; others are told to join first (403)."""
    profile = await participant_of(db, require_user(request))
    if profile is None:
        raise HTTPException(403, detail=_("Join the B2B meetings with a profile first."))
    return profile


def _request_id(request: Request) -> int:
    return request.path_params["request_id"]


# --- requests ---------------------------------------------------------------------------------------------


async def requests_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        found = await requests.lists(db, profile, _now())
        rules = await load_rules(db)
        people = await cards(
            db, [r.requester_id for r in found.incoming] + [r.recipient_id for r in found.outgoing]
        )
        pending = await requests.pending_count(db, profile)
    context: dict[str, Any] = {
        "incoming": found.incoming,
        "outgoing": found.outgoing,
        "people": people,
        "labels": requests.STATUS_LABELS,
        "rules": rules,
        "pending": pending,
        "error": error,
    }
    return render(request, "b2b/requests.html", context, status_code=status_code)


async def new_request(request: Request) -> Response:
    form = await read_form(request) if request.method == "POST" else Form(values={"to": ""})
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        rules = await load_rules(db)
        if request.method == "POST":
            sent = await requests.send(db, form, profile, rules, _now())
            if sent is not None:
                await mail_notify.meeting_request_received(db, settings_of(request), sent)
                return _see_other(REQUESTS_PAGE + "?sent=1#outgoing")
        else:
            to = request.query_params.get("to", "")
            recipient = await active_participant(db, int(to)) if to.isdigit() and len(to) < 12 else None
            if recipient is None:
                raise HTTPException(404)
            form.values["to"] = to
        to_id = form.values.get("to", "")
        people = await cards(db, [int(to_id)]) if to_id.isdigit() and len(to_id) < 12 else {}
        pending = await requests.pending_count(db, profile)
    context = {
        "form": form,
        "recipient": next(iter(people.values()), None),
        "rules": rules,
        "pending": pending,
        "max_message": requests.MAX_MESSAGE,
    }
    return render(request, "b2b/requests_new.html", context, status_code=200 if form.ok else 400)


async def _answer(request: Request, action: str) -> Response:
    settings = settings_of(request)
    error = ""
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        now = _now()
        found: MeetingRequest | None
        if action == "withdraw":
            found = await requests.outgoing_request(db, _request_id(request), profile)
        else:
            found = await requests.incoming_request(db, _request_id(request), profile)
        if found is None:
            raise HTTPException(404)
        try:
            if action == "accept":
                await requests.accept(db, found, await load_rules(db), settings.meeting_room_url, now)
            elif action == "decline":
                requests.decline(found, now)
            else:
                requests.withdraw(found, now)
        except requests.RequestError as refused:
            error = refused.message
        await mail_notify.request_answered(db, settings, found)
    if error:
        return await requests_page(request, error, 400)
    return _see_other(f"{REQUESTS_PAGE}?done={action}#request-{found.id}")


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
        if request.method == "POST" and await availability.save(db, form, profile):
            return _see_other(AVAILABILITY_PAGE + "?saved=1")
        grid = await availability.grid(db, profile, user, settings_of(request).tz)
    return render(
        request,
        "b2b/availability.html",
        {"grid": grid, "form": form, "field": availability.FIELD},
        status_code=200 if form.ok else 400,
    )


# --- agenda, booking, cancelling --------------------------------------------------------------------------


async def agenda_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    async with sessionmaker_of(request)() as db:
        profile = await _participant(request, db)
        rules = await load_rules(db)
        entries = await agenda(db, profile, rules, _now())
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
            sessionmaker_of(request), request.path_params["meeting_id"], profile, _now(), slot_id=slot_id
        )
    except booking.MeetingNotFound:
        raise HTTPException(404) from None
    except booking.BookingError as refused:
        return await agenda_page(request, refused.message, 400)
    return _see_other(f"{AGENDA_PAGE}?booked=1#meeting-{request.path_params['meeting_id']}")


async def cancel_meeting(request: Request) -> Response:
    error = ""
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await _participant(request, db)
        meeting = await booking.meeting_of(db, request.path_params["meeting_id"], profile.id)
        if meeting is None:
            raise HTTPException(404)
        try:
            await booking.cancel(db, meeting, _now())
        except booking.BookingError as refused:
            error = refused.message
    if error:
        return await agenda_page(request, error, 400)
    return _see_other(f"{AGENDA_PAGE}?cancelled=1#meeting-{meeting.id}")


# --- organisers -------------------------------------------------------------------------------------------


async def settings_page(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        if request.method == "POST":
            form = await read_form(request)
            before = form_values(await load_rules(db))
            if (saved := await save_rules(db, form)) is not None:
                changed = audit.changes(before, form_values(saved))
                await audit.record_action(db, request, "b2b.settings", "b2b_settings", saved.id, changed)
                return _see_other(SETTINGS_PAGE + "?saved=1")
        else:
            form = Form(values=form_values(await load_rules(db)))
    return render(request, "b2b/organiser_settings.html", {"form": form}, status_code=200 if form.ok else 400)


async def approvals_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        waiting = await requests.awaiting_approval(db)
        people = await cards(db, [side for r in waiting for side in (r.requester_id, r.recipient_id)])
        rules = await load_rules(db)
    return render(
        request,
        "b2b/organiser_approvals.html",
        {"waiting": waiting, "people": people, "rules": rules, "error": error},
        status_code=status_code,
    )


async def _decide(request: Request, approve: bool) -> Response:
    require_organiser(request)
    error = ""
    async with sessionmaker_of(request)() as db, db.begin():
        found = await db.get(MeetingRequest, _request_id(request))
        if found is None:
            raise HTTPException(404)
        try:
            if approve:
                await requests.approve(db, found, settings_of(request).meeting_room_url, _now())
            else:
                requests.refuse(found, _now())
            verb = "approve" if approve else "refuse"
            details = {"requester_id": found.requester_id, "recipient_id": found.recipient_id}
            await audit.record_action(
                db, request, f"b2b.request_{verb}", "meeting_request", found.id, details
            )
        except requests.RequestError as refused:
            error = refused.message
        await mail_notify.request_answered(db, settings_of(request), found)
    if error:
        return await approvals_page(request, error, 400)
    return _see_other(APPROVALS_PAGE + ("?approved=1" if approve else "?refused=1"))


async def approve_request(request: Request) -> Response:
    return await _decide(request, approve=True)


async def refuse_request(request: Request) -> Response:
    return await _decide(request, approve=False)


routes: list[BaseRoute] = [
    Route(REQUESTS_PAGE, requests_page, methods=["GET"]),
    Route(NEW_REQUEST_PAGE, new_request, methods=["GET", "POST"]),
    Route(REQUESTS_PAGE + "/{request_id:int}/accept", accept_request, methods=["POST"]),
    Route(REQUESTS_PAGE + "/{request_id:int}/decline", decline_request, methods=["POST"]),
    Route(REQUESTS_PAGE + "/{request_id:int}/withdraw", withdraw_request, methods=["POST"]),
    Route(AVAILABILITY_PAGE, availability_page, methods=["GET", "POST"]),
    Route(AGENDA_PAGE, agenda_page, methods=["GET"]),
    Route("/b2b/meetings/{meeting_id:int}/book", book_meeting, methods=["POST"]),
    Route("/b2b/meetings/{meeting_id:int}/cancel", cancel_meeting, methods=["POST"]),
    Route(SETTINGS_PAGE, settings_page, methods=["GET", "POST"]),
    Route(APPROVALS_PAGE, approvals_page, methods=["GET"]),
    Route(APPROVALS_PAGE + "/{request_id:int}/approve", approve_request, methods=["POST"]),
    Route(APPROVALS_PAGE + "/{request_id:int}/refuse", refuse_request, methods=["POST"]),
]
