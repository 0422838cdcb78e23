"""Typed SQLAlchemy models, one module per area. Importing this package registers every table."""

from emicronora.models.accounts import Company, LoginAttempt, LoginSession, User
from emicronora.models.base import Base, utcnow
from emicronora.models.calendar import CalendarFeed
from emicronora.models.programme import SESSION_KINDS, Day, Session, Speaker, Star, Theme, session_speakers

__all__ = [
    "SESSION_KINDS",
    "Base",
    "CalendarFeed",
    "Company",
    "Day",
    "LoginAttempt",
    "LoginSession",
    "Session",
    "Speaker",
    "Star",
    "Theme",
    "User",
    "session_speakers",
    "utcnow",
]
