"""CSV for spreadsheet apps, the one writer of every CSV the platform makes: UTF-8 with a BOM (so that
French accents open right), every cell formula-safe (CSV injection), written row by row so that a large
file streams instead of being built in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Sequence

BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
# What makes a spreadsheet app read a cell as a formula (with the full-width signs some apps accept too), and
# what it skips before reading one: blanks and quotes (OWASP's CSV injection advice).
FORMULA_SIGNS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
SKIPPED_BEFORE_FORMULA = " \t\r\n\x00\x0b\x0c\xa0\u3000'\"`"
CONTROL_STARTS = ("\t", "\r", "\n", "\x00")

Cell = str | int | float | None
Line = Sequence[Cell]


def safe_cell(value: str) -> str:
    """Spreadsheet apps run a cell that starts with a formula sign (CSV injection), even behind blanks or
    quotes: such a cell, and one that starts with a control character, is quoted."""
    if value.startswith(CONTROL_STARTS) or value.lstrip(SKIPPED_BEFORE_FORMULA).startswith(FORMULA_SIGNS):
        return "'" + value
    return value


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    # Numbers are written as numbers: a negative one is data, not a formula.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return safe_cell(str(value))


def encode_lines(lines: Iterable[Line]) -> bytes:
    """CSV lines (no BOM) as UTF-8 bytes."""
    text = io.StringIO()
    writer = csv.writer(text)
    for line in lines:
        writer.writerow([_cell(cell) for cell in line])
    return text.getvalue().encode("utf-8")


def header(columns: Line) -> bytes:
    """The start of a file: the BOM and the column names."""
    return BOM.encode("utf-8") + encode_lines([columns])


def csv_bytes(columns: Line, rows: Iterable[Line]) -> bytes:
    """A whole (small) file."""
    return header(columns) + encode_lines(rows)


def iter_csv(columns: Line, rows: Iterable[Line], batch: int = 250) -> Iterator[bytes]:
    """A file in chunks of `batch` rows."""
    yield header(columns)
    chunk: list[Line] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            yield encode_lines(chunk)
            chunk = []
    if chunk:
        yield encode_lines(chunk)


async def aiter_csv(columns: Line, batches: AsyncIterable[Iterable[Line]]) -> AsyncIterator[bytes]:
    """A file from batches of rows read from the database as it is sent."""
    yield header(columns)
    async for rows in batches:
        yield encode_lines(rows)
