"""GET /media/{key}: serving a stored file, with byte ranges for seeking, to whoever may see it.

The file is served with its recorded type, `nosniff` and a sandboxing Content-Security-Policy, so that even
a file that got past the checks can never run as a page of the site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from emicronora.media import queries
from emicronora.media.ranges import RangeNotSatisfiable, content_range, parse_range
from emicronora.media.storage import read_range, valid_key
from emicronora.web.context import current_user, media_of, sessionmaker_of

MEDIA_POLICY = "default-src 'none'; media-src 'self'; img-src 'self'; sandbox"
# Keys are never reused, but a video can be unpublished: shared caches keep a public file for an hour only.
PUBLIC_CACHE = "public, max-age=3600"
PRIVATE_CACHE = "private, no-cache"


async def serve(request: Request) -> Response:
    key: str = request.path_params["key"]
    if not valid_key(key):
        raise HTTPException(404)
    async with sessionmaker_of(request)() as db:
        media = await queries.get_by_key(db, key)
        audience = await queries.audience(db, media) if media is not None else None
    if media is None or audience is None or not audience.admits(current_user(request)):
        raise HTTPException(404)
    storage = media_of(request)
    size = await storage.size(key)
    if size is None:
        raise HTTPException(404)

    headers = {
        "Content-Type": media.content_type,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": MEDIA_POLICY,
        "Cross-Origin-Resource-Policy": "same-origin",
        "Cache-Control": PUBLIC_CACHE if audience.public else PRIVATE_CACHE,
        "Accept-Ranges": "bytes",
        "ETag": f'"{key}"',
    }
    etag = headers["ETag"]
    if etag in (tag.strip() for tag in request.headers.get("if-none-match", "").split(",")):
        # A file never changes under its key: the browser's copy is current.
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
    span = None
    if request.headers.get("if-range", etag) == etag:
        try:
            span = parse_range(request.headers.get("range"), size)
        except RangeNotSatisfiable:
            return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    start, stop = span or (0, size)
    status = 206 if span else 200
    if span:
        headers["Content-Range"] = content_range(start, stop, size)
    headers["Content-Length"] = str(stop - start)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    source = await storage.path_or_stream(key, start, stop)
    body: AsyncIterator[bytes] = read_range(source, start, stop) if isinstance(source, Path) else source
    return StreamingResponse(body, status_code=status, headers=headers)
