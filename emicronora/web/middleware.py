"""Pure ASGI middleware: security headers, body size limit and CSRF, and the visitor (user, locale)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emicronora.accounts import sessions
from emicronora.i18n import DEFAULT_LOCALE, LOCALES, current_locale, gettext_
from emicronora.settings import Settings

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


class CSRFMiddleware:
    """Signed double-submit CSRF tokens bound to the visitor's session (or anonymous) cookie, plus a cap on
    request bodies. The token is checked here, for every unsafe method, so no handler can forget it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        identity = conn.cookies.get(sessions.SESSION_COOKIE) or conn.cookies.get(ANON_COOKIE)
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
                # so that a large upload streams to its handler, which enforces its own size cap.
                token: str | None = header_token
            else:
                declared = conn.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.settings.max_body_bytes:
                    await _plain_response(send, 413, "Request body too large.", wants_json)
                    return
                body = await _read_body(receive, self.settings.max_body_bytes)
                if body is None:
                    await _plain_response(send, 413, "Request body too large.", wants_json)
                    return
                receive = _replay(body)
                token = await _form_token(scope, body)
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

        cookie = f"{ANON_COOKIE}={new_anon}; Path=/; HttpOnly; SameSite=Lax"
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


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = HTTPConnection(scope).headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    request = Request(scope, receive=_replay(body))
    try:
        form = await request.form()
    except Exception:
        return None
    try:
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    finally:
        await form.close()


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
        token = conn.cookies.get(sessions.SESSION_COOKIE)
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
            if sessions.SESSION_COOKIE + "=" not in " ".join(headers.getlist("set-cookie")):
                headers.append("Set-Cookie", sessions.expired_cookie(settings))
        await send(message)

    return wrapped
