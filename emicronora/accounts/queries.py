"""Reading accounts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.emails import normalise_email
from emicronora.models import User


async def find_user_by_email(db: AsyncSession, email: str) -> User | None:
    """The account of an address, whatever its case."""
    return await db.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


async def account(db: AsyncSession, user_id: int) -> User:
    """The user as stored now (the request's copy may be older than a change just made)."""
    return await db.get_one(User, user_id)
