"""The local storage: files appear under their key only once complete, an aborted write leaves nothing,
keys are never paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from emicronora.media.storage import LocalStorage, new_key, read_range, valid_key
from tests.videos.factories import files_in


async def test_a_file_appears_under_its_key_only_when_closed(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    key = new_key()
    writer = await storage.open_writer(key)
    await writer.write(b"hello ")
    await writer.write(b"world")
    assert await storage.size(key) is None
    assert files_in(tmp_path / "media") == [key + ".part"]
    await writer.close()
    assert await storage.size(key) == 11
    assert files_in(tmp_path / "media") == [key]
    source = await storage.path_or_stream(key, 6, 11)
    assert isinstance(source, Path)
    assert b"".join([chunk async for chunk in read_range(source, 6, 11)]) == b"world"


async def test_an_aborted_write_leaves_nothing(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = new_key()
    writer = await storage.open_writer(key)
    await writer.write(b"x" * 1000)
    await writer.abort()
    assert files_in(tmp_path) == []
    assert await storage.size(key) is None


async def test_delete_removes_the_file_and_tolerates_a_missing_one(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = new_key()
    writer = await storage.open_writer(key)
    await writer.write(b"x")
    await writer.close()
    await storage.delete(key)
    await storage.delete(key)
    assert files_in(tmp_path) == []


def test_keys_are_random_and_url_safe() -> None:
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100
    assert all(valid_key(key) for key in keys)


@pytest.mark.parametrize("key", ["../secret", "a/b" * 10, "..", "", "x" * 81, "short", "abc.def.ghi.jkl.mno"])
async def test_anything_but_a_key_is_refused(tmp_path: Path, key: str) -> None:
    storage = LocalStorage(tmp_path)
    assert not valid_key(key)
    assert await storage.size(key) is None
    with pytest.raises(ValueError, match="not a media key"):
        await storage.open_writer(key)
