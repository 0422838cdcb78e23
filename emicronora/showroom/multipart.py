"""Reading a form that may carry one image (multipart), with the same bounds as `read_form`."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request

from emicronora.forms import Form
from emicronora.showroom.images import Upload
from emicronora.web.formdata import MAX_FIELD_LENGTH

MAX_FILENAME = 200


async def read_form_with_image(request: Request, field: str) -> tuple[Form, Upload | None]:
    """The form's text fields (repeated ones joined with commas, as `read_form` does) and the file chosen in
    `field`, if any. The CSRF middleware has already capped the whole body, so the file is read at once."""
    data = await request.form(max_files=1, max_fields=200)
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
