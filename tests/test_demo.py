from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from emicronora.accounts.passwords import verify_password
from emicronora.b2b.marketplace.suggestions import suggested_partners
from emicronora.b2b.meetings.agenda import agenda
from emicronora.b2b.meetings.queries import load_rules
from emicronora.calendar.items import meeting_items_by_user
from emicronora.demo import data
from emicronora.demo.seed import seed_demo
from emicronora.models import (
    REQUEST_STATUSES,
    B2BProfile,
    Company,
    CooperationItem,
    Day,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    ParticipantSlot,
    Session,
    SolveRun,
    Star,
    Unavailability,
    User,
)
from emicronora.programme.domain import session_status

DATA_COMPANIES = [company.name for company in data.COMPANIES]


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
        # The fair's own companies; the brokerage event's participants come with companies of their own.
        exhibiting_or_named = (
            select(func.count()).select_from(Company).where(Company.name.in_(DATA_COMPANIES))
        )
        assert await db.scalar(exhibiting_or_named) == len(DATA_COMPANIES)
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


async def test_demo_holds_a_brokerage_event_with_a_published_schedule(sessionmaker, settings) -> None:
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        await seed_demo(db, date(2020, 9, 22), settings, now=now)
    tz = ZoneInfo("Europe/Paris")
    async with sessionmaker() as db:
        profiles = (await db.scalars(select(B2BProfile))).all()
        assert len(profiles) >= 62
        items = dict(
            (
                await db.execute(
                    select(CooperationItem.profile_id, func.count()).group_by(CooperationItem.profile_id)
                )
            ).all()
        )
        assert all(1 <= items.get(profile.id, 0) <= 3 for profile in profiles)
        assert {profile.role for profile in profiles} == {"buyer", "supplier", "both"}
        assert all(profile.headline and profile.description for profile in profiles)

        # The four afternoons, 14:00 to 18:00 in 20-minute slots.
        slots = (await db.scalars(select(MeetingSlot).order_by(MeetingSlot.starts_at))).all()
        assert len(slots) == 4 * 12
        local = [slot.starts_at.astimezone(tz) for slot in slots]
        assert {start.date() for start in local} == {date(2020, 9, d) for d in (22, 23, 24, 25)}
        assert min(start.time() for start in local).hour == 14
        assert max(slot.ends_at.astimezone(tz).time() for slot in slots).hour == 18

        by_status = dict(
            (
                await db.execute(select(MeetingRequest.status, func.count()).group_by(MeetingRequest.status))
            ).all()
        )
        assert sum(by_status.values()) >= 250
        assert all(by_status.get(status, 0) >= 5 for status in REQUEST_STATUSES), by_status
        assert by_status["accepted"] >= 100
        # Pending requests are still open: they expire after `now`.
        assert (
            await db.scalar(
                select(func.count())
                .select_from(MeetingRequest)
                .where(MeetingRequest.status == "pending", MeetingRequest.expires_at <= now)
            )
            == 0
        )
        pairs = (await db.execute(select(MeetingRequest.requester_id, MeetingRequest.recipient_id))).all()
        assert len({frozenset(pair) for pair in pairs}) == len(pairs)  # one request per pair of participants
        assert all(a != b for a, b in pairs)
        meetings = (await db.scalars(select(Meeting))).all()
        accepted = set(
            (await db.scalars(select(MeetingRequest.id).where(MeetingRequest.status == "accepted"))).all()
        )
        assert {m.request_id for m in meetings} == accepted
        assert all(m.room_url.startswith(settings.meeting_room_url) for m in meetings)

        published = [m for m in meetings if m.is_published and m.status == "scheduled"]
        assert len(published) >= 100
        assert all(m.slot_id is not None for m in published)
        assert any(m.status == "cancelled" for m in meetings)
        assert any(m.slot_id is None and m.status == "scheduled" for m in meetings)  # for the next run
        booked = (await db.execute(select(ParticipantSlot.profile_id, ParticipantSlot.slot_id))).all()
        assert len(booked) == 2 * len(published)
        assert set(booked) == {(p, m.slot_id) for m in published for p in (m.first_id, m.second_id)}
        unavailable = set((await db.execute(select(Unavailability.profile_id, Unavailability.slot_id))).all())
        assert unavailable and not unavailable & set(booked)
        run = await db.scalar(select(SolveRun))
        assert run.status == "done" and run.result["placed"] == len(published) + 3

        buyer = await db.scalar(select(User).where(User.email == "buyer@e-micronora.example"))
        supplier = await db.scalar(select(User).where(User.email == "supplier@e-micronora.example"))
        buyer_profile = await db.scalar(select(B2BProfile).where(B2BProfile.user_id == buyer.id))
        supplier_profile = await db.scalar(select(B2BProfile).where(B2BProfile.user_id == supplier.id))
        assert (buyer_profile.role, supplier_profile.role) == ("buyer", "supplier")
        together = [
            m for m in published if {m.first_id, m.second_id} == {buyer_profile.id, supplier_profile.id}
        ]
        assert len(together) == 1
        # Each is the other's best suggestion.
        for profile, other in ((buyer_profile, supplier_profile), (supplier_profile, buyer_profile)):
            partners = await suggested_partners(db, profile, "fr")
            assert partners[0].participant.profile.id == other.id
            entries = await agenda(db, profile, await load_rules(db), now)
            assert len(entries.booked) >= 3
            assert all(e.meeting.room_url.startswith("https://meet.jit.si/") for e in entries.booked)
            pending_in = await db.scalar(
                select(func.count())
                .select_from(MeetingRequest)
                .where(MeetingRequest.recipient_id == profile.id, MeetingRequest.status == "pending")
            )
            assert pending_in >= 1
        # Accepted since the schedule was published: waiting for the organisers' next run.
        assert (await agenda(db, supplier_profile, await load_rules(db), now)).to_schedule
        feeds = await meeting_items_by_user(db, settings, [buyer.id, supplier.id])
        assert len(feeds[buyer.id]) >= 3 and len(feeds[supplier.id]) >= 3

        # Generated participants can log in with the demo password, and belong to generated companies.
        someone = await db.scalar(
            select(User)
            .join(B2BProfile, B2BProfile.user_id == User.id)
            .where(User.id.not_in([buyer.id, supplier.id]))
            .limit(1)
        )
        assert someone.company is not None and someone.company.name not in DATA_COMPANIES
        assert someone.company.b2b_role in ("buyer", "supplier", "both") and someone.is_b2b_participant
        assert await verify_password(someone.password_hash, data.DEMO_PASSWORD, settings)
