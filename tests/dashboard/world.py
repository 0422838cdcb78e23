"""A small fair inserted row by row, with times chosen so that every figure can be computed by hand.

Event time is Europe/Paris (UTC+2 in September). The programme is the shared one of tests/conftest.py:
welding 22 Sept 10:00-11:00, pitch 22 Sept 14:00-15:00, tomography 23 Sept 09:00-10:00 (cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import (
    B2BProfile,
    ChatMessage,
    Company,
    Lead,
    LoginSession,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Question,
    RoomVisit,
    User,
    Video,
    VideoView,
)
from tests.conftest import paris

DAY1 = date(2020, 9, 22)
DAY2 = date(2020, 9, 23)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of September 2020, event time."""
    return paris(date(2020, 9, day), hour, minute)


@dataclass
class World:
    users: list[User]
    sessions: dict[str, int]
    companies: dict[str, int]
    profiles: list[int]


def _user(index: int, created_at: datetime) -> User:
    return User(
        email=f"u{index}@fair.example",
        name=f"User {index}",
        company_name="ACME",
        country="FR",
        password_hash="x",
        terms_accepted_at=created_at,
        created_at=created_at,
    )


async def build_world(sessionmaker: async_sessionmaker[AsyncSession], programme: dict[str, Any]) -> World:
    welding, pitch, tomography = (programme[name].id for name in ("welding", "pitch", "tomography"))
    async with sessionmaker() as db, db.begin():
        # Registrations. 21 Sept 00:30 in Paris is still 20 Sept in UTC: it counts on the 21st.
        users = [
            _user(1, at(21, 0, 30)),
            _user(2, at(21, 10)),
            _user(3, at(22, 9)),
            _user(4, at(22, 23, 59)),
            _user(5, at(24, 8)),
        ]
        db.add_all(users)
        await db.flush()
        u1, u2, u3, u4, u5 = (user.id for user in users)

        # Stays in the welding room (10:00-11:00): five people, at most three at once. u1 has two tabs,
        # u2 reconnects at 10:30 (leaves and comes back in the same instant), u3's stay was never closed.
        stays = [
            (welding, u1, at(22, 9, 55), at(22, 10, 30)),
            (welding, u1, at(22, 10, 20), at(22, 10, 40)),
            (welding, u2, at(22, 10), at(22, 10, 30)),
            (welding, u2, at(22, 10, 30), at(22, 10, 50)),
            (welding, u3, at(22, 10, 10), None),
            (welding, u4, at(22, 10, 45), at(22, 10, 50)),
            # u5 opened and closed the room in the same instant, at the peak: a viewer, never in the peak.
            (welding, u5, at(22, 10, 20), at(22, 10, 20)),
            # Pitch (14:00-15:00): u5 still there; u1 for ten minutes; u2 opened the room after the end.
            (pitch, u5, at(22, 14), None),
            (pitch, u1, at(22, 14, 10), at(22, 14, 20)),
            (pitch, u2, at(22, 15, 30), None),
            # The cancelled session is not shown.
            (tomography, u1, at(23, 9), at(23, 9, 30)),
        ]
        db.add_all(
            RoomVisit(session_id=s, user_id=u, joined_at=joined, left_at=left) for s, u, joined, left in stays
        )

        chat = [
            (welding, u1, at(22, 10, 5), False),
            (welding, u2, at(22, 10, 15), False),
            (welding, u3, at(22, 10, 15), True),  # removed by a moderator
            (welding, u4, at(22, 10, 59), False),
            (pitch, u5, at(22, 14, 5), False),
        ]
        db.add_all(
            ChatMessage(session_id=s, user_id=u, body="Bonjour", created_at=t, is_deleted=d)
            for s, u, t, d in chat
        )
        questions = [
            (welding, u1, at(22, 10, 20), "approved"),
            (welding, u2, at(22, 10, 25), "dismissed"),
            (pitch, u3, at(22, 14, 10), "pending"),
        ]
        db.add_all(
            Question(session_id=s, user_id=u, body="Pourquoi ?", status=status, created_at=t)
            for s, u, t, status in questions
        )

        # Exhibitors: Alpha has two videos, Beta one, Gamma none.
        alpha = Company(name="Alpha Laser", country="FR", is_exhibitor=True)
        beta = Company(name="Beta Métrologie", country="FR", is_exhibitor=True)
        gamma = Company(name="Gamma Nano", country="FR", is_exhibitor=True)
        db.add_all([alpha, beta, gamma])
        await db.flush()
        videos = [
            Video(company_id=alpha.id, title="A1", source="youtube", is_published=True),
            Video(company_id=alpha.id, title="A2", source="youtube", is_published=True),
            Video(company_id=beta.id, title="B1", source="youtube", is_published=True),
        ]
        db.add_all(videos)
        await db.flush()
        a1, a2, b1 = (video.id for video in videos)
        db.add_all(
            [
                VideoView(video_id=a1, viewer_id=u1, at=at(22, 10)),
                VideoView(video_id=a1, viewer_id=u2, at=at(22, 10)),
                VideoView(video_id=a2, viewer_id=u1, at=at(23, 12)),
                VideoView(video_id=b1, viewer_id=None, at=at(22, 16)),
            ]
        )
        db.add_all(
            [
                Lead(
                    company_id=alpha.id, visitor_id=u1, name="U1", email="u1@x.example", created_at=at(22, 11)
                ),
                Lead(
                    company_id=beta.id, visitor_id=u2, name="U2", email="u2@x.example", created_at=at(23, 9)
                ),
                Lead(
                    company_id=beta.id, visitor_id=u3, name="U3", email="u3@x.example", created_at=at(23, 17)
                ),
            ]
        )

        # B2B: five profiles, p4 inactive, p5 with no meeting.
        profiles = [
            B2BProfile(user_id=user.id, role="both", is_active=index != 3) for index, user in enumerate(users)
        ]
        db.add_all(profiles)
        await db.flush()
        p1, p2, p3, _p4, p5 = (profile.id for profile in profiles)
        s1 = MeetingSlot(starts_at=at(22, 11), ends_at=at(22, 11, 20))
        s2 = MeetingSlot(starts_at=at(22, 16), ends_at=at(22, 16, 20))
        db.add_all([s1, s2])
        await db.flush()
        far = at(30, 12)

        def request(
            first: int, second: int, status: str, created: datetime, expires: datetime = far
        ) -> MeetingRequest:
            return MeetingRequest(
                requester_id=first, recipient_id=second, status=status, created_at=created, expires_at=expires
            )

        requests = [
            request(p1, p2, "accepted", at(21, 9)),
            request(p1, p3, "accepted", at(21, 9)),
            request(p2, p3, "accepted", at(21, 9)),
            request(p3, p1, "pending", at(21, 9)),
            request(p2, p1, "pending", at(21, 9), expires=at(22, 8)),  # past its expiry at noon on the 22nd
            request(p5, p1, "declined", at(21, 9)),
            request(p5, p2, "awaiting_approval", at(24, 9)),
        ]
        db.add_all(requests)
        await db.flush()
        db.add_all(
            [
                Meeting(request_id=requests[0].id, first_id=p1, second_id=p2, slot_id=s1.id),
                Meeting(request_id=requests[1].id, first_id=p1, second_id=p3, slot_id=s2.id),
                Meeting(
                    request_id=requests[2].id, first_id=p2, second_id=p3, slot_id=s1.id, status="cancelled"
                ),
            ]
        )

        # Login sessions for the live tile (seen at 10:32 and 10:31, and 10:20: too long ago at 10:35).
        db.add_all(
            [
                LoginSession(id="s1", user_id=u1, created_at=at(22, 9), last_seen_at=at(22, 10, 32)),
                LoginSession(id="s5", user_id=u5, created_at=at(22, 9), last_seen_at=at(22, 10, 31)),
                LoginSession(id="s2", user_id=u2, created_at=at(22, 9), last_seen_at=at(22, 10, 20)),
            ]
        )
    return World(
        users=users,
        sessions={"welding": welding, "pitch": pitch, "tomography": tomography},
        companies={"alpha": alpha.id, "beta": beta.id, "gamma": gamma.id},
        profiles=[profile.id for profile in profiles],
    )


def days(first: int, last: int) -> tuple[date, date]:
    return date(2020, 9, first), date(2020, 9, last)


NOON_DAY1 = at(22, 12)
ONE_HOUR = timedelta(hours=1)
