"""An export as CSV: its rows read from the database in batches (through a server-side cursor where the
back-end has one) and written by the one CSV writer (emicronora.spreadsheets: BOM, formula-safe cells)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.exports.tables import Context, Export, Row
from emicronora.periods import Period
from emicronora.spreadsheets import Line, aiter_csv, encode_lines

BATCH_ROWS = 250


def encode_rows(export: Export, rows: Sequence[Row], ctx: Context) -> bytes:
    return encode_lines(export.line(row, ctx) for row in rows)


async def row_batches(
    db: AsyncSession, export: Export, period: Period, now: datetime
) -> AsyncIterator[Sequence[Row]]:
    """The export's rows in batches, read through a server-side cursor where the back-end has one."""
    result = await db.stream(export.query(period, now).execution_options(yield_per=BATCH_ROWS))
    async for batch in result.partitions(BATCH_ROWS):
        yield batch


async def lines(
    sessionmaker: async_sessionmaker[AsyncSession], export: Export, period: Period, ctx: Context
) -> AsyncIterator[list[Line]]:
    """The export's CSV lines in batches, read as they are sent (a direct download)."""
    now = datetime.now(UTC)
    async with sessionmaker() as db:
        ctx = await export.context(db, period, now, ctx)
        async for batch in row_batches(db, export, period, now):
            yield [export.line(row, ctx) for row in batch]


def stream(
    sessionmaker: async_sessionmaker[AsyncSession], export: Export, period: Period, ctx: Context
) -> AsyncIterator[bytes]:
    """The whole file, chunk by chunk, for a direct download (small exports)."""
    return aiter_csv(export.columns, lines(sessionmaker, export, period, ctx))
