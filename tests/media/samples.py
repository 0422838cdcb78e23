"""Small real files, crafted byte by byte: the starts of MP4 and WebM videos, and images from Pillow."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

# An ISO-BMFF "ftyp" box (size 24, brand mp42, compatible mp42 and isom), then an empty "free" box.
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"
# An EBML header: version 1, read version 1, max id length 4, max size length 8, DocType "webm",
# DocType version 4, DocType read version 2; then the start of a Segment of unknown size.
WEBM_HEAD = (
    b"\x1a\x45\xdf\xa3\x9f"
    b"\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
    b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02"
    b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff"
)
MATROSKA_HEAD = WEBM_HEAD.replace(b"\x42\x82\x84webm", b"\x42\x82\x88matroska").replace(b"\x9f", b"\xa3", 1)


def mp4(size: int) -> bytes:
    return MP4_HEAD + b"\x00" * (size - len(MP4_HEAD))


def webm(size: int) -> bytes:
    return WEBM_HEAD + b"\x00" * (size - len(WEBM_HEAD))


def image(fmt: str = "PNG", size: tuple[int, int] = (64, 36)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header claims other dimensions (with a correct checksum): what a decompression bomb
    looks like to a reader of headers."""
    data = bytearray(image("PNG", (1, 1)))
    ihdr = 8  # after the signature: length (4), "IHDR" (4), width (4), height (4) ...
    struct.pack_into(">II", data, ihdr + 8, width, height)
    chunk = bytes(data[ihdr + 4 : ihdr + 8 + 13])
    struct.pack_into(">I", data, ihdr + 8 + 13, zlib.crc32(chunk))
    return bytes(data)
