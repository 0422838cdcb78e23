"""The organisers' side of the B2B meetings: the event's rules (approval, self-booking, limits, tables)
and the acceptances waiting for their approval."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.b2b.marketplace.queries import cards
from emicronora.b2b.meetings import forms, operations, queries
from emicronora.b2b.meetings.views.participant import request_id, utc_now
from emicronora.forms import Form
from emicronora.mail import notify as mail_notify
from emicronora.models import MeetingRequest
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import get_or_404
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

SETTINGS_PAGE = "/organiser/b2b/settings"
APPROVALS_PAGE = "/organiser/b2b/approvals"


async def settings_page(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        if request.method == "POST":
            form = await read_form(request)
            before = forms.rules_values(await queries.load_rules(db))
            if (saved := await operations.save_rules(db, form)) is not None:
                changed = audit.changes(before, forms.rules_values(saved))
                await audit.record_action(
                    db, actor_of(request), "b2b.settings", "b2b_settings", saved.id, changed
                )
                return see_other(SETTINGS_PAGE + "?saved=1")
        else:
            form = Form(values=forms.rules_values(await queries.load_rules(db)))
    return render(request, "b2b/organiser_settings.html", {"form": form}, status_code=200 if form.ok else 400)


async def approvals_page(request: Request, error: str = "", status_code: int = 200) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        waiting = await queries.awaiting_approval(db)
        people = await cards(db, [side for r in waiting for side in (r.requester_id, r.recipient_id)])
        rules = await queries.load_rules(db)
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
        found = await get_or_404(db, MeetingRequest, request_id(request))
        try:
            if approve:
                await operations.approve(db, found, settings_of(request).meeting_room_url, utc_now())
            else:
                operations.refuse(found, utc_now())
            verb = "approve" if approve else "refuse"
            details = {"requester_id": found.requester_id, "recipient_id": found.recipient_id}
            await audit.record_action(
                db, actor_of(request), f"b2b.request_{verb}", "meeting_request", found.id, details
            )
        except operations.RequestError as refused:
            error = refused.message
        await mail_notify.request_answered(db, settings_of(request), found)
    if error:
        return await approvals_page(request, error, 400)
    return see_other(APPROVALS_PAGE + ("?approved=1" if approve else "?refused=1"))


async def approve_request(request: Request) -> Response:
    return await _decide(request, approve=True)


async def refuse_request(request: Request) -> Response:
    return await _decide(request, approve=False)
