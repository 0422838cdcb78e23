"""Typed SQLAlchemy models, one module per area. Importing this package registers every table."""

from emicronora.models.accounts import Company, LoginAttempt, LoginSession, User
from emicronora.models.base import Base, utcnow
from emicronora.models.calendar import CalendarFeed
from emicronora.models.live import (
    QUESTION_STATUSES,
    Announcement,
    ChatMessage,
    Mute,
    Poll,
    PollVote,
    Question,
    QuestionVote,
    Room,
    RoomEvent,
    SessionModerator,
)
from emicronora.models.programme import SESSION_KINDS, Day, Session, Speaker, Star, Theme, session_speakers

__all__ = [
    "QUESTION_STATUSES",
    "SESSION_KINDS",
    "Announcement",
    "Base",
    "CalendarFeed",
    "ChatMessage",
    "Company",
    "Day",
    "LoginAttempt",
    "LoginSession",
    "Mute",
    "Poll",
    "PollVote",
    "Question",
    "QuestionVote",
    "Room",
    "RoomEvent",
    "Session",
    "SessionModerator",
    "Speaker",
    "Star",
    "Theme",
    "User",
    "session_speakers",
    "utcnow",
]
