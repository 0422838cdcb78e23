"""The demo's brokerage event: about sixty participants with profiles and offers or needs, a few hundred
meeting requests in every state, the meeting slots of the four afternoons, and a schedule computed by the real
engine and published, as an organiser would have done the day before `now`.

Everything is drawn from `random.Random(2020)`, so the people, companies, items and requests are the same on
every run; only the room names (random by design) and, when the engine finds several equally good schedules,
the slots may differ. The demo buyer and supplier accounts have matching items (each is the other's best
suggestion) and a published meeting together.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.passwords import hash_password
from emicronora.b2b.meetings import booking
from emicronora.b2b.meetings.operations import room_url
from emicronora.b2b.meetings.queries import default_rules
from emicronora.b2b.scheduling import engine, jobs, operations, solve_results
from emicronora.b2b.scheduling.progress import progress_record
from emicronora.demo import brokerage_data as bd
from emicronora.demo import data
from emicronora.models import (
    B2BProfile,
    Company,
    CooperationItem,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    SolveRun,
    Unavailability,
    User,
)
from emicronora.settings import Settings
from emicronora.text import slugify

SEED = 2020
SLOT_START, SLOT_END, SLOT_MINUTES = time(14, 0), time(18, 0), 20
# A demo seed must stay quick (`make run` seeds on first start): the engine proves this event optimal in a
# fraction of it, and stops at the limit otherwise with its best schedule.
SOLVE_SECONDS = 5.0
REQUESTS = 300
STATUS_WEIGHTS = {
    "accepted": 46,
    "pending": 16,
    "declined": 13,
    "expired": 10,
    "withdrawn": 7,
    "awaiting_approval": 8,
}
# Meetings per participant stay well within the 48 slots, and pending requests within the organisers' limit.
MAX_ACCEPTED = 7
MAX_PENDING = 12
UNAVAILABLE_PEOPLE = 16
CAPPED_PEOPLE = 8
LATE_ACCEPTED = 6
CANCELLED = 3
# The organisers ran the scheduler and published it this long before `now`.
PUBLISHED_BEFORE = timedelta(days=1)
EXPIRY = timedelta(hours=default_rules().request_expiry_hours)
HOUR = 3600.0
DAY = 24 * HOUR


@dataclass(eq=False)
class _Person:
    profile: B2BProfile
    role: str
    needs: set[str] = field(default_factory=set)
    offers: set[str] = field(default_factory=set)
    themes: set[str] = field(default_factory=set)
    first_title: str = ""
    is_demo: bool = False


@dataclass
class _Requests:
    """The requests drawn so far, with what limits the next ones."""

    rng: random.Random
    made: list[tuple[_Person, _Person, MeetingRequest]] = field(default_factory=list)
    pairs: set[frozenset[int]] = field(default_factory=set)
    accepted: Counter[int] = field(default_factory=Counter)
    pending: Counter[int] = field(default_factory=Counter)

    def free(self, one: _Person, other: _Person) -> bool:
        return one is not other and frozenset((id(one), id(other))) not in self.pairs


async def seed_brokerage(db: AsyncSession, days: Sequence[date], settings: Settings, now: datetime) -> None:
    """Seeds the brokerage event in the caller's transaction, after the programme and the demo accounts."""
    rng = random.Random(SEED)
    people = await _participants(db, rng, settings, now)
    slots = await _slots(db, days, settings)
    _unavailability(db, rng, people, slots)
    drawn = _Requests(rng)
    _draw_requests(drawn, people, now)
    await _store_requests(db, drawn, settings, accepted_before=now - PUBLISHED_BEFORE)
    _cap_meetings(rng, people, drawn)
    await schedule_and_publish(db, settings, now - PUBLISHED_BEFORE)
    await _after_publication(db, rng, people, drawn, settings, now)


# --- participants -----------------------------------------------------------------------------------------


