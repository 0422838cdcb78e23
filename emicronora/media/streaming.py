"""Reading uploads off a request, for the views of every area: a video sent as the raw body of a PUT, and a
form that may carry one image. The checks and the storing are `uploads.py`'s, which knows no HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.media.queries import MIB
from emicronora.media.uploads import MediaError, Upload
from emicronora.web.context import settings_of
from emicronora.web.formdata import MAX_FIELD_LENGTH, read_form

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

MAX_FILENAME = 200
MAX_FORM_FIELDS = 200
# A text field's raw bytes: MAX_FIELD_LENGTH characters of up to 4 bytes each.
MAX_FIELD_BYTES = 4 * MAX_FIELD_LENGTH


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
    `field`, if any. The file's size is checked against the image cap as its bytes arrive: past it, the rest
    of the file is dropped unread into memory and the form gets an error on `field`, so that the page shows
    it next to the other values the user typed. Other files are dropped; fields are bounded in count and
    size. A body that is not multipart is read as an ordinary form."""
    content_type, params = parse_options_header(request.headers.get("content-type"))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        return await read_form(request), None
    settings = settings_of(request)
    reader = _ImageFormReader(field, settings.max_image_mb * MIB)
    try:
        parser = MultipartParser(boundary, reader.callbacks())
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (FormParserError, FormTooLarge):
        raise HTTPException(400) from None
    except ClientDisconnect:
        raise HTTPException(400, _("The upload was interrupted. Retry.")) from None
    form = Form(values={key: ",".join(items) for key, items in reader.values.items()})
    if reader.too_large:
        form.error(field, _("The image is larger than %(max)s MB.", max=settings.max_image_mb))
        return form, None
    upload = None
    # A file input left empty still sends a part, with no file name and no bytes.
    if reader.filename and reader.file:
        upload = Upload(filename=reader.filename[:MAX_FILENAME], data=bytes(reader.file))
    return form, upload


class FormTooLarge(Exception):
    """Too many fields, or a field too long."""


class _ImageFormReader:
    """The callbacks of python-multipart's parser: text fields kept (each at most MAX_FIELD_BYTES), the file
    of `field` kept up to `cap` bytes, every other file dropped."""

    def __init__(self, field: str, cap: int) -> None:
        self.field = field
        self.cap = cap
        self.values: dict[str, list[str]] = {}
        self.fields = 0
        self.filename = ""
        self.file = bytearray()
        self.too_large = False
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._name = ""
        self._is_file = False
        self._data = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._data = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _disposition, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        self._is_file = b"filename" in options
        if self._is_file and self._name == self.field and not self.filename:
            self.filename = options[b"filename"].decode("utf-8", "replace")
        elif not self._is_file:
            self.fields += 1
            if self.fields > MAX_FORM_FIELDS:
                raise FormTooLarge

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._is_file:
            if len(self._data) + end - start > MAX_FIELD_BYTES:
                raise FormTooLarge
            self._data += data[start:end]
        elif self._name == self.field and not self.too_large:
            if len(self.file) + end - start > self.cap:
                # The rest of this file is skipped as it arrives; the general body cap still applies.
                self.too_large = True
                self.file = bytearray()
            else:
                self.file += data[start:end]

    def on_part_end(self) -> None:
        if not self._is_file and self._name:
            value = self._data.decode("utf-8", "replace")[:MAX_FIELD_LENGTH]
            self.values.setdefault(self._name, []).append(value)
