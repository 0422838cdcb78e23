"""Single-use links sent by e-mail: the link carries a random secret, the table only its SHA-256, so that a
leak of the table hands out no working link. Each expires, and works once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import EmailToken, User

LIFETIMES = {"confirm": timedelta(hours=48), "reset": timedelta(hours=1)}
MAX_SECRET = 100


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue(db: AsyncSession, user: User, purpose: str, now: datetime) -> str:
    secret = secrets.token_urlsafe(32)
    db.add(
        EmailToken(
            user_id=user.id,
            purpose=purpose,
            digest=digest(secret),
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
        )
    )
    await db.flush()
    return secret


def _valid(secret: str, purpose: str, now: datetime) -> list[ColumnElement[bool]]:
    return [
        EmailToken.digest == digest(secret),
        EmailToken.purpose == purpose,
        EmailToken.used_at.is_(None),
        EmailToken.expires_at > now,
    ]


async def peek(db: AsyncSession, secret: str, purpose: str, now: datetime) -> User | None:
    """The active user a valid link belongs to, without using the link (the page that shows a form)."""
    if not secret or len(secret) > MAX_SECRET:
        return None
    return await db.scalar(
        select(User)
        .join(EmailToken, EmailToken.user_id == User.id)
        .where(*_valid(secret, purpose, now), User.is_active.is_(True))
    )


async def redeem(db: AsyncSession, secret: str, purpose: str, now: datetime) -> User | None:
    """Uses the link: a conditional UPDATE, so that of two clicks at the same moment only one succeeds."""
    if not secret or len(secret) > MAX_SECRET:
        return None
    user_id = await db.scalar(
        update(EmailToken)
        .where(*_valid(secret, purpose, now))
        .values(used_at=now)
        .returning(EmailToken.user_id)
        .execution_options(synchronize_session=False)
    )
    if user_id is None:
        return None
    user = await db.get(User, user_id)
    return user if user is not None and user.is_active else None


async def revoke_all(db: AsyncSession, user_id: int, purpose: str, now: datetime) -> None:
    await db.execute(
        update(EmailToken)
        .where(EmailToken.user_id == user_id, EmailToken.purpose == purpose, EmailToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


async def issued_since(db: AsyncSession, user_id: int, purpose: str, since: datetime) -> int:
    count = await db.scalar(
        select(func.count())
        .select_from(EmailToken)
        .where(EmailToken.user_id == user_id, EmailToken.purpose == purpose, EmailToken.created_at >= since)
    )
    return count or 0
