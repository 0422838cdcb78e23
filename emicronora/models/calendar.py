"""Personal calendar feeds: one secret, revocable URL per user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from emicronora.models.base import Base, UTCDateTime, utcnow


class CalendarFeed(Base):
    """The feed URL's token is derived from `nonce` with the site's secret key, so that the page can show the
    URL again while a copy of the database alone cannot rebuild it; lookups go through `token_digest`.
    Revoking replaces the nonce, and with it the token."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
