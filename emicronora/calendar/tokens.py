"""Secret personal-feed URLs that work without a login cookie and can be revoked at once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.calendar import queries
from emicronora.models import CalendarFeed, User
from emicronora.settings import Settings

MAX_TOKEN_LENGTH = 64


def _token(settings: Settings, user_id: int, nonce: str) -> str:
    mac = hmac.new(settings.secret_key.encode(), f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def feed_token(db: AsyncSession, user: User, settings: Settings) -> str:
    """The user's current feed token, created on first use."""
    feed = await queries.feed_of_user(db, user.id)
    if feed is None:
        return await replace_feed_token(db, user, settings)
    return _token(settings, user.id, feed.nonce)


async def replace_feed_token(db: AsyncSession, user: User, settings: Settings) -> str:
    """Revokes the current URL (it answers 404 from now on) and returns the new token."""
    nonce = secrets.token_urlsafe(24)
    token = _token(settings, user.id, nonce)
    feed = await queries.feed_of_user(db, user.id)
    if feed is None:
        db.add(CalendarFeed(user_id=user.id, nonce=nonce, token_digest=_digest(token)))
    else:
        feed.nonce = nonce
        feed.token_digest = _digest(token)
    await db.flush()
    return token


async def user_for_token(db: AsyncSession, token: str) -> User | None:
    """The active user a feed token belongs to; None for an unknown, revoked or malformed token."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    user = await queries.user_of_feed(db, _digest(token))
    return user if user is not None and user.is_active else None
