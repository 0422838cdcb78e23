"""The live tile: who is on the platform and which rooms are live, right now, from the database (so every
worker gives the same answer and a restart loses nothing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import LoginSession, RoomVisit, Session

# Login sessions record activity once a minute (accounts.sessions.TOUCH_EVERY): five minutes span a few
# touches.
ONLINE_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class LiveNow:
    online: int
    rooms_live: int
    in_rooms: int

    def as_json(self) -> dict[str, int]:
        return asdict(self)


async def live_now(db: AsyncSession, now: datetime) -> LiveNow:
    """People online (a login session seen in the last minutes, or an open stay in a room whose session has
    not ended), sessions live now (started, not ended, not cancelled), and people in their rooms."""
    in_room = (
        select(RoomVisit.user_id)
        .join(Session, Session.id == RoomVisit.session_id)
        .where(RoomVisit.left_at.is_(None), RoomVisit.joined_at <= now, Session.ends_at > now)
    )
    seen = select(LoginSession.user_id).where(LoginSession.last_seen_at >= now - ONLINE_WINDOW)
    online = select(func.count()).select_from(union(seen, in_room).subquery()).scalar_subquery()
    in_room_people = in_room.subquery()
    in_rooms = select(func.count(distinct(in_room_people.c.user_id))).scalar_subquery()
    rooms = (
        select(func.count())
        .select_from(Session)
        .where(Session.starts_at <= now, Session.ends_at > now, Session.is_cancelled.is_(False))
        .scalar_subquery()
    )
    row = (await db.execute(select(online, rooms, in_rooms))).one()
    return LiveNow(online=row[0] or 0, rooms_live=row[1] or 0, in_rooms=row[2] or 0)
