"""The exhibitor area's editor: the company's showroom page and its innovations, by its team or by an
organiser (who reaches it from /organiser/showrooms)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora import audit
from emicronora.accounts.forms import countries
from emicronora.forms import Form
from emicronora.media.streaming import read_form_with_image
from emicronora.models import Innovation
from emicronora.programme.operations import DIRECTIONS
from emicronora.showroom import domain, forms, images, operations, queries
from emicronora.showroom.views.workspace import Workspace, company_workspace, innovation_workspace
from emicronora.web.actors import actor_of
from emicronora.web.context import media_of, require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

SHOWROOM_TEMPLATE = "showroom/edit.html"
INNOVATION_TEMPLATE = "showroom/innovation_form.html"


def _image_context(request: Request, workspace: Workspace) -> operations.ImageContext:
    return operations.ImageContext(
        storage=media_of(request), user=workspace.user, settings=settings_of(request)
    )


async def _editor_context(db: AsyncSession, workspace: Workspace, locale: str) -> dict[str, Any]:
    company = workspace.company
    innovations = await queries.innovations_of(db, company.id)
    keys = await queries.media_keys(db, [company.logo_id, *(i.image_id for i in innovations)])
    themes = await queries.themes_by_slug(db)
    return {
        "workspace": workspace,
        "company": company,
        "media": {identifier: images.media_url(key) for identifier, key in keys.items()},
        "innovations": innovations,
        "theme_options": [(slug, theme.name(locale)) for slug, theme in themes.items()],
        "sector_options": [(slug, domain.sector_label(slug)) for slug in domain.SECTORS],
        "country_options": countries(),
    }


async def edit_showroom(request: Request) -> Response:
    """/exhibitor-area/showroom (the user's company, or ?company= for organisers) and
    /organiser/showrooms/{company_id}/edit."""
    if "company_id" in request.path_params:
        require_organiser(request)
    freed: str | None = None
    async with sessionmaker_of(request)() as db, db.begin():
        workspace = await company_workspace(request, db)
        company = workspace.company
        if request.method == "GET":
            form = Form(values=forms.showroom_values(company))
            context = await _editor_context(db, workspace, request.state.locale)
            return render(request, SHOWROOM_TEMPLATE, {**context, "form": form})
        form, logo = await read_form_with_image(request, "logo")
        old_logo = company.logo_id
        before = {**forms.showroom_values(company), "logo_id": company.logo_id}
        if not await operations.save_showroom(db, form, company, logo, _image_context(request, workspace)):
            context = await _editor_context(db, workspace, request.state.locale)
            return render(request, SHOWROOM_TEMPLATE, {**context, "form": form}, 400)
        if not workspace.as_member:
            changed = audit.changes(before, {**forms.showroom_values(company), "logo_id": company.logo_id})
            await audit.record_action(db, actor_of(request), "showroom.edit", "company", company.id, changed)
        if company.logo_id != old_logo:
            freed = await images.discard_image(db, old_logo)
    await images.delete_files(media_of(request), [freed])
    return see_other(workspace.edit_url + "?saved=1")


async def _innovation_page(
    request: Request,
    db: AsyncSession,
    workspace: Workspace,
    form: Form,
    item: Innovation | None,
    status: int = 200,
) -> Response:
    keys = await queries.media_keys(db, [item.image_id] if item is not None else [])
    photo = images.media_url(keys[item.image_id]) if item is not None and item.image_id in keys else None
    context = {
        "workspace": workspace,
        "company": workspace.company,
        "form": form,
        "item": item,
        "photo": photo,
    }
    return render(request, INNOVATION_TEMPLATE, context, status)


async def new_innovation(request: Request) -> Response:
    """/exhibitor-area/innovations/new: a form, then an innovation at the end of the company's list."""
    async with sessionmaker_of(request)() as db, db.begin():
        workspace = await company_workspace(request, db)
        if request.method == "GET":
            return await _innovation_page(request, db, workspace, Form(), None)
        form, photo = await read_form_with_image(request, "photo")
        saved = await operations.save_innovation(
            db, form, workspace.company, None, photo, _image_context(request, workspace)
        )
        if saved is None:
            return await _innovation_page(request, db, workspace, form, None, 400)
        anchor = f"#innovation-{saved.id}"
        if not workspace.as_member:
            details = {"company_id": workspace.company.id, "title": saved.title}
            await audit.record_action(
                db, actor_of(request), "innovation.create", "innovation", saved.id, details
            )
    return see_other(workspace.edit_url + anchor)


async def edit_innovation(request: Request) -> Response:
    freed: str | None = None
    async with sessionmaker_of(request)() as db, db.begin():
        innovation, workspace = await innovation_workspace(request, db)
        if request.method == "GET":
            form = Form(values=forms.innovation_values(innovation))
            return await _innovation_page(request, db, workspace, form, innovation)
        form, photo = await read_form_with_image(request, "photo")
        old_photo = innovation.image_id
        before = {**forms.innovation_values(innovation), "image_id": old_photo}
        saved = await operations.save_innovation(
            db, form, workspace.company, innovation, photo, _image_context(request, workspace)
        )
        if saved is None:
            return await _innovation_page(request, db, workspace, form, innovation, 400)
        if not workspace.as_member:
            after = {**forms.innovation_values(innovation), "image_id": innovation.image_id}
            changed = audit.changes(before, after)
            await audit.record_action(
                db, actor_of(request), "innovation.edit", "innovation", innovation.id, changed
            )
        if innovation.image_id != old_photo:
            freed = await images.discard_image(db, old_photo)
    await images.delete_files(media_of(request), [freed])
    return see_other(f"{workspace.edit_url}#innovation-{innovation.id}")


async def delete_innovation(request: Request) -> Response:
    async with sessionmaker_of(request)() as db, db.begin():
        innovation, workspace = await innovation_workspace(request, db)
        photo = innovation.image_id
        await operations.delete_innovation(db, innovation)
        if not workspace.as_member:
            details = {"company_id": workspace.company.id, "title": innovation.title}
            await audit.record_action(
                db, actor_of(request), "innovation.delete", "innovation", innovation.id, details
            )
        freed = await images.discard_image(db, photo)
    await images.delete_files(media_of(request), [freed])
    return see_other(workspace.edit_url + "#innovations")


async def move_innovation(request: Request) -> Response:
    async with sessionmaker_of(request)() as db, db.begin():
        innovation, workspace = await innovation_workspace(request, db)
        direction = (await read_form(request)).values.get("direction", "")
        if direction not in DIRECTIONS:
            raise HTTPException(400)
        moved = await operations.move_innovation(db, innovation, direction)
        if moved and not workspace.as_member:
            details = {"direction": direction}
            await audit.record_action(
                db, actor_of(request), "innovation.move", "innovation", innovation.id, details
            )
    return see_other(f"{workspace.edit_url}#innovation-{innovation.id}")
