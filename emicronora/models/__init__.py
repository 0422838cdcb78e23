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
from emicronora.models.media import MEDIA_KINDS, MediaFile
from emicronora.models.pitches import PROPOSAL_STATUSES, PitchCall, PitchProposal, PitchSlot
from emicronora.models.programme import SESSION_KINDS, Day, Session, Speaker, Star, Theme, session_speakers
from emicronora.models.showroom import VIDEO_SOURCES, Innovation, Lead, TeamInvitation, Video

__all__ = [
    "MEDIA_KINDS",
    "PROPOSAL_STATUSES",
    "QUESTION_STATUSES",
    "SESSION_KINDS",
    "VIDEO_SOURCES",
    "Announcement",
    "Base",
    "CalendarFeed",
    "ChatMessage",
    "Company",
    "Day",
    "Innovation",
    "Lead",
    "LoginAttempt",
    "LoginSession",
    "MediaFile",
    "Mute",
    "PitchCall",
    "PitchProposal",
    "PitchSlot",
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
    "TeamInvitation",
    "Theme",
    "User",
    "Video",
    "session_speakers",
    "utcnow",
]
