"""The company's videos in the exhibitor area: the list, the form, publishing and deleting. The video file
and the poster are sent to `files.py`'s handlers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.forms import Form
from emicronora.i18n import _, lazy
from emicronora.models import Company, Theme, User, Video
from emicronora.programme import queries as programme_queries
from emicronora.videos import forms, operations, permissions, queries
from emicronora.videos.views.posters import render_with_posters
from emicronora.web.actors import actor_of
from emicronora.web.context import media_of, require_user, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import safe_next, see_other
from emicronora.web.templating import render

AREA = "/exhibitor-area/videos"
NOTICES = {
    "created": lazy("The video has been created. It stays a draft until you publish it."),
    "saved": lazy("Your changes have been saved."),
    "uploaded": lazy("The video file has been uploaded."),
    "poster": lazy("The poster has been changed."),
    "published": lazy("The video is published in the e-Micronora channel."),
    "unpublished": lazy("The video is a draft again: only your team and the organisers see it."),
    "deleted": lazy("The video has been deleted."),
}


def area_user(request: Request) -> User:
    user = require_user(request)
    if not (user.is_exhibitor or user.is_organiser):
        raise HTTPException(403, _("This area is for exhibitors."))
    return user


def video_id_of(request: Request) -> int:
    return request.path_params["video_id"]


async def manageable_or_404(request: Request, user: User) -> Video:
    async with sessionmaker_of(request)() as db:
        try:
            return await operations.manageable(db, user, video_id_of(request))
        except operations.VideoNotFound:
            raise HTTPException(404) from None


def _list_url(video: Video, user: User) -> str:
    own = permissions.is_member(user, video.company_id)
    return AREA if own else f"{AREA}?company={video.company_id}"


def notice_of(request: Request) -> str | None:
    key = request.query_params.get("done", "")
    return _(NOTICES[key]) if key in NOTICES else None


async def video_list(request: Request) -> Response:
    """The company's videos; an organiser picks a company with ?company=<id>."""
    user = area_user(request)
    raw = request.query_params.get("company", "")
    company: Company | None = None
    async with sessionmaker_of(request)() as db:
        if user.is_organiser and raw:
            company = await queries.get_company(db, int(raw)) if queries.is_row_id(raw) else None
            if company is None or not company.is_exhibitor:
                raise HTTPException(404)
        elif user.is_exhibitor:
            company = user.company
        if company is None:
            return render(request, "videos/manage.html", {"exhibitors": await queries.exhibitors(db)})
        cards = await queries.company_cards(db, company.id)
        # Leads are for the company's team alone: organisers do not see how many each video brought.
        is_member = user.company_id == company.id
        lead_counts = await queries.lead_counts(db, company.id) if is_member else {}
    context = {
        "company": company,
        "cards": cards,
        "lead_counts": lead_counts,
        "is_member": is_member,
        "notice": notice_of(request),
    }
    return render_with_posters(request, "videos/manage.html", context, cards)


def _theme_options(themes: list[Theme], locale: str) -> list[tuple[str, str]]:
    return [(str(theme.id), theme.name(locale)) for theme in themes]


async def _form_context(request: Request) -> dict[str, Any]:
    async with sessionmaker_of(request)() as db:
        themes = await programme_queries.list_themes(db)
    return {
        "themes": themes,
        "theme_options": _theme_options(themes, request.state.locale),
        "max_video_mb": settings_of(request).max_video_mb,
    }


async def new_video(request: Request) -> Response:
    user = area_user(request)
    if not permissions.can_create(user):
        raise HTTPException(403, _("Videos are added by the exhibitors' teams, from their own area."))
    context = await _form_context(request)
    form = Form(values={"kind": "upload"})
    if request.method == "POST":
        form = await read_form(request)
        fields = forms.read_fields(form, [t.id for t in context["themes"]])
        if fields is not None:
            async with sessionmaker_of(request)() as db, db.begin():
                video = await operations.create_video(db, user, fields)
            target = f"{AREA}/{video.id}/upload" if video.source == "upload" else f"{AREA}/{video.id}/edit"
            return see_other(target + "?done=created")
    status = 400 if form.errors else 200
    return render(request, "videos/form.html", {**context, "form": form, "item": None}, status_code=status)


async def render_edit(
    request: Request,
    user: User,
    video: Video,
    form: Form | None = None,
    poster_form: Form | None = None,
    *,
    alert: str | None = None,
    status_code: int = 200,
) -> Response:
    context = await _form_context(request)
    async with sessionmaker_of(request)() as db:
        card = await queries.get_card(db, video.id)
    assert card is not None
    if form is None:
        form = Form(
            values={
                "title": video.title,
                "description": video.description,
                "theme_id": str(video.theme_id or ""),
                "provider_url": video.provider_url,
            }
        )
    context.update(
        form=form,
        poster_form=poster_form or Form(),
        item=video,
        card=card,
        notice=alert or notice_of(request),
        is_alert=alert is not None,
        list_url=_list_url(video, user),
    )
    return render_with_posters(request, "videos/form.html", context, [card], status_code=status_code)


async def edit_video(request: Request) -> Response:
    user = area_user(request)
    video = await manageable_or_404(request, user)
    if request.method == "GET":
        return await render_edit(request, user, video)
    form = await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        themes = await programme_queries.list_themes(db)
        video = await operations.manageable(db, user, video.id)
        fields = forms.read_fields(form, [t.id for t in themes], current=video)
        if fields is not None:
            before = {"title": video.title, "theme_id": video.theme_id}
            operations.apply_fields(video, fields)
            if not permissions.is_member(user, video.company_id):
                changed = audit.changes(before, {"title": video.title, "theme_id": video.theme_id})
                await audit.record_action(db, actor_of(request), "video.edit", "video", video.id, changed)
    if fields is None:
        return await render_edit(request, user, video, form, status_code=400)
    return see_other(f"{AREA}/{video.id}/edit?done=saved")


async def publish(request: Request) -> Response:
    user = area_user(request)
    form = await read_form(request)
    publishing = request.url.path.endswith("/publish")
    async with sessionmaker_of(request)() as db, db.begin():
        try:
            video = await operations.manageable(db, user, video_id_of(request))
        except operations.VideoNotFound:
            raise HTTPException(404) from None
        problem = operations.publish(video, datetime.now(UTC)) if publishing else None
        if not publishing:
            operations.unpublish(video)
        if not problem and not permissions.is_member(user, video.company_id):
            verb = "publish" if publishing else "unpublish"
            await audit.record_action(
                db, actor_of(request), f"video.{verb}", "video", video.id, {"title": video.title}
            )
    if problem:
        return await render_edit(request, user, video, alert=problem, status_code=400)
    done = "published" if publishing else "unpublished"
    target = safe_next(form.values.get("next"), f"{AREA}/{video.id}/edit")
    return see_other(_with_done(target, done))


async def delete(request: Request) -> Response:
    user = area_user(request)
    await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        try:
            video = await operations.manageable(db, user, video_id_of(request))
        except operations.VideoNotFound:
            raise HTTPException(404) from None
        target = _list_url(video, user)
        if not permissions.is_member(user, video.company_id):
            details = {"title": video.title, "company_id": video.company_id}
            await audit.record_action(db, actor_of(request), "video.delete", "video", video.id, details)
        keys = await operations.delete_video(db, video)
    await operations.remove_files(media_of(request), keys)
    return see_other(_with_done(target, "deleted"))


def _with_done(target: str, done: str) -> str:
    """The same-site address with its notice replaced, so that repeated actions do not pile notices up."""
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "done"] + [("done", done)]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