def _french_list(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


def _item(
    profile: B2BProfile, kind: str, topic: bd.Topic, sectors: list[str], rng: random.Random
) -> CooperationItem:
    if kind == "need":
        title, text, extra = rng.choice(topic.need_titles), topic.need_text, rng.choice(bd.NEED_EXTRAS)
    else:
        title, text, extra = rng.choice(topic.offer_titles), topic.offer_text, rng.choice(bd.OFFER_EXTRAS)
    return CooperationItem(
        profile_id=profile.id,
        kind=kind,
        title=title,
        description=f"{text} {extra}",
        themes=[topic.theme],
        sectors=sectors,
        keywords=list(topic.keywords),
    )


def _topics(company: bd.GeneratedCompany, rng: random.Random) -> tuple[list[str], list[str]]:
    """(needs, offers) of a generated company, as topic keys."""
    in_theme = [t.key for t in bd.TOPICS if t.theme == company.theme]
    if company.role == "buyer":
        return rng.sample(bd.SECTOR_NEEDS[company.sector], rng.randint(1, 3)), []
    if company.role == "supplier":
        return [], rng.sample(in_theme, rng.randint(1, 3))
    wanted = [key for key in bd.SECTOR_NEEDS[company.sector] if key not in in_theme]
    return rng.sample(wanted, rng.randint(1, 2)), rng.sample(in_theme, 1)


def _names(rng: random.Random, country: str, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(bd.FIRST_NAMES[country])} {rng.choice(bd.LAST_NAMES[country])}"
        if name not in used:
            used.add(name)
            return name


async def _participants(
    db: AsyncSession, rng: random.Random, settings: Settings, now: datetime
) -> list[_Person]:
    """The demo buyer and supplier first, then one participant for each generated company."""
    people = await _demo_pair(db, now)
    # One hash for every generated account: argon2 with production costs takes a good part of a second each.
    password_hash = await hash_password(data.DEMO_PASSWORD, settings)
    used = {account.name for account in data.ACCOUNTS}
    rows: list[tuple[bd.GeneratedCompany, Company, User, datetime]] = []
    for spec in bd.COMPANIES:
        joined = now - timedelta(seconds=rng.uniform(22 * DAY, 40 * DAY))
        slug = slugify(spec.name)
        company = Company(
            name=spec.name,
            country=spec.country,
            city=spec.city,
            website=f"https://{slug}.example",
            description=f"{spec.name}, à {spec.city}, {spec.activity}.",
            sector=spec.sector,
            b2b_role=spec.role,
            is_exhibitor=False,
            created_at=joined,
        )
        name = _names(rng, spec.country, used)
        first, last = name.split(" ", 1)
        user = User(
            email=f"{slugify(first)}.{slugify(last)}@{slug}.example",
            name=name,
            company_name=spec.name,
            country=spec.country,
            password_hash=password_hash,
            company=company,
            terms_accepted_at=joined,
            created_at=joined,
            password_changed_at=joined,
        )
        rows.append((spec, company, user, joined))
    db.add_all(user for _spec, _company, user, _joined in rows)
    await db.flush()

    generated: list[tuple[bd.GeneratedCompany, _Person, list[str], list[str]]] = []
    for spec, company, user, joined in rows:
        needs, offers = _topics(spec, rng)
        labels = [bd.TOPIC_BY_KEY[key].label for key in needs]
        if spec.role == "buyer":
            headline = (
                f"{bd.BUYER_INTROS[spec.sector]} : nous cherchons des partenaires en {_french_list(labels)}"
            )
        else:
            headline = spec.headline
        profile = B2BProfile(
            user_id=user.id,
            role=spec.role,
            headline=headline,
            description=f"{company.description}\n\n{bd.CLOSINGS[spec.role]}",
            created_at=joined,
        )
        person = _Person(profile, spec.role, needs=set(needs), offers=set(offers))
        generated.append((spec, person, needs, offers))
    db.add_all(person.profile for _spec, person, _needs, _offers in generated)
    await db.flush()

    for spec, person, needs, offers in generated:
        items = [
            _item(
                person.profile,
                "offer",
                bd.TOPIC_BY_KEY[key],
                rng.sample(bd.SUPPLIER_SECTORS, rng.randint(2, 3)),
                rng,
            )
            for key in offers
        ] + [_item(person.profile, "need", bd.TOPIC_BY_KEY[key], [spec.sector], rng) for key in needs]
        db.add_all(items)
        person.themes = {bd.TOPIC_BY_KEY[key].theme for key in needs + offers}
        person.first_title = items[0].title
        people.append(person)
    await db.flush()
    return people


async def _demo_pair(db: AsyncSession, now: datetime) -> list[_Person]:
    """Profiles of the demo buyer (Aviatec) and supplier (Rhein Laser), whose items match each other."""
    emails = {account.role: account.email for account in data.ACCOUNTS}
    people = []
    for spec in bd.DEMO_PROFILES:
        user = await db.scalar(select(User).where(User.email == emails[spec.account_role]))
        assert user is not None and user.company is not None
        profile = B2BProfile(
            user_id=user.id,
            role=spec.account_role,
            headline=spec.headline,
            description=f"{user.company.description}\n\n{spec.more}",
            created_at=now - timedelta(days=30),
        )
        db.add(profile)
        await db.flush()
        db.add_all(
            CooperationItem(
                profile_id=profile.id,
                kind=item.kind,
                title=item.title,
                description=item.description,
                themes=list(item.themes),
                sectors=list(item.sectors),
                keywords=list(item.keywords),
            )
            for item in spec.items
        )
        people.append(
            _Person(
                profile,
                spec.account_role,
                needs={item.topic for item in spec.items if item.kind == "need"},
                offers={item.topic for item in spec.items if item.kind == "offer"},
                themes={theme for item in spec.items for theme in item.themes},
                first_title=spec.items[0].title,
                is_demo=True,
            )
        )
    return people


# --- slots and availability -------------------------------------------------------------------------------


async def _slots(db: AsyncSession, days: Sequence[date], settings: Settings) -> dict[date, list[MeetingSlot]]:
    """20-minute slots from 14:00 to 18:00 (event time) on each day of the fair, by day."""
    series = operations.series(list(days), SLOT_START, SLOT_END, SLOT_MINUTES, settings.tz)
    slots = [MeetingSlot(starts_at=starts, ends_at=ends) for starts, ends in series]
    db.add_all(slots)
    await db.flush()
    by_day: dict[date, list[MeetingSlot]] = {}
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(settings.tz).date(), []).append(slot)
    return by_day


