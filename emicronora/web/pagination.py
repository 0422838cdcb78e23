"""The `?page=` query parameter, read the same way on every paged list."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from emicronora.db.paging import Page

PAGE_PARAMETER = "page"
# A million pages of 25 is more than any list here will hold; a longer number is no page of ours.
MAX_PAGE_DIGITS = 6


def page_number(request: Request) -> int:
    """The page asked for, from 1; a page that cannot exist is a broken link (404)."""
    raw = request.query_params.get(PAGE_PARAMETER, "")
    if not raw:
        return 1
    # isdigit() alone lets "²" and other scripts' digits through, which int() then refuses.
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_PAGE_DIGITS or int(raw) < 1:
        raise HTTPException(404)
    return int(raw)


def existing_page(page: Page[Any]) -> Page[Any]:
    """`page` itself, or 404 when it lies past the last page of the list."""
    if page.beyond_end:
        raise HTTPException(404)
    return page
