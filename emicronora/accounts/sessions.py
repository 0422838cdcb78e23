"""Server-side, revocable login sessions."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.live import rights as live_rights
from emicronora.models import LoginSession, User
from emicronora.settings import Settings

SESSION_COOKIE = "em_session"
# Writing last_seen_at on every request would turn every page view into a write; a minute is precise enough
# for a 30-minute idle timeout.
TOUCH_EVERY = timedelta(minutes=1)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_name(name: str, settings: Settings) -> str:
    """The name of a cookie that identifies the visitor. Over https it carries the `__Host-` prefix: the
    browser then keeps it only if it is Secure, for the whole site (Path=/) and set by this very host (no
    Domain), so that a sibling subdomain or a plain-http page cannot plant one (session fixation). Plain http
    (development) keeps the bare name, which browsers would refuse with the prefix."""
    return f"__Host-{name}" if settings.https else name


def session_cookie(token: str, settings: Settings) -> str:
    cookie = f"{cookie_name(SESSION_COOKIE, settings)}={token}; Path=/; HttpOnly; SameSite=Lax"
    if settings.https:
        cookie += "; Secure"
    return cookie


def expired_cookie(settings: Settings) -> str:
    cookie = f"{cookie_name(SESSION_COOKIE, settings)}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    if settings.https:
        cookie += "; Secure"
    return cookie


async def open_session(db: AsyncSession, user: User, ip: str, user_agent: str, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    db.add(
        LoginSession(
            id=token_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            ip=ip[:45],
            user_agent=user_agent[:300],
        )
    )
    await db.flush()
    return token


def _expired(login: LoginSession, user: User, settings: Settings, now: datetime) -> bool:
    if now - login.created_at > timedelta(hours=settings.session_absolute_hours):
        return True
    idle = settings.session_idle_minutes_organiser if user.is_organiser else settings.session_idle_minutes
    return now - login.last_seen_at > timedelta(minutes=idle)


async def resolve(
    sessionmaker: async_sessionmaker[AsyncSession],
    token: str,
    settings: Settings,
    now: datetime,
    *,
    touch: bool = True,
) -> tuple[User, LoginSession] | None:
    """The user behind a session cookie, or None when the session is unknown, expired or the user disabled.
    `touch=False` checks the timeouts without counting the request as activity (see VisitorMiddleware)."""
    if len(token) > 100:
        return None
    digest = token_digest(token)
    async with sessionmaker() as db, db.begin():
        row = (
            await db.execute(
                select(LoginSession, User)
                .join(User, User.id == LoginSession.user_id)
                .where(LoginSession.id == digest)
            )
        ).first()
        if row is None:
            return None
        login, user = row
        if not user.is_active or _expired(login, user, settings, now):
            await db.delete(login)
            return None
        if touch and now - login.last_seen_at > TOUCH_EVERY:
            login.last_seen_at = now
        return user, login


async def close_session(db: AsyncSession, session_id: str) -> None:
    """Ends one login session; once committed, the live-room sockets it opened close too."""
    closed = await db.execute(
        delete(LoginSession).where(LoginSession.id == session_id).returning(LoginSession.user_id)
    )
    for user_id in closed.scalars():
        live_rights.user_changed(db, user_id)


async def close_all_sessions(db: AsyncSession, user_id: int) -> None:
    await db.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
    live_rights.user_changed(db, user_id)
