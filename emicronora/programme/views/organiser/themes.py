"""The organiser's pages for themes: create, edit, reorder, delete an unused one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from emicronora.models import Theme
from emicronora.programme import forms, operations
from emicronora.programme.views.organiser.editing import delete_action, edit_page, move_action
from emicronora.web.context import require_organiser

TEMPLATE = "programme/organiser/theme_form.html"


async def edit_theme(request: Request) -> Response:
    """/organiser/themes/new and /organiser/themes/{id}/edit."""
    require_organiser(request)
    return await edit_page(
        request,
        model=Theme,
        id_param="theme_id",
        template=TEMPLATE,
        values_of=forms.theme_values,
        save=operations.save_theme,
        anchor="theme",
    )


async def move_theme(request: Request) -> Response:
    require_organiser(request)
    return await move_action(
        request, model=Theme, id_param="theme_id", move=operations.move_theme, anchor="theme"
    )


async def delete_theme(request: Request) -> Response:
    require_organiser(request)
    return await delete_action(
        request,
        model=Theme,
        id_param="theme_id",
        template=TEMPLATE,
        values_of=forms.theme_values,
        delete=operations.delete_theme,
        anchor="themes",
    )
