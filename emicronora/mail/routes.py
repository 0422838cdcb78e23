"""The user's e-mail preferences and the organisers' view of the outbox. Thin handlers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from emicronora import audit
from emicronora.mail import notify, outbox, tokens
from emicronora.mail.compose import KIND_LABELS, OPTIONAL_KINDS
from emicronora.models import OutboxEmail, User
from emicronora.organiser.common import get_or_404
from emicronora.web.context import require_organiser, require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

PREFERENCES_PAGE = "/account/email"
ORGANISER_PAGE = "/organiser/mail"
# Confirmation links a user may ask for in an hour: enough for a lost message, too few to flood a mailbox.
MAX_CONFIRMATIONS_PER_HOUR = 3


def _now() -> datetime:
    return datetime.now(UTC)


async def preferences(request: Request) -> Response:
    user = require_user(request)
    if request.method == "POST":
        form = await read_form(request)
        async with sessionmaker_of(request)() as db, db.begin():
            db_user = await db.get_one(User, user.id)
            db_user.email_opt_outs = [kind for kind in OPTIONAL_KINDS if not form.checkbox(f"kind_{kind}")]
        return RedirectResponse(PREFERENCES_PAGE + "?saved=1", status_code=303)
    async with sessionmaker_of(request)() as db:
        db_user = await db.get_one(User, user.id)
    context = {"account": db_user, "kinds": [(kind, KIND_LABELS[kind]) for kind in OPTIONAL_KINDS]}
    return render(request, "accounts/email_preferences.html", context)


async def resume(request: Request) -> Response:
    """The user fixed their mailbox: mail to the address that bounced may be tried again."""
    user = require_user(request)
    async with sessionmaker_of(request)() as db, db.begin():
        db_user = await db.get_one(User, user.id)
        db_user.email_bounced_at = None
    return RedirectResponse(PREFERENCES_PAGE + "?resumed=1", status_code=303)


async def confirm_again(request: Request) -> Response:
    user = require_user(request)
    now = _now()
    async with sessionmaker_of(request)() as db, db.begin():
        db_user = await db.get_one(User, user.id)
        recent = await tokens.issued_since(db, user.id, "confirm", now - timedelta(hours=1))
        if db_user.email_confirmed_at is None and recent < MAX_CONFIRMATIONS_PER_HOUR:
            await notify.confirmation(db, db_user, settings_of(request), now)
    return RedirectResponse(PREFERENCES_PAGE + "?sent=1", status_code=303)


async def organiser_page(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        found = await outbox.overview(db)
    return render(request, "organiser/mail.html", {"counts": found.counts, "problems": found.problems})


async def organiser_retry(request: Request) -> Response:
    require_organiser(request)
    email_id = request.path_params["email_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        email = await get_or_404(db, OutboxEmail, email_id)
        if await outbox.retry(db, email.id, _now()):
            details = {"kind": email.kind, "to": email.to_address}
            await audit.record_action(db, request, "mail.retry", "outbox_email", email.id, details)
    return RedirectResponse(ORGANISER_PAGE + "?retried=1", status_code=303)


routes: list[BaseRoute] = [
    Route(PREFERENCES_PAGE, preferences, methods=["GET", "POST"]),
    Route(PREFERENCES_PAGE + "/resume", resume, methods=["POST"]),
    Route(PREFERENCES_PAGE + "/confirm", confirm_again, methods=["POST"]),
    Route(ORGANISER_PAGE, organiser_page, methods=["GET"]),
    Route(ORGANISER_PAGE + "/{email_id:int}/retry", organiser_retry, methods=["POST"]),
]
