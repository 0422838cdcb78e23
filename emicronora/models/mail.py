"""E-mail: the outbox that a background task delivers with retries, and single-use account tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emicronora.models.base import Base, UTCDateTime, utcnow

# Every kind of message. A user can turn off the kinds of mail.compose.KIND_LABELS; account confirmation,
# password reset, the notice of a password change and the answer to a registration of a known address are
# always sent (mail.compose.ALWAYS_SENT).
EMAIL_KINDS = (
    "confirm_account",
    "password_reset",
    "password_changed",
    "account_exists",
    "meeting_request_received",
    "meeting_request_accepted",
    "meeting_request_declined",
    "schedule_published",
    "session_starting",
    "pitch_accepted",
    "pitch_rejected",
)
OUTBOX_STATUSES = ("pending", "sent", "failed", "bounced")


class OutboxEmail(Base):
    """A message written in the same transaction as what caused it, then delivered by the mail worker: a slow
    or absent mail server never slows a page, and a failed delivery is retried, not lost."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    # [{"filename": ..., "content_type": ..., "content": text}], e.g. the agenda as text/calendar.
    attachments: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Makes a reminder or a notification idempotent: a second message with the same key is not queued.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class EmailToken(Base):
    """A link sent by e-mail (account confirmation, password reset): the link carries a random secret, the
    table its SHA-256; it expires and works once."""

    __tablename__ = "email_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
