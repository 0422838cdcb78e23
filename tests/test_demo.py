from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from emicronora.demo.seed import seed_demo
from emicronora.models import Company, Day, Session, Star, User
from emicronora.programme.domain import session_status


async def test_demo_lays_out_the_2020_fair(sessionmaker, settings) -> None:
    async with sessionmaker() as db, db.begin():
        accounts = await seed_demo(db, date(2020, 9, 22), settings)
    assert [role for role, _email, _password in accounts] == [
        "organiser",
        "exhibitor",
        "buyer",
        "supplier",
        "attendee",
    ]
    async with sessionmaker() as db:
        days = (await db.scalars(select(Day).order_by(Day.date))).all()
        assert [(d.date.isoformat(), d.theme.slug) for d in days] == [
            ("2020-09-22", "laser"),
            ("2020-09-23", "metrology"),
            ("2020-09-24", "micro-nano"),
            ("2020-09-25", "micro-nano"),
        ]
        for day in days:
            webinars = await db.scalar(
                select(func.count())
                .select_from(Session)
                .where(Session.day_id == day.id, Session.kind == "webinar")
            )
            assert 4 <= webinars <= 6
        assert await db.scalar(select(func.count()).select_from(Session).where(Session.kind == "pitch")) == 2
        assert 12 <= await db.scalar(select(func.count()).select_from(Company)) <= 14
        organiser = await db.scalar(select(User).where(User.email == "organiser@e-micronora.example"))
        assert organiser.is_organiser
        exhibitor = await db.scalar(select(User).where(User.email == "exhibitor@e-micronora.example"))
        assert exhibitor.is_exhibitor
        attendee = await db.scalar(select(User).where(User.email == "attendee@e-micronora.example"))
        starred = await db.scalar(select(func.count()).select_from(Star).where(Star.user_id == attendee.id))
        assert starred == 4  # the first session of each day, so that the demo agenda and feed are not empty
        first = await db.scalar(select(Session).order_by(Session.starts_at))
        assert first.starts_at.astimezone(ZoneInfo("Europe/Paris")).date() == date(2020, 9, 22)


async def test_demo_starting_today_has_a_live_session_and_seeds_once(sessionmaker, settings) -> None:
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    async with sessionmaker() as db, db.begin():
        assert await seed_demo(db, today, settings, now=now) is not None
    async with sessionmaker() as db, db.begin():
        assert await seed_demo(db, today, settings, if_empty=True) is None
    async with sessionmaker() as db:
        sessions = (await db.scalars(select(Session))).unique().all()
    assert any(session_status(s, now) == "live" for s in sessions)
