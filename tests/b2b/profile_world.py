"""Factories for the tests of B2B profiles, the marketplace and suggestions: participants with their
cooperation items, and a snapshot of the profile tables to prove that a refused action wrote nothing.

Plain functions rather than fixtures in a conftest.py, so that they sit beside the other B2B tests' own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import B2BProfile, Base, Company, CooperationItem, Theme, User
from tests.conftest import login

PAULA = "paula.participant@example.org"
OTTO = "otto.other@example.org"
ADA = "ada.attendee@example.org"
OLGA = "olga.organiser@example.org"
PROFILE_TABLES = ("b2b_profiles", "cooperation_items")

Sessionmaker = async_sessionmaker[AsyncSession]


async def add_themes(sessionmaker: Sessionmaker) -> None:
    async with sessionmaker() as db, db.begin():
        db.add_all(
            [
                Theme(slug="laser", name_fr="Procédés laser", name_en="Laser processes", position=0),
                Theme(slug="metrology", name_fr="Métrologie", name_en="Metrology", position=1),
                Theme(
                    slug="micro-nano",
                    name_fr="Micro et nanotechnologies",
                    name_en="Micro and nano",
                    position=2,
                ),
            ]
        )


async def set_user(sessionmaker: Sessionmaker, user_id: int, **values: Any) -> None:
    async with sessionmaker() as db, db.begin():
        await db.execute(update(User).where(User.id == user_id).values(**values))


async def give_company(sessionmaker: Sessionmaker, user_id: int, name: str, country: str) -> int:
    """Attaches a company record to the user (their registration's company name stays as typed)."""
    async with sessionmaker() as db, db.begin():
        company = Company(name=name, country=country)
        db.add(company)
        await db.flush()
        await db.execute(update(User).where(User.id == user_id).values(company_id=company.id))
        return company.id


async def add_profile(
    sessionmaker: Sessionmaker,
    user_id: int,
    role: str,
    headline: str = "",
    *,
    description: str = "",
    items: list[dict[str, Any]] | None = None,
    is_active: bool = True,
) -> B2BProfile:
    """A profile with its items, each a dict of CooperationItem fields (kind and title at least)."""
    async with sessionmaker() as db, db.begin():
        profile = B2BProfile(
            user_id=user_id, role=role, headline=headline, description=description, is_active=is_active
        )
        db.add(profile)
        await db.flush()
        for fields in items or []:
            db.add(CooperationItem(profile_id=profile.id, **fields))
        return profile


async def items_of(sessionmaker: Sessionmaker, profile_id: int) -> list[CooperationItem]:
    async with sessionmaker() as db:
        statement = (
            select(CooperationItem)
            .where(CooperationItem.profile_id == profile_id)
            .order_by(CooperationItem.id)
        )
        return list((await db.scalars(statement)).all())


async def profile_state(sessionmaker: Sessionmaker) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the profile tables."""
    async with sessionmaker() as db:
        state = {}
        for name in PROFILE_TABLES:
            table = Base.metadata.tables[name]
            rows = await db.execute(select(table).order_by(*table.primary_key.columns))
            state[name] = [tuple(row) for row in rows]
        return state


@dataclass
class People:
    """Paula (a supplier of Lumicron Laser, FR), Otto (a buyer of Aerotech GmbH, DE, with no company record),
    Ada (an attendee with no profile) and Olga (an organiser with no profile)."""

    paula: User
    otto: User
    ada: User
    olga: User
    paula_profile: B2BProfile
    otto_profile: B2BProfile
    paula_item: CooperationItem
    otto_item: CooperationItem


async def make_people(make_user: Callable[..., Awaitable[User]], sessionmaker: Sessionmaker) -> People:
    await add_themes(sessionmaker)
    paula = await make_user(PAULA, name="Paula Participant")
    otto = await make_user(OTTO, name="Otto Other")
    ada = await make_user(ADA, name="Ada Attendee")
    olga = await make_user(OLGA, organiser=True, name="Olga Organiser")
    await give_company(sessionmaker, paula.id, "Lumicron Laser", "FR")
    await set_user(sessionmaker, otto.id, company_name="Aerotech GmbH", country="DE")
    paula_profile = await add_profile(
        sessionmaker,
        paula.id,
        "supplier",
        "Laser micro-welding for medical devices",
        description="Femtosecond lasers.",
        items=[
            {
                "kind": "offer",
                "title": "Laser welding of titanium housings",
                "description": "Hermetic seams.",
                "themes": ["laser"],
                "sectors": ["health"],
                "keywords": ["laser welding", "titanium"],
            }
        ],
    )
    otto_profile = await add_profile(
        sessionmaker,
        otto.id,
        "buyer",
        "Jet engine sensors",
        items=[
            {
                "kind": "need",
                "title": "Hermetic sensor housings",
                "description": "Sealed by laser welding.",
                "themes": ["laser"],
                "sectors": ["aeronautics"],
                "keywords": ["laser welding"],
            }
        ],
    )
    (paula_item,) = await items_of(sessionmaker, paula_profile.id)
    (otto_item,) = await items_of(sessionmaker, otto_profile.id)
    return People(
        paula=paula,
        otto=otto,
        ada=ada,
        olga=olga,
        paula_profile=paula_profile,
        otto_profile=otto_profile,
        paula_item=paula_item,
        otto_item=otto_item,
    )


ROLE_EMAILS = {"participant": PAULA, "other_participant": OTTO, "attendee": ADA, "organiser": OLGA}


async def log_in_as(client: httpx.AsyncClient, role: str) -> httpx.AsyncClient:
    """The client in English, logged in as one of the people ("anonymous" stays logged out)."""
    client.cookies.set("em_lang", "en")
    if role != "anonymous":
        await login(client, ROLE_EMAILS[role])
    return client
