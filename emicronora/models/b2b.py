"""The B2B brokerage event: participant profiles, cooperation items, requests, meeting slots and meetings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from emicronora.models.base import Base, UTCDateTime, utcnow

B2B_ROLES = ("buyer", "supplier", "both")
ITEM_KINDS = ("offer", "need")
REQUEST_STATUSES = ("pending", "awaiting_approval", "accepted", "declined", "expired", "withdrawn")
MEETING_STATUSES = ("scheduled", "cancelled")


class B2BSettings(Base):
    """The organiser's rules for the brokerage event (one row)."""

    __tablename__ = "b2b_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # True: participants book the first common free slot themselves; False: the organiser runs the engine.
    self_booking: Mapped[bool] = mapped_column(Boolean, default=False)
    max_pending_requests: Mapped[int] = mapped_column(Integer, default=20)
    request_expiry_hours: Mapped[int] = mapped_column(Integer, default=72)
    # Tables or virtual rooms per slot; 0 means unlimited (online meetings).
    tables: Mapped[int] = mapped_column(Integer, default=0)


class B2BProfile(Base):
    __tablename__ = "b2b_profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    headline: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    max_meetings: Mapped[int | None] = mapped_column(Integer, default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CooperationItem(Base):
    """An offer ("we machine micro-parts in titanium") or a need ("looking for a laser-welding partner")."""

    __tablename__ = "cooperation_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(6))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)


class MeetingSlot(Base):
    __tablename__ = "meeting_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Unavailability(Base):
    __tablename__ = "unavailabilities"
    __table_args__ = (UniqueConstraint("profile_id", "slot_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"))


class MeetingRequest(Base):
    __tablename__ = "meeting_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Meeting(Base):
    """An accepted request, placed (or not yet) in a slot. Like a session, its identity is stable and its
    `sequence` is bumped when its slot or status changes, so calendar feeds update."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_requests.id", ondelete="CASCADE"), unique=True
    )
    first_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_slots.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    is_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    room_url: Mapped[str] = mapped_column(String(300), default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ParticipantSlot(Base):
    """A participant busy in a slot with a meeting. The unique pair is what makes booking atomic: of many
    simultaneous bookings of one participant's slot, the database lets exactly one insert win."""

    __tablename__ = "participant_slots"
    __table_args__ = (UniqueConstraint("profile_id", "slot_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("b2b_profiles.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("meeting_slots.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)


class SolveRun(Base):
    """One run of the meeting scheduler: its progress for the organiser's progress bar, and its result."""

    __tablename__ = "solve_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="running")
    only_unscheduled: Mapped[bool] = mapped_column(Boolean, default=True)
    progress: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
