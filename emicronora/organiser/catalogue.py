"""Organiser pages for themes and speakers: create, edit, reorder, delete."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from emicronora.forms import Form
from emicronora.models import Speaker, Theme
from emicronora.organiser.common import delete_action, edit_page, move_action, now
from emicronora.programme import operations
from emicronora.web.context import require_organiser

THEME_TEMPLATE = "organiser/theme_form.html"
SPEAKER_TEMPLATE = "organiser/speaker_form.html"


def theme_values(theme: Theme) -> dict[str, str]:
    return {"slug": theme.slug, "name_fr": theme.name_fr, "name_en": theme.name_en}


def speaker_values(speaker: Speaker) -> dict[str, str]:
    return {"name": speaker.name, "affiliation": speaker.affiliation, "bio": speaker.bio}


async def edit_theme(request: Request) -> Response:
    """/organiser/themes/new and /organiser/themes/{id}/edit."""
    require_organiser(request)
    return await edit_page(
        request,
        model=Theme,
        id_param="theme_id",
        template=THEME_TEMPLATE,
        values_of=theme_values,
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
        template=THEME_TEMPLATE,
        values_of=theme_values,
        delete=operations.delete_theme,
        anchor="themes",
    )


async def edit_speaker(request: Request) -> Response:
    """/organiser/speakers/new and /organiser/speakers/{id}/edit."""
    require_organiser(request)
    return await edit_page(
        request,
        model=Speaker,
        id_param="speaker_id",
        template=SPEAKER_TEMPLATE,
        values_of=speaker_values,
        save=operations.save_speaker,
        anchor="speaker",
    )


async def move_speaker(request: Request) -> Response:
    require_organiser(request)
    return await move_action(
        request, model=Speaker, id_param="speaker_id", move=operations.move_speaker, anchor="speaker"
    )


async def delete_speaker(request: Request) -> Response:
    require_organiser(request)
    moment = now()

    async def delete(db: AsyncSession, speaker: Speaker, _form: Form) -> bool:
        # A speaker can always go: their sessions simply lose them.
        await operations.delete_speaker(db, speaker, moment)
        return True

    return await delete_action(
        request,
        model=Speaker,
        id_param="speaker_id",
        template=SPEAKER_TEMPLATE,
        values_of=speaker_values,
        delete=delete,
        anchor="speakers",
    )


routes: list[BaseRoute] = [
    Route("/themes/new", edit_theme, methods=["GET", "POST"]),
    Route("/themes/{theme_id:int}/edit", edit_theme, methods=["GET", "POST"]),
    Route("/themes/{theme_id:int}/move", move_theme, methods=["POST"]),
    Route("/themes/{theme_id:int}/delete", delete_theme, methods=["POST"]),
    Route("/speakers/new", edit_speaker, methods=["GET", "POST"]),
    Route("/speakers/{speaker_id:int}/edit", edit_speaker, methods=["GET", "POST"]),
    Route("/speakers/{speaker_id:int}/move", move_speaker, methods=["POST"]),
    Route("/speakers/{speaker_id:int}/delete", delete_speaker, methods=["POST"]),
]
