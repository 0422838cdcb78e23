"""Pitch proposals, the calls for them, and the scheduled pitch slots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emicronora.models.base import Base, UTCDateTime, utcnow

PROPOSAL_STATUSES = ("submitted", "accepted", "rejected")


class PitchCall(Base):
    """Whether proposals are open for a theme."""

    __tablename__ = "pitch_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), unique=True)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)


class PitchProposal(Base):
    __tablename__ = "pitch_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    speaker_name: Mapped[str] = mapped_column(String(120))
    # The speaker's own webinars must not overlap the pitch, when the speaker is a programme speaker.
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("speakers.id", ondelete="SET NULL"), default=None
    )
    video_id: Mapped[int | None] = mapped_column(ForeignKey("videos.id", ondelete="SET NULL"), default=None)
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    review_message: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PitchSlot(Base):
    """A pitch's place in a pitch session. Like a session, it has a stable identity and a stored `sequence`
    bumped when its time or status changes, so that the company's calendar feed stays right."""

    __tablename__ = "pitch_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("pitch_proposals.id", ondelete="CASCADE"), unique=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
