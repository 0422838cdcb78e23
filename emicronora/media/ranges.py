"""HTTP Range requests (RFC 9110 section 14): one byte range of a stored file, so a video player can seek.

Only single ranges are answered with 206; a multi-range request gets the whole file (200), which the RFC
allows and which every media player handles. A malformed header is ignored the same way; a well-formed range
that starts past the end is refused with 416.
"""

from __future__ import annotations

import re

SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"no byte of the requested range lies within {size} bytes")
        self.size = size


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The byte span [start, stop) that a Range header asks for, None for the whole file, or
    RangeNotSatisfiable."""
    if not header:
        return None
    match = SINGLE_RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        # A suffix range: the last N bytes.
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(size - length, 0), size
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(size)
    stop = min(int(last) + 1, size) if last else size
    return start, stop


def content_range(start: int, stop: int, size: int) -> str:
    return f"bytes {start}-{stop - 1}/{size}"
