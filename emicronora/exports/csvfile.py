"""CSV text for spreadsheet apps: UTF-8 with a BOM so that French accents open right, every cell passed
through the formula-safe helper (CSV injection), and rows streamed from the database in batches."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.exports.period import Period
from emicronora.exports.tables import Context, Export, Row
from emicronora.spreadsheets import safe_cell

BOM = "\ufeff"
BATCH_ROWS = 250
CSV_TYPE = "text/csv; charset=utf-8"


def encode_lines(lines: Iterable[Sequence[object]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    for line in lines:
        writer.writerow([safe_cell("" if cell is None else str(cell)) for cell in line])
    return text.getvalue().encode("utf-8")


def header(export: Export) -> bytes:
    return BOM.encode("utf-8") + encode_lines([export.columns])


def encode_rows(export: Export, rows: Sequence[Row], ctx: Context) -> bytes:
    return encode_lines(export.line(row, ctx) for row in rows)


async def row_batches(
    db: AsyncSession, export: Export, period: Period, now: datetime
) -> AsyncIterator[Sequence[Row]]:
    """The export's rows in batches, read through a server-side cursor where the back-end has one."""
    result = await db.stream(export.query(period, now).execution_options(yield_per=BATCH_ROWS))
    async for batch in result.partitions(BATCH_ROWS):
        yield batch


async def stream(
    sessionmaker: async_sessionmaker[AsyncSession], export: Export, period: Period, ctx: Context
) -> AsyncIterator[bytes]:
    """The whole file, chunk by chunk, for a direct download (small exports)."""
    yield header(export)
    now = datetime.now(UTC)
    async with sessionmaker() as db:
        ctx = await export.context(db, period, now, ctx)
        async for batch in row_batches(db, export, period, now):
            yield encode_rows(export, batch, ctx)
