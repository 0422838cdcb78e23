"""Where a form may send the browser afterwards."""

from __future__ import annotations

from starlette.responses import RedirectResponse

MAX_TARGET_LENGTH = 500


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site paths: an open redirect would make our login page a phishing tool."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or len(target) > MAX_TARGET_LENGTH
        or any(ord(char) < 0x20 for char in target)
    ):
        return default
    return target


def see_other(url: str) -> RedirectResponse:
    """The answer to a form that worked: the browser fetches `url` with GET (no resubmission on reload)."""
    return RedirectResponse(url, status_code=303)
