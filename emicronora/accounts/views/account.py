"""One's account: the page, the password change and the language choice. Thin: parse, call, render."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.accounts import operations, queries
from emicronora.accounts.views.login import logged_in_redirect, open_browser_session
from emicronora.forms import Form
from emicronora.i18n import LOCALES
from emicronora.web.context import current_user, require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.middleware import LOCALE_COOKIE
from emicronora.web.redirects import safe_next, see_other
from emicronora.web.templating import render

LOCALE_COOKIE_SECONDS = 365 * 24 * 3600


async def account(request: Request) -> Response:
    user = require_user(request)
    return render(request, "accounts/account.html", {"form": Form(), "account": user})


async def change_password(request: Request) -> Response:
    user = require_user(request)
    form = await read_form(request)
    now = datetime.now(UTC)
    async with sessionmaker_of(request)() as db, db.begin():
        stored = await queries.account(db, user.id)
        if not await operations.change_password(db, stored, form, settings_of(request), now):
            return render(request, "accounts/account.html", {"form": form, "account": user}, 400)
        token = await open_browser_session(db, stored, request, now)
    return logged_in_redirect(request, token, "/account?changed=1")


async def set_language(request: Request) -> Response:
    form = await read_form(request)
    locale = form.values.get("locale", "")
    response = see_other(safe_next(form.values.get("next")))
    if locale not in LOCALES:
        return response
    cookie = f"{LOCALE_COOKIE}={locale}; Path=/; Max-Age={LOCALE_COOKIE_SECONDS}; SameSite=Lax"
    if settings_of(request).https:
        cookie += "; Secure"
    response.headers.append("Set-Cookie", cookie)
    user = current_user(request)
    if user is not None:
        async with sessionmaker_of(request)() as db, db.begin():
            await operations.set_locale(db, user.id, locale)
    return response
