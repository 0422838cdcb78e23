"""Pure ASGI middleware: security headers, body size limit and CSRF, and the visitor (user, locale)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emicronora.accounts import sessions
from emicronora.i18n import DEFAULT_LOCALE, LOCALES, current_locale, gettext_
from emicronora.settings import Settings
from emicronora.web.formtoken import TooLarge, read_token

ANON_COOKIE = "em_anon"
LOCALE_COOKIE = "em_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'none'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.https = settings.https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
                page = headers.get("content-type", "").startswith("text/html")
                if page and scope.get("state", {}).get("user") is not None:
                    # A page shown to a logged-in person holds their data (video rooms, the secret feed
                    # address, leads): no cache keeps it, and Back after logout asks the server again.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token_for(secret_key: str, identity: str) -> str:
    return hmac.new(secret_key.encode(), b"csrf:" + identity.encode(), hashlib.sha256).hexdigest()


async def _plain_response(send: Send, status: int, text: str, as_json: bool) -> None:
    if as_json:
        body = json.dumps({"error": text}).encode()
        content_type = b"application/json"
    else:
        body = text.encode()
        content_type = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class LargeBody:
    """A route that may receive a body over the general cap (`max_body_bytes`), up to its own `cap`. The
    route must be at the top of the URL table (not under a Mount): it is matched before routing."""

    route: Route
    cap: Callable[[Settings], int]


class BodyTooLarge(Exception):
    """The request's body passed its cap while it streamed; BodyLimitMiddleware answers 413."""


class BodyLimitMiddleware:
    """Caps every request body while it streams: a declared Content-Length over the cap is answered 413 before
    anything is read; without one, the body is cut as soon as it passes the cap. Only the routes listed in
    `larger` may go past `max_body_bytes`, each up to its own cap; what the client sends (a header, a
    method) never lifts it."""

    def __init__(self, app: ASGIApp, settings: Settings, larger: Sequence[LargeBody] = ()) -> None:
        self.app = app
        self.settings = settings
        self.larger = tuple(larger)

    def limit_for(self, scope: Scope) -> int:
        for large in self.larger:
            match, _child = large.route.matches(scope)
            if match is Match.FULL:
                return large.cap(self.settings)
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        headers = HTTPConnection(scope).headers
        # Scripts (the video upload, the API) send the CSRF token in a header and read a JSON answer.
        wants_json = scope["path"].startswith("/api/") or CSRF_HEADER in headers
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, wants_json)
            return
        started = False

        async def send_started(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped_receive(receive, limit), send_started)
        except BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, send, wants_json)

    async def _too_large(self, scope: Scope, send: Send, as_json: bool) -> None:
        # Before the visitor is known: the language chosen in the cookie, or the site's.
        locale = HTTPConnection(scope).cookies.get(LOCALE_COOKIE, "")
        reset = current_locale.set(locale if locale in LOCALES else self.settings.default_locale)
        try:
            message = gettext_("What you sent is too large.")
        finally:
            current_locale.reset(reset)
        # The rest of the body never reaches the app: the server drops it as it arrives (closing at once
        # instead would reset the connection, and the client, still sending, could lose this answer).
        await _plain_response(send, 413, message, as_json)


def capped_receive(receive: Receive, limit: int) -> Receive:
    """`receive`, cut once the body passes `limit` bytes. The piece that passes it is handed on with just
    one byte over, so that a handler that checks its own cap as it streams (with a clearer message) sees it;
    asking for more after that raises BodyTooLarge, and nothing more is pulled from the client."""
    seen = 0
    passed = False

    async def wrapped() -> Message:
        nonlocal seen, passed
        if passed:
            raise BodyTooLarge
        message = await receive()
        if message["type"] != "http.request":
            return message
        body: bytes = message.get("body", b"")
        seen += len(body)
        if seen <= limit:
            return message
        passed = True
        return {"type": "http.request", "body": body[: len(body) - (seen - limit) + 1], "more_body": True}

    return wrapped