def _unavailability(
    db: AsyncSession,
    rng: random.Random,
    people: list[_Person],
    slots: dict[date, list[MeetingSlot]],
) -> None:
    """Some participants are away for an afternoon or an hour; the demo supplier leaves early on the last
    day."""
    days = sorted(slots)
    marked: list[tuple[B2BProfile, MeetingSlot]] = []
    supplier = next(p for p in people if p.is_demo and p.role == "supplier")
    marked += [(supplier.profile, slot) for slot in slots[days[-1]][-3:]]
    for person in rng.sample([p for p in people if not p.is_demo], UNAVAILABLE_PEOPLE):
        afternoon = slots[rng.choice(days)]
        if rng.random() < 0.4:
            away = afternoon
        else:
            start = rng.randrange(len(afternoon) - 2)
            away = afternoon[start : start + 3]
        marked += [(person.profile, slot) for slot in away]
    db.add_all(Unavailability(profile_id=profile.id, slot_id=slot.id) for profile, slot in marked)


# --- requests ---------------------------------------------------------------------------------------------


def _compatible(one: _Person, other: _Person) -> bool:
    return one.role == "both" or other.role == "both" or one.role != other.role


def _affinity(one: _Person, other: _Person) -> float:
    """How likely `one` asks `other` for a meeting: a need meeting an offer, a shared theme, or neither."""
    topics = len(one.needs & other.offers) + len(other.needs & one.offers)
    if topics:
        return 4.0 * topics
    return 1.0 if one.themes & other.themes else 0.2


