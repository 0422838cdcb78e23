"""E-mail confirmation, "forgot password" and password reset pages. Thin: parse, call, render."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.accounts import recovery
from emicronora.accounts.views.login import logged_in_redirect, open_browser_session
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.mail import tokens
from emicronora.web.context import client_ip, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render

# The page's address holds the link's secret: the browser must neither send it as the Referer of the page's
# own styles and links (it would land in proxy logs) nor keep the page in a cache.
SECRET_PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _secret_page(response: Response) -> Response:
    response.headers.update(SECRET_PAGE_HEADERS)
    return response


async def confirm(request: Request) -> Response:
    return _secret_page(await _confirm(request))


async def _confirm(request: Request) -> Response:
    """A GET only shows a button: mail scanners that open links must not use up the confirmation."""
    secret = request.path_params["token"]
    now = datetime.now(UTC)
    if request.method == "GET":
        async with sessionmaker_of(request)() as db:
            valid = await tokens.peek(db, secret, "confirm", now) is not None
        return render(request, "accounts/confirm_email.html", {"valid": valid}, 200 if valid else 400)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            await recovery.confirm_email(db, secret, now)
    except recovery.InvalidLink:
        return render(request, "accounts/confirm_email.html", {"valid": False}, 400)
    return render(request, "accounts/confirm_email.html", {"valid": True, "confirmed": True})


async def forgot(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "accounts/forgot_password.html", {"form": Form()})
    form = await read_form(request)
    email = form.text("email", max_length=254)
    if not form.ok:
        return render(request, "accounts/forgot_password.html", {"form": form}, 400)
    settings = settings_of(request)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            await recovery.request_reset(db, email, client_ip(request), settings, datetime.now(UTC))
    except recovery.ResetThrottled:
        # The attempt that was refused is not counted: the transaction is rolled back with the exception.
        form.error(
            "email",
            _(
                "Too many requests. Wait %(minutes)s minutes and retry.",
                minutes=settings.login_window_minutes,
            ),
        )
        return render(request, "accounts/forgot_password.html", {"form": form}, 429)
    return render(request, "accounts/forgot_password.html", {"form": Form(), "sent": True})


async def reset(request: Request) -> Response:
    return _secret_page(await _reset(request))


async def _reset(request: Request) -> Response:
    secret = request.path_params["token"]
    settings = settings_of(request)
    now = datetime.now(UTC)
    if request.method == "GET":
        async with sessionmaker_of(request)() as db:
            valid = await tokens.peek(db, secret, "reset", now) is not None
        return render(
            request, "accounts/reset_password.html", {"form": Form(), "valid": valid}, 200 if valid else 400
        )
    form = await read_form(request)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            user = await recovery.reset_password(db, secret, form, settings, now)
            token = await open_browser_session(db, user, request, now) if user is not None else None
    except recovery.InvalidLink:
        return render(request, "accounts/reset_password.html", {"form": Form(), "valid": False}, 400)
    if token is None:
        return render(request, "accounts/reset_password.html", {"form": form, "valid": True}, 400)
    return logged_in_redirect(request, token, "/account?reset=1")
