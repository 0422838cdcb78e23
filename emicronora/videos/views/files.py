"""The files of a video in the exhibitor area: the upload page, the upload itself, the poster.

The file is sent by `static/js/upload.js` as the raw body of a PUT, with the CSRF token in a header: the CSRF
middleware then lets the body stream to `upload_file`, which enforces its own caps. Its route is the only one
whose body may pass the general cap (`large_bodies` in routes.py), up to the video cap. The poster is a small
image in an ordinary form.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emicronora.i18n import _
from emicronora.media import streaming, uploads
from emicronora.media.queries import MIB
from emicronora.videos import operations, queries
from emicronora.videos.views.exhibitor import (
    AREA,
    area_user,
    manageable_or_404,
    notice_of,
    render_edit,
    video_id_of,
)
from emicronora.web.context import current_user, media_of, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.redirects import see_other
from emicronora.web.templating import render


async def upload_page(request: Request) -> Response:
    user = area_user(request)
    settings = settings_of(request)
    async with sessionmaker_of(request)() as db:
        try:
            target = await operations.upload_target(db, user, video_id_of(request), settings)
        except operations.VideoNotFound:
            raise HTTPException(404) from None
        video = await queries.get_video(db, target.video_id)
    cap = settings.max_video_mb * MIB
    context = {
        "item": video,
        "max_video_mb": settings.max_video_mb,
        # The page refuses at once a file the server would refuse after a long upload.
        "max_bytes": max(min(cap, target.quota_left), 0),
        "quota_left_mb": max(target.quota_left, 0) // MIB,
        "over_quota": target.quota_left < cap,
        "notice": notice_of(request),
    }
    return render(request, "videos/upload.html", context)


def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def upload_file(request: Request) -> Response:
    """The raw body of the PUT is the video file; answers JSON for upload.js."""
    user = current_user(request)
    if user is None:
        return _json_error(401, _("Log in first."))
    if not (user.is_exhibitor or user.is_organiser):
        return _json_error(403, _("This area is for exhibitors."))
    settings = settings_of(request)
    storage = media_of(request)
    maker = sessionmaker_of(request)
    try:
        async with maker() as db:
            target = await operations.upload_target(db, user, video_id_of(request), settings)
        # The database is not held while the body streams in: a large upload takes minutes.
        stored = await uploads.receive_video(
            streaming.body_chunks(request),
            storage,
            settings=settings,
            quota_left=target.quota_left,
            declared_size=streaming.declared_size(request),
        )
        await operations.attach_file(
            maker,
            storage,
            target,
            stored,
            original_name=request.headers.get("x-file-name", ""),
            user=user,
            settings=settings,
        )
    except operations.VideoNotFound:
        return _json_error(404, _("This page does not exist."))
    except uploads.MediaError as error:
        return _json_error(error.status, error.message)
    return JSONResponse({"redirect": f"{AREA}/{target.video_id}/edit?done=uploaded"}, status_code=201)


async def poster(request: Request) -> Response:
    user = area_user(request)
    video = await manageable_or_404(request, user)
    form, upload = await streaming.read_form_with_image(request, "poster")
    if not form.ok:
        return await render_edit(request, user, video, poster_form=form, status_code=413)
    if upload is None:
        form.error("poster", _("Choose an image file."))
        return await render_edit(request, user, video, poster_form=form, status_code=400)
    try:
        await operations.set_poster(
            sessionmaker_of(request),
            media_of(request),
            video.id,
            upload,
            user=user,
            settings=settings_of(request),
        )
    except operations.VideoNotFound:
        raise HTTPException(404) from None
    except uploads.MediaError as error:
        form.error("poster", error.message)
        return await render_edit(request, user, video, poster_form=form, status_code=error.status)
    return see_other(f"{AREA}/{video.id}/edit?done=poster#poster")


async def remove_poster(request: Request) -> Response:
    user = area_user(request)
    await read_form(request)
    async with sessionmaker_of(request)() as db, db.begin():
        try:
            video = await operations.manageable(db, user, video_id_of(request))
        except operations.VideoNotFound:
            raise HTTPException(404) from None
        keys = await operations.remove_poster(db, video)
    await operations.remove_files(media_of(request), keys)
    return see_other(f"{AREA}/{video.id}/edit?done=poster#poster")