class CSRFMiddleware:
    """Signed double-submit CSRF tokens bound to the visitor's session (or anonymous) cookie. The token is
    checked here, for every unsafe method, so no handler can forget it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        session_cookie = sessions.cookie_name(sessions.SESSION_COOKIE, self.settings)
        anon_cookie = sessions.cookie_name(ANON_COOKIE, self.settings)
        identity = conn.cookies.get(session_cookie) or conn.cookies.get(anon_cookie)
        new_anon = None
        if not identity:
            identity = new_anon = secrets.token_urlsafe(32)
        expected = csrf_token_for(self.settings.secret_key, identity)
        scope.setdefault("state", {})["csrf_token"] = expected

        if scope["method"] in UNSAFE_METHODS:
            wants_json = scope["path"].startswith("/api/")
            origin = conn.headers.get("origin")
            if origin and origin != "null" and urlsplit(origin).netloc != conn.headers.get("host", ""):
                await _plain_response(send, 403, gettext_("Cross-site request refused."), wants_json)
                return
            header_token = conn.headers.get(CSRF_HEADER)
            if header_token is not None:
                # Scripts (uploads with a progress bar) send the token in a header: the body is not read here,
                # so that it streams to its handler; BodyLimitMiddleware caps it while it streams.
                token: str | None = header_token
            else:
                declared = conn.headers.get("content-length", "")
                if declared.isascii() and declared.isdigit() and int(declared) > self.settings.max_body_bytes:
                    await _plain_response(send, 413, gettext_("What you sent is too large."), wants_json)
                    return
                # A form is read only until its token, and never past the general cap, whatever larger cap
                # its route has: a page's forms carry the token first, so the rest streams to the handler.
                try:
                    token, receive = await read_token(
                        conn.headers.get("content-type", ""),
                        receive,
                        CSRF_FIELD,
                        self.settings.max_body_bytes,
                    )
                except TooLarge:
                    await _plain_response(send, 413, gettext_("What you sent is too large."), wants_json)
                    return
            if not token or not hmac.compare_digest(token, expected):
                await _plain_response(
                    send,
                    403,
                    gettext_(
                        "The form has expired or did not come from this site. Go back, reload and retry."
                    ),
                    wants_json,
                )
                return

        if new_anon is None:
            await self.app(scope, receive, send)
            return

        cookie = f"{anon_cookie}={new_anon}; Path=/; HttpOnly; SameSite=Lax"
        if self.settings.https:
            cookie += "; Secure"

        async def send_with_cookie(message: Message) -> None:
            # Only pages carry forms. Feeds and API answers are public and cacheable: a shared cache must
            # never hand one visitor's cookie to another.
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.append("Set-Cookie", cookie)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


class VisitorMiddleware:
    """Resolves the login session (with its idle and absolute timeouts) and the locale for each request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        token = conn.cookies.get(sessions.cookie_name(sessions.SESSION_COOKIE, state["settings"]))
        resolved = None
        if token:
            # A WebSocket handshake follows the page that opened it (which counted as activity); touching
            # here too would make a crowd joining a live room queue writes behind its chat posts.
            resolved = await sessions.resolve(
                state["sessionmaker"],
                token,
                state["settings"],
                datetime.now(UTC),
                touch=scope["type"] == "http",
            )
        state["user"], state["login_session"] = resolved if resolved else (None, None)
        user = state["user"]
        locale = conn.cookies.get(LOCALE_COOKIE) or (user.locale if user else "")
        if locale not in LOCALES:
            locale = state["settings"].default_locale or DEFAULT_LOCALE
        state["locale"] = locale
        reset = current_locale.set(locale)
        try:
            send_ = send if not (token and resolved is None) else _clearing_cookie(send, state["settings"])
            await self.app(scope, receive, send_)
        finally:
            current_locale.reset(reset)


def _clearing_cookie(send: Send, settings: Settings) -> Callable[[Message], Awaitable[None]]:
    """A stale or revoked session cookie is removed from the browser."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            name = sessions.cookie_name(sessions.SESSION_COOKIE, settings)
            if name + "=" not in " ".join(headers.getlist("set-cookie")):
                headers.append("Set-Cookie", sessions.expired_cookie(settings))
        await send(message)

    return wrapped