def _add(drawn: _Requests, requester: _Person, recipient: _Person, status: str, now: datetime) -> None:
    rng = drawn.rng
    if status == "pending":
        created = now - timedelta(seconds=rng.uniform(HOUR, 60 * HOUR))
        responded = None
    elif status == "awaiting_approval":
        created = now - timedelta(seconds=rng.uniform(14 * HOUR, 4 * DAY))
        responded = created + timedelta(seconds=rng.uniform(HOUR, 12 * HOUR))
    elif status == "expired":
        created = now - timedelta(seconds=rng.uniform(4 * DAY, 21 * DAY))
        responded = None
    else:
        created = now - timedelta(seconds=rng.uniform(5 * DAY, 21 * DAY))
        responded = created + timedelta(seconds=rng.uniform(HOUR, 70 * HOUR))
    message = rng.choice(bd.MESSAGES).format(title=recipient.first_title)
    request = MeetingRequest(
        requester_id=requester.profile.id,
        recipient_id=recipient.profile.id,
        message=message,
        status=status,
        created_at=created,
        expires_at=created + EXPIRY,
        responded_at=responded,
    )
    drawn.made.append((requester, recipient, request))
    drawn.pairs.add(frozenset((id(requester), id(recipient))))
    if status == "accepted":
        drawn.accepted[id(requester)] += 1
        drawn.accepted[id(recipient)] += 1
    if status == "pending":
        drawn.pending[id(requester)] += 1


def _partner(drawn: _Requests, person: _Person, people: list[_Person]) -> _Person | None:
    candidates = [p for p in people if drawn.free(person, p) and _compatible(person, p)]
    if not candidates:
        return None
    return drawn.rng.choices(candidates, weights=[_affinity(person, p) for p in candidates])[0]


def _draw_requests(drawn: _Requests, people: list[_Person], now: datetime) -> None:
    rng = drawn.rng
    buyer, supplier = people[0], people[1]
    _add(drawn, buyer, supplier, "accepted", now)
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    # Buyers send more requests than suppliers, as at real brokerage events.
    senders = [1.6 if p.role == "buyer" else 1.0 for p in people]
    while len(drawn.made) < REQUESTS:
        requester = rng.choices(people, weights=senders)[0]
        recipient = _partner(drawn, requester, people)
        if recipient is None:
            continue
        status = rng.choices(statuses, weights=weights)[0]
        if status == "accepted" and max(drawn.accepted[id(requester)], drawn.accepted[id(recipient)]) >= (
            MAX_ACCEPTED
        ):
            status = "declined"
        if status == "pending" and drawn.pending[id(requester)] >= MAX_PENDING:
            status = "expired"
        _add(drawn, requester, recipient, status, now)
    # Something for the demo accounts to answer, and meetings besides each other's.
    for person in (buyer, supplier):
        while not any(r is person and q.status == "pending" for _s, r, q in drawn.made):
            partner = _partner(drawn, person, people)
            assert partner is not None
            _add(drawn, partner, person, "pending", now)
        while drawn.accepted[id(person)] < 3:
            partner = _partner(drawn, person, people)
            assert partner is not None
            _add(drawn, person, partner, "accepted", now)


async def _store_requests(
    db: AsyncSession, drawn: _Requests, settings: Settings, accepted_before: datetime
) -> None:
    """The requests, and a meeting (no slot yet) for each accepted one."""
    db.add_all(request for _requester, _recipient, request in drawn.made)
    await db.flush()
    for _requester, _recipient, request in drawn.made:
        if request.status == "accepted":
            assert request.responded_at is not None and request.responded_at < accepted_before
            db.add(_meeting(request, settings))
    await db.flush()


