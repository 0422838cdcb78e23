"""The public video channel ("la chaîne e-Micronora"): the gallery, a video's page and its contact form.

A view is counted on a GET of a published video's page by someone outside the company, at most once per
viewer and video per hour (operations.count_view): a dated row for the organiser's figures, and the running
total.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.forms import Form
from emicronora.live import embeds
from emicronora.programme import queries as programme_queries
from emicronora.showroom import leads
from emicronora.showroom import permissions as showroom_permissions
from emicronora.videos import operations, permissions, queries
from emicronora.videos.views.posters import render_with_posters
from emicronora.web.context import current_user, require_user, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.middleware import CONTENT_SECURITY_POLICY
from emicronora.web.pagination import existing_page, page_number
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

MAX_FILTER_LENGTH = 60


async def gallery(request: Request) -> Response:
    """/videos: the published videos, newest first, of one theme or all."""
    theme_slug = request.query_params.get("theme", "")[:MAX_FILTER_LENGTH]
    number = page_number(request)
    async with sessionmaker_of(request)() as db:
        themes = await programme_queries.list_themes(db)
        selected = next((theme for theme in themes if theme.slug == theme_slug), None)
        if theme_slug and selected is None:
            raise HTTPException(404)
        page = existing_page(
            await queries.gallery(db, theme_id=selected.id if selected else None, page=number)
        )
    return render_with_posters(
        request,
        "videos/gallery.html",
        {"themes": themes, "selected_theme": selected, "page": page},
        page.items,
    )


def _video_response(
    request: Request,
    card: queries.VideoCard,
    contact_form: Form | None,
    *,
    views: int | None = None,
    status_code: int = 200,
) -> Response:
    user = current_user(request)
    embed = None
    if card.video.source != "upload":
        embed = embeds.embed_or_none(card.video.provider_url, ())
    if contact_form is None and user is not None:
        contact_form = Form(values=leads.contact_values(user))
    context: dict[str, Any] = {
        "card": card,
        "video": card.video,
        "views": card.video.views if views is None else views,
        "embed": embed,
        "can_manage": permissions.can_manage(user, card.video),
        "is_member": permissions.is_member(user, card.video.company_id),
        "showroom_url": (
            f"/exhibitors/{card.company.slug}"
            if card.company.slug and showroom_permissions.is_public(card.company)
            else None
        ),
        "contact_form": contact_form,
        "sent": request.query_params.get("sent") == "1",
    }
    response = render(request, "videos/video.html", context, status_code=status_code)
    if embed is not None:
        # Set here, the policy wins over the middleware's default, which has no frame-src.
        response.headers["Content-Security-Policy"] = embeds.frame_policy(CONTENT_SECURITY_POLICY, embed)
    return response


async def video_page(request: Request) -> Response:
    user = current_user(request)
    video_id: int = request.path_params["video_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        try:
            card = await operations.viewable(db, user, video_id)
        except operations.VideoNotFound:
            raise HTTPException(404) from None
        views = card.video.views
        if card.video.is_published and not permissions.is_member(user, card.video.company_id):
            viewer_id = user.id if user is not None else None
            if await operations.count_view(db, video_id, viewer_id, datetime.now(UTC)):
                views += 1
    return _video_response(request, card, None, views=views)


async def contact(request: Request) -> Response:
    """Stores what the visitor chose to send to the company, as a lead of this video."""
    user = require_user(request)
    form = await read_form(request)
    video_id: int = request.path_params["video_id"]
    async with sessionmaker_of(request)() as db, db.begin():
        try:
            card = await operations.viewable(db, user, video_id)
        except operations.VideoNotFound:
            raise HTTPException(404) from None
        if not card.video.is_published:
            raise HTTPException(404)
        lead = await leads.create_lead(db, form, card.company, user, card.video)
    if lead is None:
        return _video_response(request, card, form, status_code=400)
    return see_other(f"/videos/{video_id}?sent=1#contact")
