"""Reading uploads off a request, for the views of every area: a video sent as the raw body of a PUT, and a
form that may carry one image. The checks and the storing are `uploads.py`'s, which knows no HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.media.uploads import MediaError, Upload
from emicronora.web.formdata import MAX_FIELD_LENGTH

MAX_FILENAME = 200
MAX_FORM_FIELDS = 200


def declared_size(request: Request) -> int | None:
    """The body's Content-Length, when the client sent one; MediaError (400) when it is no number."""
    declared = request.headers.get("content-length")
    if declared is None:
        return None
    # isdigit() alone lets "²" and other scripts' digits through, which int() then refuses.
    if not (declared.isascii() and declared.isdigit()):
        raise MediaError(400, _("The request is not valid."))
    return int(declared)


async def body_chunks(request: Request) -> AsyncIterator[bytes]:
    """The raw body as it arrives; a client that goes away mid-upload is a MediaError (400)."""
    try:
        async for chunk in request.stream():
            yield chunk
    except ClientDisconnect:
        raise MediaError(400, _("The upload was interrupted. Retry.")) from None


async def read_form_with_image(request: Request, field: str) -> tuple[Form, Upload | None]:
    """The form's text fields (repeated ones joined with commas, as `read_form` does) and the file chosen in
    `field`, if any. The CSRF middleware has already capped the whole body, so the file is read at once."""
    data = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS)
    try:
        values: dict[str, str] = {}
        for key in data:
            items = [str(v)[:MAX_FIELD_LENGTH] for v in data.getlist(key) if isinstance(v, str)]
            if items:
                values[key] = ",".join(items)
        upload = None
        chosen = data.get(field)
        # A file input left empty still sends a part, with no file name and no bytes.
        if isinstance(chosen, UploadFile) and chosen.filename:
            content = await chosen.read()
            if content:
                upload = Upload(filename=chosen.filename[:MAX_FILENAME], data=content)
        return Form(values=values), upload
    finally:
        await data.close()
