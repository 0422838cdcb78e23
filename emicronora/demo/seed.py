"""Turns the demo content of `data` into rows, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.forms import Registration
from emicronora.accounts.operations import create_user
from emicronora.accounts.passwords import password_problem
from emicronora.demo import data
from emicronora.demo.brokerage import seed_brokerage
from emicronora.demo.showcase import seed_showcase
from emicronora.media.storage import MediaStorage
from emicronora.models import Company, Day, Innovation, Session, Speaker, Star, Theme
from emicronora.settings import Settings
from emicronora.text import slugify

LIVE_MINUTES = 60


@dataclass(frozen=True)
class ShowroomData:
    """What an exhibiting demo company shows in its showroom, beyond its description."""

    tagline: str
    themes: tuple[str, ...]
    sectors: tuple[str, ...]
    region: str
    # (title, description), in showroom order; no photos in the demo.
    innovations: tuple[tuple[str, str], ...]


# The showrooms of the exhibiting companies of `data.COMPANIES`, by company key. All are approved.
SHOWROOMS: dict[str, ShowroomData] = {
    "lumicron": ShowroomData(
        "Stations de micro-usinage laser femtoseconde et sous-traitance de découpe et de marquage.",
        ("laser", "micro-nano"),
        ("aeronautics", "health", "watchmaking"),
        "Bourgogne-Franche-Comté",
        (
            (
                "FemtoCut 5",
                "Station de découpe femtoseconde cinq axes pour stents et pièces horlogères, sans zone "
                "affectée thermiquement ni bavure.",
            ),
            (
                "Marquage UDI dans la masse",
                "Marquage d'identification unique sous la surface des implants, qui résiste aux cycles de "
                "stérilisation.",
            ),
        ),
    ),
    "photonix": ShowroomData(
        "Perçage, découpe et texturation laser de précision pour le médical et l'aéronautique.",
        ("laser",),
        ("aeronautics", "health", "space"),
        "Nouvelle-Aquitaine",
        (
            (
                "Perçage par trépanation de 20 µm",
                "Trous calibrés et coniques dans les aubes de turbine et les buses d'injection, conicité "
                "maîtrisée au micromètre.",
            ),
        ),
    ),
    "calibrix": ShowroomData(
        "Métrologie dimensionnelle accréditée, tomographie à rayons X et étalonnage sur site.",
        ("metrology",),
        ("automotive", "health", "equipment"),
        "Bourgogne-Franche-Comté",
        (
            (
                "Tomographie 3 µm en 20 minutes",
                "Contrôle complet des pièces injectées et des assemblages, comparaison au modèle CAO et "
                "rapport de mesure automatique.",
            ),
            (
                "Étalonnage sur site",
                "Un laboratoire mobile accrédité qui étalonne vos machines à mesurer sans les arrêter "
                "plus d'une journée.",
            ),
        ),
    ),
    "inspectra": ShowroomData(
        "Inspection optique en ligne fondée sur l'apprentissage profond pour les petites pièces.",
        ("metrology",),
        ("electronics", "automotive", "watchmaking"),
        "Wallonie",
        (
            (
                "Inspectra Line 4K",
                "Une cellule d'inspection qui apprend les défauts acceptables à partir de cinquante "
                "exemples et trie deux pièces par seconde.",
            ),
        ),
    ),
    "nanoforma": ShowroomData(
        "Micro- et nanostructures par nano-impression et couches minces, du prototype à la série.",
        ("micro-nano",),
        ("electronics", "energy", "research"),
        "Auvergne-Rhône-Alpes",
        (
            (
                "Réseaux de diffraction sur verre",
                "Des réseaux sub-longueur d'onde répliqués par nano-impression sur des plaques de 200 mm.",
            ),
        ),
    ),
    "microfluidis": ShowroomData(
        "Puces et cartouches microfluidiques en polymère pour le diagnostic in vitro.",
        ("micro-nano",),
        ("health", "research"),
        "Bourgogne-Franche-Comté",
        (
            (
                "Cartouche PCR en 15 minutes",
                "Une cartouche jetable qui prépare l'échantillon et amplifie l'ADN sans intervention.",
            ),
        ),
    ),
    "horlomeca": ShowroomData(
        "Composants horlogers en silicium et par procédé LIGA.",
        ("micro-nano", "laser"),
        ("watchmaking", "luxury", "health"),
        "Neuchâtel",
        (
            (
                "Spiral silicium compensé",
                "Un spiral insensible aux champs magnétiques et compensé en température par oxydation.",
            ),
            (
                "Roues LIGA nickel-phosphore",
                "Des roues et des ancres de forme libre, sans reprise d'usinage, dès cent pièces.",
            ),
        ),
    ),
    "arve": ShowroomData(
        "Micro-décolletage de haute précision pour la connectique et le médical.",
        ("micro-nano",),
        ("electronics", "health", "automotive", "defence"),
        "Auvergne-Rhône-Alpes",
        (
            (
                "Contacts de Ø 0,3 mm",
                "Des contacts de connecteurs décolletés et dorés en série, contrôlés à 100 % par vision.",
            ),
        ),
    ),
}


@dataclass(frozen=True)
class Slot:
    """A session of the programme placed on the calendar (UTC)."""

    session: data.SessionData
    starts_at: datetime
    ends_at: datetime

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


def lay_out_day(day: date, sessions: Sequence[data.SessionData], tz: ZoneInfo) -> list[Slot]:
    slots: list[Slot] = []
    for session in sessions:
        starts_at = datetime.combine(day, session.start, tzinfo=tz).astimezone(UTC)
        slots.append(Slot(session, starts_at, starts_at + timedelta(minutes=session.minutes)))
    return slots


def _distance(slot: Slot, now: datetime) -> timedelta:
    if slot.starts_at <= now < slot.ends_at:
        return timedelta(0)
    return min(abs(slot.starts_at - now), abs(now - slot.ends_at))


def make_one_live(slots: Sequence[Slot], now: datetime, tz: ZoneInfo) -> list[Slot]:
    """Moves the webinar closest to `now` so that it runs from `now` rounded down to the half hour (event
    time) for LIVE_MINUTES, then pushes its neighbours away just enough that nothing overlaps it; the order
    of the day and every duration are kept."""
    webinars = [i for i, slot in enumerate(slots) if slot.session.kind == "webinar"]
    live_index = min(webinars, key=lambda i: _distance(slots[i], now))
    local = now.astimezone(tz)
    half_hour = local.replace(minute=local.minute - local.minute % 30, second=0, microsecond=0)
    starts_at = half_hour.astimezone(UTC)
    result = list(slots)
    result[live_index] = replace(
        slots[live_index], starts_at=starts_at, ends_at=starts_at + timedelta(minutes=LIVE_MINUTES)
    )
    boundary = result[live_index].starts_at
    for i in range(live_index - 1, -1, -1):
        ends_at = min(result[i].ends_at, boundary)
        result[i] = replace(result[i], starts_at=ends_at - result[i].duration, ends_at=ends_at)
        boundary = result[i].starts_at
    boundary = result[live_index].ends_at
    for i in range(live_index + 1, len(result)):
        starts_at = max(result[i].starts_at, boundary)
        result[i] = replace(result[i], starts_at=starts_at, ends_at=starts_at + result[i].duration)
        boundary = result[i].ends_at
    return result


async def seed_demo(
    db: AsyncSession,
    first_day: date,
    settings: Settings,
    *,
    if_empty: bool = False,
    now: datetime | None = None,
    storage: MediaStorage | None = None,
) -> list[tuple[str, str, str]] | None:
    """Seeds the demo inside the caller's transaction. Returns (role, email, password) of the demo accounts;
    None when if_empty and the database already holds a Day."""
    if if_empty and await db.scalar(select(Day.id).limit(1)) is not None:
        return None
    problem = password_problem(data.DEMO_PASSWORD)
    if problem is not None:
        raise ValueError(f"The demo password is refused: {problem}")
    now = now or datetime.now(UTC)
    tz = ZoneInfo(settings.event_timezone)

    themes = {
        theme.slug: Theme(slug=theme.slug, name_fr=theme.name_fr, name_en=theme.name_en, position=position)
        for position, theme in enumerate(data.THEMES)
    }
    days = [
        Day(date=first_day + timedelta(days=position), theme=themes[slug], position=position)
        for position, slug in enumerate(data.DAY_THEMES)
    ]
    speakers = {
        speaker.key: Speaker(
            name=speaker.name, affiliation=speaker.affiliation, bio=speaker.bio, position=position
        )
        for position, speaker in enumerate(data.SPEAKERS)
    }
    db.add_all([*themes.values(), *days, *speakers.values()])

    first_of_each_day: list[Session] = []
    for day, day_sessions in zip(days, data.PROGRAMME, strict=True):
        slots = lay_out_day(day.date, day_sessions, tz)
        # On the first day of the fair, one webinar is always live, so that a newcomer sees a live session.
        if day.position == 0 and day.date == now.astimezone(tz).date():
            slots = make_one_live(slots, now, tz)
        for position, slot in enumerate(slots):
            session = Session(
                kind=slot.session.kind,
                title=slot.session.title,
                abstract=slot.session.abstract,
                day=day,
                theme=day.theme,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                position=position,
                created_at=now,
                updated_at=now,
                speakers=[speakers[key] for key in slot.session.speakers],
            )
            db.add(session)
            if position == 0:
                first_of_each_day.append(session)

    companies = {
        company.key: Company(
            name=company.name,
            country=company.country,
            city=company.city,
            website=company.website,
            description=company.description,
            sector=company.sector,
            is_exhibitor=company.is_exhibitor,
            b2b_role=company.b2b_role,
            created_at=now,
        )
        for company in data.COMPANIES
    }
    for key, showroom in SHOWROOMS.items():
        company = companies[key]
        company.slug = slugify(company.name)
        company.tagline = showroom.tagline
        company.themes = list(showroom.themes)
        company.sectors = list(showroom.sectors)
        company.region = showroom.region
        company.is_approved = True
    db.add_all(companies.values())
    await db.flush()
    db.add_all(
        Innovation(company_id=companies[key].id, title=title, description=description, position=position)
        for key, showroom in SHOWROOMS.items()
        for position, (title, description) in enumerate(showroom.innovations)
    )

    accounts: list[tuple[str, str, str]] = []
    for account in data.ACCOUNTS:
        firm = companies[account.company_key] if account.company_key else None
        registration = Registration(
            name=account.name,
            email=account.email,
            company=firm.name if firm else account.company_name,
            country=firm.country if firm else "FR",
            password=data.DEMO_PASSWORD,
        )
        user = await create_user(
            db,
            registration,
            settings,
            now,
            is_organiser=account.is_organiser,
            company_id=firm.id if firm else None,
        )
        # A demo agenda that is not empty: "Mon programme" and the personal calendar feed show something.
        if not account.is_organiser:
            db.add_all(Star(user_id=user.id, session_id=session.id) for session in first_of_each_day)
        accounts.append((account.role, account.email, data.DEMO_PASSWORD))
    # Videos need the media storage; without it (tests of the programme) only the pitch proposals are seeded.
    await seed_showcase(db, storage, settings, now)
    # The brokerage event: participants, requests and a published meeting schedule on the fair's afternoons.
    await seed_brokerage(db, [day.date for day in days], settings, now)
    return accounts
