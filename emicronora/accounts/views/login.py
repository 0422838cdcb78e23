"""Registration, login and logout. Thin: parse, call, render."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from emicronora.accounts import forms, operations, sessions
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import User
from emicronora.web.context import client_ip, current_login_session, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import safe_next, see_other
from emicronora.web.templating import render


async def open_browser_session(db: AsyncSession, user: User, request: Request, now: datetime) -> str:
    """A new login session for the browser of `request`; returns the token its cookie carries."""
    return await sessions.open_session(
        db, user, client_ip(request), request.headers.get("user-agent", ""), now
    )


def logged_in_redirect(request: Request, token: str, target: str) -> Response:
    response = see_other(target)
    response.headers.append("Set-Cookie", sessions.session_cookie(token, settings_of(request)))
    return response


def _register_page(request: Request, form: Form, status_code: int = 200) -> Response:
    context = {"form": form, "countries": forms.countries()}
    return render(request, "accounts/register.html", context, status_code)


async def register(request: Request) -> Response:
    """A valid form is answered with the same page whether its address had an account or not: the mail
    tells the owner which. Nobody is logged in here: the account is opened with its password once made."""
    if request.method == "GET":
        return _register_page(request, Form())
    form = await read_form(request)
    settings = settings_of(request)
    try:
        accepted = await operations.register(
            sessionmaker_of(request),
            form,
            client_ip(request),
            settings,
            datetime.now(UTC),
            request.state.locale,
        )
    except operations.RegistrationThrottled:
        form.error(
            "email",
            _(
                "Too many registrations from here or for this address. Wait %(minutes)s minutes and retry.",
                minutes=settings.registration_window_minutes,
            ),
        )
        return _register_page(request, form, 429)
    if not accepted:
        return _register_page(request, form, 400)
    return render(request, "accounts/register.html", {"form": Form(), "countries": [], "sent": True})


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return render(request, "accounts/login.html", {"form": Form(), "next": next_url})
    form = await read_form(request)
    next_url = safe_next(form.values.get("next"), next_url)
    settings = settings_of(request)
    now = datetime.now(UTC)
    email = form.values.get("email", "")
    sessionmaker = sessionmaker_of(request)
    try:
        user = await operations.authenticate(
            sessionmaker, email, form.values.get("password", ""), client_ip(request), settings, now
        )
    except operations.LoginThrottled:
        form.error(
            "email",
            _(
                "Too many failed attempts. Wait %(minutes)s minutes and retry.",
                minutes=settings.login_window_minutes,
            ),
        )
        return render(request, "accounts/login.html", {"form": form, "next": next_url}, 429)
    if user is None:
        form.error("password", _("Wrong e-mail address or password."))
        return render(request, "accounts/login.html", {"form": form, "next": next_url}, 400)
    async with sessionmaker() as db, db.begin():
        token = await open_browser_session(db, user, request, now)
    return logged_in_redirect(request, token, next_url)


async def logout(request: Request) -> Response:
    login_session = current_login_session(request)
    if login_session is not None:
        async with sessionmaker_of(request)() as db, db.begin():
            await sessions.close_session(db, login_session.id)
    response = see_other("/")
    response.headers.append("Set-Cookie", sessions.expired_cookie(settings_of(request)))
    return response
