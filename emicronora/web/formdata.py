"""Reading a request's form into a Form, with bounded sizes."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request

from emicronora.forms import Form

MAX_FIELD_LENGTH = 20_000


async def read_form(request: Request) -> Form:
    """Reads a urlencoded or multipart form into a Form; repeated fields are joined with commas."""
    data: FormData = await request.form(max_files=0, max_fields=200)
    values: dict[str, str] = {}
    for key in data:
        items = [str(v)[:MAX_FIELD_LENGTH] for v in data.getlist(key) if isinstance(v, str)]
        values[key] = ",".join(items) if len(items) > 1 else (items[0] if items else "")
    return Form(values=values)
