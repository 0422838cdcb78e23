"""Throttles for logins, password-reset requests and registrations, counted in the database so that all
workers agree.

An attempt is recorded before the work it guards (a password check, a message) and counted in the same
transaction, which no other attempt on the same account or from the same address can interleave with:
SQLite lets one writer in at a time (the insert comes first, so the transaction holds the write lock while
it counts), and PostgreSQL takes transaction-level advisory locks, per account and then per address, before
inserting. However many guesses arrive at once, no more than the limit's worth get through. An attempt that
is refused is not recorded (its transaction rolls back): someone who keeps trying stays paused no longer.

Each kind has its own budget (rows `<kind>:<subject>`): asking for reset links never uses up logins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import LoginAttempt
from emicronora.settings import Settings

LOGIN = "login"
RESET = "reset"
REGISTER = "register"
# Reset requests from one connection: a flood of them is slowed across workers and restarts.
MAX_RESETS_PER_IP = 10
MAX_KEY = 254
MAX_IP = 45
# PostgreSQL advisory lock classes: the account's or e-mail address's lock is always taken before the
# connection's, so that two attempts never wait for each other in a cycle.
_SUBJECT_LOCK = 1
_IP_LOCK = 2


class Throttled(Exception):
    """Too many recent attempts of this kind on this account or from this address."""


@dataclass(frozen=True)
class Budget:
    kind: str
    # The account's address, or "" when only the connection is counted.
    subject: str
    ip: str
    per_subject: int | None
    per_ip: int
    window: timedelta

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"[:MAX_KEY]


def login_budget(email: str, ip: str, settings: Settings) -> Budget:
    return Budget(
        LOGIN,
        email,
        ip[:MAX_IP],
        settings.login_max_failures_per_account,
        settings.login_max_failures_per_ip,
        timedelta(minutes=settings.login_window_minutes),
    )


def reset_budget(ip: str, settings: Settings) -> Budget:
    return Budget(
        RESET, "", ip[:MAX_IP], None, MAX_RESETS_PER_IP, timedelta(minutes=settings.login_window_minutes)
    )


def registration_budget(email: str, ip: str, settings: Settings) -> Budget:
    return Budget(
        REGISTER,
        email,
        ip[:MAX_IP],
        settings.registration_max_per_address,
        settings.registration_max_per_ip,
        timedelta(minutes=settings.registration_window_minutes),
    )


async def take(db: AsyncSession, budget: Budget, now: datetime) -> None:
    """Records one attempt in the caller's transaction; raises Throttled when it goes past a limit (the
    caller's transaction must then roll back, which forgets the attempt)."""
    if db.get_bind().dialect.name == "postgresql":
        if budget.per_subject is not None:
            await db.execute(select(func.pg_advisory_xact_lock(_SUBJECT_LOCK, func.hashtext(budget.key))))
        ip_key = f"{budget.kind}@{budget.ip}"
        await db.execute(select(func.pg_advisory_xact_lock(_IP_LOCK, func.hashtext(ip_key))))
    db.add(LoginAttempt(email=budget.key, ip=budget.ip, at=now))
    await db.flush()
    by_subject, by_ip = (
        await db.execute(
            select(
                func.count().filter(LoginAttempt.email == budget.key),
                func.count().filter(LoginAttempt.ip == budget.ip),
            ).where(
                LoginAttempt.at >= now - budget.window,
                LoginAttempt.email.startswith(f"{budget.kind}:"),
                or_(LoginAttempt.email == budget.key, LoginAttempt.ip == budget.ip),
            )
        )
    ).one()
    if by_ip > budget.per_ip or (budget.per_subject is not None and by_subject > budget.per_subject):
        raise Throttled()


async def take_apart(sessionmaker: async_sessionmaker[AsyncSession], budget: Budget, now: datetime) -> None:
    """`take` in a transaction of its own, committed before the guarded work starts: other workers count
    this attempt while its password is being checked, and nothing is held locked meanwhile."""
    async with sessionmaker() as db, db.begin():
        await take(db, budget, now)


async def forget_login_failures(db: AsyncSession, email: str, now: datetime, settings: Settings) -> None:
    """After a successful login or a new password: the account's attempts no longer count, for the account
    nor for the addresses they came from. Also prunes old rows so that the table stays small."""
    longest = max(settings.login_window_minutes, settings.registration_window_minutes)
    old = now - timedelta(minutes=longest)
    key = login_budget(email, "", settings).key
    await db.execute(delete(LoginAttempt).where(or_(LoginAttempt.email == key, LoginAttempt.at < old)))
