"""The user's e-mail preferences and the organisers' view of the outbox. Thin handlers."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.mail import operations, queries
from emicronora.mail.compose import KIND_LABELS, OPTIONAL_KINDS
from emicronora.models import OutboxEmail
from emicronora.web.actors import actor_of
from emicronora.web.context import require_organiser, require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.lookups import get_or_404
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

PREFERENCES_PAGE = "/account/email"
ORGANISER_PAGE = "/organiser/mail"


async def preferences(request: Request) -> Response:
    user = require_user(request)
    if request.method == "POST":
        form = await read_form(request)
        wanted = [kind for kind in OPTIONAL_KINDS if form.checkbox(f"kind_{kind}")]
        async with sessionmaker_of(request)() as db, db.begin():
            await operations.set_preferences(db, user.id, wanted)
        return see_other(PREFERENCES_PAGE + "?saved=1")
    async with sessionmaker_of(request)() as db:
        account = await queries.account(db, user.id)
    context = {"account": account, "kinds": [(kind, KIND_LABELS[kind]) for kind in OPTIONAL_KINDS]}
    return render(request, "accounts/email_preferences.html", context)


async def resume(request: Request) -> Response:
    """The user fixed their mailbox: mail to the address that bounced may be tried again."""
    user = require_user(request)
    async with sessionmaker_of(request)() as db, db.begin():
        await operations.resume(db, user.id)
    return see_other(PREFERENCES_PAGE + "?resumed=1")


async def confirm_again(request: Request) -> Response:
    user = require_user(request)
    async with sessionmaker_of(request)() as db, db.begin():
        await operations.confirm_again(db, user.id, settings_of(request), datetime.now(UTC))
    return see_other(PREFERENCES_PAGE + "?sent=1")


async def organiser_page(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db:
        found = await queries.overview(db)
    return render(request, "organiser/mail.html", {"counts": found.counts, "problems": found.problems})


async def organiser_retry(request: Request) -> Response:
    require_organiser(request)
    async with sessionmaker_of(request)() as db, db.begin():
        email = await get_or_404(db, OutboxEmail, request.path_params["email_id"])
        await operations.retry(db, email, actor_of(request), datetime.now(UTC))
    return see_other(ORGANISER_PAGE + "?retried=1")
