"""The organiser's pages for speakers: create, edit, reorder, delete (their sessions simply lose them)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from emicronora.forms import Form
from emicronora.models import Speaker
from emicronora.programme import forms, operations
from emicronora.programme.views.organiser.editing import delete_action, edit_page, move_action, now
from emicronora.web.context import require_organiser

TEMPLATE = "programme/organiser/speaker_form.html"


async def edit_speaker(request: Request) -> Response:
    """/organiser/speakers/new and /organiser/speakers/{id}/edit."""
    require_organiser(request)
    return await edit_page(
        request,
        model=Speaker,
        id_param="speaker_id",
        template=TEMPLATE,
        values_of=forms.speaker_values,
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
        template=TEMPLATE,
        values_of=forms.speaker_values,
        delete=delete,
        anchor="speakers",
    )
