"""People, their companies and their login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emicronora.models.base import Base, UTCDateTime, utcnow


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # The showroom's address: /exhibitors/<slug>.
    slug: Mapped[str | None] = mapped_column(String(80), unique=True, default=None)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    tagline: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # What the company is (laser, metrology, aeronautics ...).
    sector: Mapped[str] = mapped_column(String(60), default="")
    # The showroom's themes (theme slugs) and the sectors it serves (sector slugs).
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    sectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    logo_id: Mapped[int | None] = mapped_column(
        # use_alter: companies and media_files refer to each other; the constraint is added after both exist.
        ForeignKey("media_files.id", ondelete="SET NULL", use_alter=True),
        default=None,
    )
    # A showroom is public once an organiser has approved it.
    is_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    is_exhibitor: Mapped[bool] = mapped_column(Boolean, default=False)
    # "buyer", "supplier", "both" or "" (not in the B2B event); the profiles come with the B2B area.
    b2b_role: Mapped[str] = mapped_column(String(10), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="company")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    company_name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True, default=None
    )
    password_hash: Mapped[str] = mapped_column(String(200))
    is_organiser: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str] = mapped_column(String(5), default="")
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Set when the mail server refused the address for good: no more mail is sent to it until it changes.
    email_bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Kinds of e-mail (models.mail.EMAIL_KINDS) the user turned off.
    email_opt_outs: Mapped[list[str]] = mapped_column(JSON, default=list)

    company: Mapped[Company | None] = relationship(back_populates="members", lazy="joined")

    @property
    def is_exhibitor(self) -> bool:
        return self.company is not None and self.company.is_exhibitor

    @property
    def is_b2b_participant(self) -> bool:
        return self.company is not None and self.company.b2b_role != ""

    @property
    def roles(self) -> list[str]:
        roles = ["attendee"]
        if self.is_exhibitor:
            roles.append("exhibitor")
        if self.is_b2b_participant:
            roles.append("b2b")
        if self.is_organiser:
            roles.append("organiser")
        return roles


class LoginSession(Base):
    """A server-side session: the cookie holds a random token, the table only its SHA-256, so a leak of the
    table does not hand out live sessions; deleting the row ends the session everywhere at once."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class LoginAttempt(Base):
    """Recent attempts (logins, reset requests, registrations: `email` is `<kind>:<address>`, see
    accounts.ratelimit), kept in the database so that the limits hold across workers and restarts."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
