"""Registration, login, logout, password change and language choice. Thin: parse, call, render."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from emicronora.accounts import operations, recovery, sessions
from emicronora.forms import Form
from emicronora.i18n import LOCALES, _
from emicronora.models import User
from emicronora.web.context import (
    client_ip,
    current_login_session,
    current_user,
    require_user,
    sessionmaker_of,
    settings_of,
)
from emicronora.web.formdata import read_form
from emicronora.web.middleware import LOCALE_COOKIE
from emicronora.web.templating import render


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: an open redirect would make our login page a phishing tool."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or len(target) > 500:
        return default
    return target


def _logged_in_redirect(request: Request, token: str, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.headers.append("Set-Cookie", sessions.session_cookie(token, settings_of(request)))
    return response


async def register(request: Request) -> Response:
    if request.method == "GET":
        return render(
            request, "accounts/register.html", {"form": Form(), "countries": operations.countries()}
        )
    form = await read_form(request)
    settings = settings_of(request)
    now = datetime.now(UTC)
    async with sessionmaker_of(request)() as db, db.begin():
        registration = await operations.validate_registration(db, form)
        if registration is None:
            return render(
                request, "accounts/register.html", {"form": form, "countries": operations.countries()}, 400
            )
        user = await operations.create_user(db, registration, settings, now, locale=request.state.locale)
        await recovery.send_confirmation(db, user, settings, now)
        token = await sessions.open_session(
            db, user, client_ip(request), request.headers.get("user-agent", ""), now
        )
    return _logged_in_redirect(request, token, "/programme")


async def login(request: Request) -> Response:
    next_url = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        return render(request, "accounts/login.html", {"form": Form(), "next": next_url})
    form = await read_form(request)
    next_url = safe_next(form.values.get("next"), next_url)
    settings = settings_of(request)
    now = datetime.now(UTC)
    email = form.values.get("email", "")
    async with sessionmaker_of(request)() as db, db.begin():
        try:
            user = await operations.authenticate(
                db, email, form.values.get("password", ""), client_ip(request), settings, now
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
        token = None
        if user is not None:
            token = await sessions.open_session(
                db, user, client_ip(request), request.headers.get("user-agent", ""), now
            )
    if token is None:
        form.error("password", _("Wrong e-mail address or password."))
        return render(request, "accounts/login.html", {"form": form, "next": next_url}, 400)
    return _logged_in_redirect(request, token, next_url)


async def logout(request: Request) -> Response:
    login_session = current_login_session(request)
    if login_session is not None:
        async with sessionmaker_of(request)() as db, db.begin():
            await sessions.close_session(db, login_session.id)
    response = RedirectResponse("/", status_code=303)
    response.headers.append("Set-Cookie", sessions.expired_cookie(settings_of(request)))
    return response


async def account(request: Request) -> Response:
    user = require_user(request)
    return render(request, "accounts/account.html", {"form": Form(), "account": user})


async def change_password(request: Request) -> Response:
    user = require_user(request)
    form = await read_form(request)
    settings = settings_of(request)
    now = datetime.now(UTC)
    async with sessionmaker_of(request)() as db, db.begin():
        db_user = await db.get_one(User, user.id)
        if not await operations.change_password(db, db_user, form, settings, now):
            return render(request, "accounts/account.html", {"form": form, "account": user}, 400)
        token = await sessions.open_session(
            db, db_user, client_ip(request), request.headers.get("user-agent", ""), now
        )
    return _logged_in_redirect(request, token, "/account?changed=1")


async def set_language(request: Request) -> Response:
    form = await read_form(request)
    locale = form.values.get("locale", "")
    target = safe_next(form.values.get("next"))
    response = RedirectResponse(target, status_code=303)
    if locale not in LOCALES:
        return response
    cookie = f"{LOCALE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax"
    if settings_of(request).https:
        cookie += "; Secure"
    response.headers.append("Set-Cookie", cookie)
    user = current_user(request)
    if user is not None:
        async with sessionmaker_of(request)() as db, db.begin():
            db_user = await db.get_one(User, user.id)
            db_user.locale = locale
    return response


routes = [
    Route("/register", register, methods=["GET", "POST"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/account", account, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/lang", set_language, methods=["POST"]),
]
