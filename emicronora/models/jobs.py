"""The durable jobs of the worker processes: one row per piece of background work (a mail to send, an export
to build, a solve, a periodic round), claimed by one worker at a time under a lease."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from emicronora.models.base import Base, UTCDateTime, utcnow

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
# The states in which a job holds its `active_key`.
ACTIVE_CONDITION = "status IN ('queued', 'running')"


class Job(Base):
    __tablename__ = "jobs"
    # The claim: the oldest due job of a queue; the health check: the oldest queued job.
    # One queued or running job per active key: the database refuses a second one, whichever web worker asks.
    __table_args__ = (
        Index("ix_jobs_claim", "status", "queue", "run_after"),
        Index(
            "uq_jobs_active_key",
            "active_key",
            unique=True,
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(80), index=True)
    queue: Mapped[str] = mapped_column(String(40), default="default")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Idempotency: a second job of the same key is never queued (a mail sent once, a period run once).
    key: Mapped[str | None] = mapped_column(String(200), unique=True, default=None)
    # Work of which one at a time may wait or run (a B2B solve, a pitch schedule): the key is held while the
    # job is queued or running, and free again once it has ended, however it ended.
    active_key: Mapped[str | None] = mapped_column(String(200), default=None)
    locked_by: Mapped[str] = mapped_column(String(120), default="")
    # A running job whose lease has passed lost its worker (killed): another worker takes it up again.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_text: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    # What a finished job hands back to the page that queued it (the pitch schedule's summary), written in the
    # handler's own transaction.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
