"""A participant's own B2B profile: joining the B2B event, editing the profile, adding, changing and
deleting offers and needs. Only the owner reaches these pages: another participant's item answers 404."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from emicronora.b2b.marketplace import forms, operations, queries
from emicronora.forms import Form
from emicronora.models import B2B_ROLES, ITEM_KINDS, B2BProfile, CooperationItem, User
from emicronora.showroom import domain
from emicronora.web.context import require_user, sessionmaker_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import see_other
from emicronora.web.templating import render

PROFILE_URL = "/b2b/profile"
PROFILE_TEMPLATE = "b2b/profile_form.html"
ITEM_TEMPLATE = "b2b/profile_item_form.html"


async def _profile_page(
    request: Request, db: AsyncSession, user: User, profile: B2BProfile | None, form: Form, status: int = 200
) -> Response:
    items = await queries.items_of(db, profile.id) if profile is not None else []
    context: dict[str, Any] = {
        "profile": profile,
        "items": items,
        "form": form,
        "company": queries.company_name(user),
        "country": domain.country_name(queries.company_country(user)),
        "has_company": user.company is not None,
        "role_options": [(role, queries.role_label(role)) for role in B2B_ROLES],
        "names": await queries.vocabulary(db, request.state.locale),
        "kind_label": queries.kind_label,
        "max_items": forms.MAX_ITEMS,
        "max_meetings": forms.MAX_MEETINGS,
    }
    return render(request, PROFILE_TEMPLATE, context, status)


async def edit_profile(request: Request) -> Response:
    """/b2b/profile: creating the profile makes the user a B2B participant; later visits edit it."""
    user = require_user(request)
    if request.method == "GET":
        async with sessionmaker_of(request)() as db:
            profile = await queries.profile_of(db, user)
            form = Form(values=forms.profile_values(profile) if profile is not None else {})
            return await _profile_page(request, db, user, profile, form)
    form = await read_form(request)
    try:
        async with sessionmaker_of(request)() as db, db.begin():
            profile = await queries.profile_of(db, user)
            created = profile is None
            if await operations.save_profile(db, form, user, profile) is None:
                return await _profile_page(request, db, user, profile, form, 400)
    except IntegrityError:
        # The other click of a double click created the profile first: the user sees it.
        return see_other(PROFILE_URL)
    return see_other(PROFILE_URL + ("?joined=1" if created else "?saved=1"))


async def _item_page(
    request: Request,
    db: AsyncSession,
    user: User,
    form: Form,
    item: CooperationItem | None,
    status: int = 200,
) -> Response:
    context = {
        "form": form,
        "item": item,
        "company": queries.company_name(user),
        "kind_options": [(kind, queries.kind_label(kind)) for kind in ITEM_KINDS],
        "names": await queries.vocabulary(db, request.state.locale),
        "max_keywords": forms.MAX_KEYWORDS,
    }
    return render(request, ITEM_TEMPLATE, context, status)


def _item_anchor(item_id: int) -> str:
    return f"{PROFILE_URL}#item-{item_id}"


async def new_item(request: Request) -> Response:
    """/b2b/profile/items/new (?kind=offer or need preselects the kind)."""
    user = require_user(request)
    form = await read_form(request) if request.method == "POST" else None
    async with sessionmaker_of(request)() as db, db.begin():
        profile = await queries.profile_of(db, user)
        if profile is None:
            # Items belong to a profile: join the B2B event first.
            return see_other(PROFILE_URL)
        if form is None:
            kind = request.query_params.get("kind", "")
            initial = Form(values={"kind": kind} if kind in ITEM_KINDS else {})
            return await _item_page(request, db, user, initial, None)
        names = await queries.vocabulary(db, request.state.locale)
        item = await operations.save_item(db, form, profile, None, names.themes)
        if item is None:
            return await _item_page(request, db, user, form, None, 400)
        item_id = item.id
    return see_other(_item_anchor(item_id))


async def _own_item(db: AsyncSession, user: User, request: Request) -> tuple[B2BProfile, CooperationItem]:
    profile = await queries.profile_of(db, user)
    item = await queries.owned_item(db, profile, request.path_params["item_id"])
    if profile is None or item is None:
        raise HTTPException(404)
    return profile, item


async def edit_item(request: Request) -> Response:
    """/b2b/profile/items/{item_id}/edit, for the item's owner only."""
    user = require_user(request)
    form = await read_form(request) if request.method == "POST" else None
    async with sessionmaker_of(request)() as db, db.begin():
        profile, item = await _own_item(db, user, request)
        if form is None:
            return await _item_page(request, db, user, Form(values=forms.item_values(item)), item)
        names = await queries.vocabulary(db, request.state.locale)
        if await operations.save_item(db, form, profile, item, names.themes) is None:
            return await _item_page(request, db, user, form, item, 400)
    return see_other(_item_anchor(item.id))


async def delete_item(request: Request) -> Response:
    """/b2b/profile/items/{item_id}/delete (POST), for the item's owner only."""
    user = require_user(request)
    async with sessionmaker_of(request)() as db, db.begin():
        _profile, item = await _own_item(db, user, request)
        await operations.delete_item(db, item)
    return see_other(PROFILE_URL + "#items")
