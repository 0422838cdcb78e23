"""Login throttling per account and per IP address, counted in the database so that all workers agree."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import LoginAttempt
from emicronora.settings import Settings


async def login_blocked(db: AsyncSession, email: str, ip: str, settings: Settings, now: datetime) -> bool:
    since = now - timedelta(minutes=settings.login_window_minutes)
    by_account, by_ip = (
        await db.execute(
            select(
                func.count().filter(LoginAttempt.email == email),
                func.count().filter(LoginAttempt.ip == ip),
            ).where(LoginAttempt.at >= since, or_(LoginAttempt.email == email, LoginAttempt.ip == ip))
        )
    ).one()
    return (
        by_account >= settings.login_max_failures_per_account or by_ip >= settings.login_max_failures_per_ip
    )


async def record_failure(db: AsyncSession, email: str, ip: str, now: datetime) -> None:
    db.add(LoginAttempt(email=email, ip=ip[:45], at=now))


async def forget_failures(db: AsyncSession, email: str, now: datetime, settings: Settings) -> None:
    # Also prunes old rows so that the table stays small.
    old = now - timedelta(minutes=settings.login_window_minutes)
    await db.execute(delete(LoginAttempt).where(or_(LoginAttempt.email == email, LoginAttempt.at < old)))
