"""Finding the CSRF token in a form's body as it streams, holding only the bytes read until it was found.

Every page puts the token first in its forms, so a form (an image upload included) is checked after its first
piece, and the rest of the body streams on to the handler. The bytes read are handed on untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, QuerystringParser, parse_options_header
from starlette.types import Message, Receive

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks, QuerystringCallbacks

# A token is 64 hex digits; a longer value is not one.
MAX_TOKEN = 128


class TooLarge(Exception):
    """The body passed the limit before the token was found."""


@dataclass
class _Field:
    """The field being parsed: its name (up to a length) and, when it is the token's, its value."""

    wanted: str
    name: bytearray = field(default_factory=bytearray)
    value: bytearray = field(default_factory=bytearray)
    token: str | None = None

    def start(self) -> None:
        self.name.clear()
        self.value.clear()

    def add_name(self, data: bytes, start: int, end: int) -> None:
        if len(self.name) <= len(self.wanted) * 3:
            self.name += data[start:end]

    def add_value(self, data: bytes, start: int, end: int) -> None:
        if len(self.value) <= MAX_TOKEN and self._is_token():
            self.value += data[start:end]

    def end(self) -> None:
        if self.token is None and self._is_token() and len(self.value) <= MAX_TOKEN:
            self.token = unquote_plus(self.value.decode("latin-1"))

    def _is_token(self) -> bool:
        return unquote_plus(self.name.decode("latin-1")) == self.wanted


@dataclass
class _Parts(_Field):
    """A multipart body: the field's name comes from each part's Content-Disposition header."""

    header: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    disposition: bytes = b""

    def begin(self) -> None:
        self.start()
        self.disposition = b""

    def header_name(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def header_data(self, data: bytes, start: int, end: int) -> None:
        if len(self.header_value) < 1024:
            self.header_value += data[start:end]

    def header_end(self) -> None:
        if bytes(self.header).lower() == b"content-disposition":
            self.disposition = bytes(self.header_value)
        self.header.clear()
        self.header_value.clear()

    def headers_done(self) -> None:
        _kind, options = parse_options_header(self.disposition)
        if b"filename" not in options:
            self.name += options.get(b"name", b"")[: len(self.wanted) * 3]

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.begin,
            "on_header_field": self.header_name,
            "on_header_value": self.header_data,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_done,
            "on_part_data": self.add_value,
            "on_part_end": self.end,
        }


def _urlencoded(found: _Field) -> QuerystringCallbacks:
    return {
        "on_field_start": found.start,
        "on_field_name": found.add_name,
        "on_field_data": found.add_value,
        "on_field_end": found.end,
    }


async def read_token(
    content_type: str, receive: Receive, name: str, limit: int
) -> tuple[str | None, Receive]:
    """The value of the form field `name`, read from the body as it arrives (TooLarge past `limit` bytes),
    and a `receive` that gives the handler the whole body again: the bytes read, then the rest."""
    kind, params = parse_options_header(content_type)
    parser: MultipartParser | QuerystringParser
    found: _Field
    if kind == b"application/x-www-form-urlencoded":
        found = _Field(name)
        parser = QuerystringParser(_urlencoded(found))
    elif kind == b"multipart/form-data" and params.get(b"boundary"):
        found = _Parts(name)
        parser = MultipartParser(params[b"boundary"], found.callbacks())
    else:
        return None, receive
    chunks: list[bytes] = []
    size = 0
    more = True
    try:
        while more and found.token is None:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk: bytes = message.get("body", b"")
            more = message.get("more_body", False)
            size += len(chunk)
            if size > limit:
                raise TooLarge
            chunks.append(chunk)
            parser.write(chunk)
        if not more:
            parser.finalize()
    except FormParserError:
        return None, receive
    return found.token, _replay(b"".join(chunks), more, receive)


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return replayed
