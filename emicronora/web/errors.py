"""Error pages: HTML for the site, JSON with a reason for the API."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from emicronora.i18n import _
from emicronora.web.context import LoginRequired
from emicronora.web.templating import render


def _reason(status: int) -> str:
    reasons = {
        400: _("The request is not valid."),
        403: _("You are not allowed to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not possible here."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Wait a few minutes and retry."),
    }
    return reasons.get(status, _("Something went wrong on our side. Retry in a moment."))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    detail = exc.detail if exc.detail and exc.detail != _default_phrase(status) else _reason(status)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": detail}, status_code=status, headers=exc.headers)
    if not hasattr(request.state, "templates"):
        return Response(detail, status_code=status)
    return render(request, "error.html", {"status": status, "message": detail}, status_code=status)


def _default_phrase(status: int) -> str:
    return HTTPStatus(status).phrase


async def login_required(request: Request, exc: Exception) -> Response:
    next_url = request.url.path + (("?" + request.url.query) if request.url.query else "")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": _("Log in first.")}, status_code=401)
    return RedirectResponse(f"/login?next={quote(next_url)}", status_code=303)


async def server_error(request: Request, exc: Exception) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": _reason(500)}, status_code=500)
    return render(request, "error.html", {"status": 500, "message": _reason(500)}, status_code=500)


EXCEPTION_HANDLERS = {HTTPException: http_error, LoginRequired: login_required, 500: server_error}
