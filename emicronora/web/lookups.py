"""Fetching one row by id for a handler: an unknown id is a 404."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.exceptions import HTTPException

T = TypeVar("T")


async def get_or_404(db: AsyncSession, model: type[T], identifier: int) -> T:
    found = await db.get(model, identifier)
    if found is None:
        raise HTTPException(404)
    return found


def found_or_404(value: T | None) -> T:
    """`value`, or 404 when a query found nothing (or found something the user may not know exists)."""
    if value is None:
        raise HTTPException(404)
    return value
