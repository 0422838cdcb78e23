"""Where uploaded files live: a small async interface and the local-disk back-end.

`MediaStorage` is the seam for another back-end: an S3-compatible object store would implement
`open_writer` with a multipart upload (`abort` cancels it), `size` with a HEAD, `delete` with a DELETE, and
`path_or_stream` with a ranged GET that returns an async iterator instead of a local path. Nothing outside
this module knows where the bytes are.

Keys are random (`new_key`), never derived from what the uploader called the file, and only ever made of
URL-safe characters, so a key can be neither a path nor a trick.
"""

from __future__ import annotations

import os
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

import anyio
import anyio.to_thread

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,80}$")
PARTIAL_SUFFIX = ".part"
# Reads for serving: large enough to keep thread hops rare, small enough to keep memory flat per viewer.
READ_CHUNK = 256 * 1024


def new_key() -> str:
    return secrets.token_urlsafe(24)


def valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.match(key))


class MediaWriter(ABC):
    """Receives a file's bytes in order. Nothing is visible under the key until `close`; `abort` leaves
    nothing behind."""

    @abstractmethod
    async def write(self, data: bytes) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def abort(self) -> None: ...


class MediaStorage(ABC):
    @abstractmethod
    async def open_writer(self, key: str) -> MediaWriter: ...

    @abstractmethod
    async def size(self, key: str) -> int | None:
        """The stored size in bytes, or None when there is no such file."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Removes the file; a missing file is not an error (deletes are retried after failures)."""

    @abstractmethod
    async def path_or_stream(self, key: str, start: int, stop: int) -> Path | AsyncIterator[bytes]:
        """Bytes [start, stop) of the file: a local path that the server reads itself (it can seek), or an
        async iterator over exactly those bytes (an object store's ranged GET)."""


class LocalWriter(MediaWriter):
    def __init__(self, file: BinaryIO, partial: Path, final: Path) -> None:
        self._file = file
        self._partial = partial
        self._final = final

    async def write(self, data: bytes) -> None:
        await anyio.to_thread.run_sync(self._file.write, data)

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self._finish)

    def _finish(self) -> None:
        # Flushed to disk before the rename, so that a crash never leaves a truncated file under a key the
        # database already knows.
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._partial.rename(self._final)

    async def abort(self) -> None:
        await anyio.to_thread.run_sync(self._discard)

    def _discard(self) -> None:
        self._file.close()
        self._partial.unlink(missing_ok=True)


class LocalStorage(MediaStorage):
    """Files in one directory, named by their key; written under `<key>.part`, then renamed, so a reader
    never sees half a file."""

    def __init__(self, media_dir: str | Path) -> None:
        self.root = Path(media_dir)

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / key

    async def open_writer(self, key: str) -> MediaWriter:
        final = self._path(key)
        partial = final.with_name(key + PARTIAL_SUFFIX)

        def open_partial() -> BinaryIO:
            self.root.mkdir(parents=True, exist_ok=True)
            # "x": a key collision (or a concurrent writer) fails instead of mixing two files.
            return partial.open("xb")

        return LocalWriter(await anyio.to_thread.run_sync(open_partial), partial, final)

    async def size(self, key: str) -> int | None:
        if not valid_key(key):
            return None
        try:
            return (await anyio.Path(self._path(key)).stat()).st_size
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        await anyio.Path(self._path(key)).unlink(missing_ok=True)

    async def path_or_stream(self, key: str, start: int, stop: int) -> Path | AsyncIterator[bytes]:
        return self._path(key)


async def read_range(path: Path, start: int, stop: int) -> AsyncIterator[bytes]:
    """Bytes [start, stop) of a local file, read in chunks off the event loop."""
    async with await anyio.open_file(path, "rb") as file:
        await file.seek(start)
        left = stop - start
        while left > 0:
            chunk = await file.read(min(READ_CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
