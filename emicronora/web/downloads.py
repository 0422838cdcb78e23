"""Files a handler sends as downloads."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from urllib.parse import quote

from starlette.responses import Response, StreamingResponse

from emicronora.spreadsheets import CSV_TYPE


def attachment(filename: str) -> dict[str, str]:
    """The Content-Disposition of a download, with the UTF-8 name for browsers that read it (RFC 6266)."""
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    }


def csv_download(filename: str, content: bytes | Iterable[bytes] | AsyncIterable[bytes]) -> Response:
    headers = {**attachment(filename), "Cache-Control": "no-store"}
    if isinstance(content, bytes):
        return Response(content, media_type=CSV_TYPE, headers=headers)
    return StreamingResponse(content, media_type=CSV_TYPE, headers=headers)
