"""The themed programme: days, themes, sessions (webinars and pitch sessions), speakers, personal stars."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emicronora.models.base import Base, UTCDateTime, utcnow

SESSION_KINDS = ("webinar", "pitch")

session_speakers = Table(
    "session_speakers",
    Base.metadata,
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_fr


class Day(Base):
    __tablename__ = "days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    date: Mapped[date] = mapped_column(Date, unique=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    theme: Mapped[Theme] = relationship(lazy="joined")


class Speaker(Base):
    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Session(Base):
    """A webinar or a pitch session. `sequence` is stored and bumped whenever its time, place or status
    changes, so that calendar feeds tell calendar apps to update their copy."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default="webinar")
    title: Mapped[str] = mapped_column(String(200))
    abstract: Mapped[str] = mapped_column(Text, default="")
    day_id: Mapped[int] = mapped_column(ForeignKey("days.id", ondelete="RESTRICT"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Where the live stream and, afterwards, the replay are: a YouTube, Vimeo, Dailymotion or Jitsi address.
    stream_url: Mapped[str] = mapped_column(String(500), default="")
    replay_url: Mapped[str] = mapped_column(String(500), default="")
    # Pitch sessions are cut into slots of this many minutes.
    slot_minutes: Mapped[int] = mapped_column(Integer, default=7)
    position: Mapped[int] = mapped_column(Integer, default=0)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    day: Mapped[Day] = relationship(lazy="joined")
    theme: Mapped[Theme] = relationship(lazy="joined")
    speakers: Mapped[list[Speaker]] = relationship(
        secondary=session_speakers, lazy="selectin", order_by=Speaker.position
    )


class Star(Base):
    """A session a user put in their personal agenda ("Mon programme")."""

    __tablename__ = "stars"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
