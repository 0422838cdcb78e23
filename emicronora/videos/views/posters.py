"""What the video pages share: the Content-Security-Policy of pages that show YouTube stills."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from emicronora.live.embeds import YOUTUBE_THUMBNAIL_ORIGIN
from emicronora.videos.queries import VideoCard
from emicronora.web.middleware import CONTENT_SECURITY_POLICY
from emicronora.web.templating import render


def allow_image_origin(policy: str, origin: str) -> str:
    """The policy with `origin` added to img-src (and only there)."""
    directives = [directive.strip() for directive in policy.split(";") if directive.strip()]
    widened = [f"{d} {origin}" if d.split()[0] == "img-src" else d for d in directives]
    if not any(d.split()[0] == "img-src" for d in directives):
        widened.append(f"img-src 'self' {origin}")
    return "; ".join(widened)


def render_with_posters(
    request: Request,
    template: str,
    context: dict[str, Any],
    cards: Iterable[VideoCard],
    status_code: int = 200,
) -> Response:
    """Renders a page of video cards. Only a page that shows a YouTube still lets images come from YouTube's
    image host (a cookie-less one, asked without a referrer); every other page keeps img-src to the site."""
    response = render(request, template, context, status_code=status_code)
    if any((card.poster_src or "").startswith(YOUTUBE_THUMBNAIL_ORIGIN + "/") for card in cards):
        response.headers["Content-Security-Policy"] = allow_image_origin(
            CONTENT_SECURITY_POLICY, YOUTUBE_THUMBNAIL_ORIGIN
        )
    return response
