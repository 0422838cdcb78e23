"""One page of a query's rows, with the numbers a page list shows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
# A select of any number of columns (SQLAlchemy 2.1 types a select by its columns).
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def beyond_end(self) -> bool:
        """A page number past the last page (page 1 of an empty list is not)."""
        return self.number > self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


async def count_rows(db: AsyncSession, statement: AnySelect) -> int:
    """How many rows `statement` gives, without its ordering, counted by the database."""
    counted = statement.order_by(None).subquery()
    return await db.scalar(select(func.count()).select_from(counted)) or 0


async def paginate(db: AsyncSession, statement: Select[T], number: int, size: int) -> Page[T]:
    """Page `number` (from 1) of `statement`'s first column, `size` items a page; `statement` must be ordered
    so that the pages neither overlap nor skip a row."""
    total = await count_rows(db, statement)
    rows = await db.scalars(statement.offset((number - 1) * size).limit(size))
    return Page(items=list(rows.unique().all()), total=total, number=number, size=size)


async def paginate_rows(db: AsyncSession, statement: AnySelect, number: int, size: int) -> Page[Any]:
    """As `paginate`, for a statement of several columns: each item is a whole row (a tuple)."""
    total = await count_rows(db, statement)
    result = await db.execute(statement.offset((number - 1) * size).limit(size))
    return Page(items=[tuple(row) for row in result.unique().all()], total=total, number=number, size=size)