def _meeting(request: MeetingRequest, settings: Settings) -> Meeting:
    assert request.responded_at is not None
    return Meeting(
        request_id=request.id,
        first_id=request.requester_id,
        second_id=request.recipient_id,
        status="scheduled",
        room_url=room_url(settings.meeting_room_url),
        sequence=0,
        updated_at=request.responded_at,
    )


def _cap_meetings(rng: random.Random, people: list[_Person], drawn: _Requests) -> None:
    """A few participants set the most meetings they want, above what they have accepted."""
    for person in rng.sample([p for p in people if not p.is_demo], CAPPED_PEOPLE):
        person.profile.max_meetings = max(5, drawn.accepted[id(person)] + rng.randint(1, 3))


# --- schedule ---------------------------------------------------------------------------------------------


async def schedule_and_publish(db: AsyncSession, settings: Settings, at: datetime) -> SolveRun:
    """What an organiser does on the scheduling page, in the caller's transaction: a run of the engine on the
    meetings not yet published (the same plan, engine and storing as the web's runs), then publication."""
    plan = await jobs.load_plan(db, settings, only_unscheduled=True, time_limit_s=SOLVE_SECONDS)
    run = SolveRun(
        status="running",
        only_unscheduled=True,
        progress=progress_record(plan, None, 0.0),
        started_at=at,
    )
    db.add(run)
    await db.flush()
    outcome = await anyio.to_thread.run_sync(engine.solve, plan, lambda _snapshot: None, threading.Event())
    await solve_results.store(db, run.id, plan, outcome, settings.tz, at)
    await operations.publish(db, settings, at)
    await db.flush()
    return run


async def _after_publication(
    db: AsyncSession,
    rng: random.Random,
    people: list[_Person],
    drawn: _Requests,
    settings: Settings,
    now: datetime,
) -> None:
    """Since the schedule was published: a few more acceptances, waiting for the next run (one of them by the
    demo supplier), and a few meetings cancelled by a participant."""
    supplier = people[1]
    candidates = [p for p in people if not p.is_demo]
    pairs: list[tuple[_Person, _Person]] = []

    def take(one: _Person, other: _Person) -> None:
        pairs.append((one, other))
        drawn.pairs.add(frozenset((id(one), id(other))))
        drawn.accepted[id(one)] += 1
        drawn.accepted[id(other)] += 1

    requester = _partner(drawn, supplier, candidates)
    if requester is not None:
        take(requester, supplier)
    while len(pairs) < LATE_ACCEPTED:
        one = rng.choice(candidates)
        other = _partner(drawn, one, candidates)
        if other is not None and max(drawn.accepted[id(one)], drawn.accepted[id(other)]) < MAX_ACCEPTED:
            take(one, other)
    late: list[MeetingRequest] = []
    for one, other in pairs:
        created = now - timedelta(seconds=rng.uniform(22 * HOUR, 60 * HOUR))
        late.append(
            MeetingRequest(
                requester_id=one.profile.id,
                recipient_id=other.profile.id,
                message=rng.choice(bd.MESSAGES).format(title=other.first_title),
                status="accepted",
                created_at=created,
                expires_at=created + EXPIRY,
                responded_at=now - timedelta(seconds=rng.uniform(2 * HOUR, 20 * HOUR)),
            )
        )
    db.add_all(late)
    await db.flush()
    db.add_all(_meeting(request, settings) for request in late)

    demo_ids = {p.profile.id for p in people if p.is_demo}
    published = (
        await db.scalars(
            select(Meeting)
            .where(
                Meeting.is_published.is_(True),
                Meeting.first_id.not_in(demo_ids),
                Meeting.second_id.not_in(demo_ids),
            )
            .order_by(Meeting.id)
        )
    ).all()
    for meeting in rng.sample(list(published), CANCELLED):
        await booking.cancel(db, meeting, now - timedelta(seconds=rng.uniform(HOUR, 20 * HOUR)))
    await db.flush()
