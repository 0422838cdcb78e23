"""Fixtures for the showroom area: themes, an exhibiting company with its team and an innovation, another
exhibitor, an attendee and an organiser; a snapshot of every showroom table to prove that a refused action
wrote nothing; a form poster that can attach a file."""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Base, Company, Innovation, Theme, User
from emicronora.settings import Settings
from tests.conftest import csrf_token, login

MEMBER = "julien.member@example.org"
COLLEAGUE = "chloe.colleague@example.org"
OTHER = "otto.other@example.org"
ATTENDEE = "ada.attendee@example.org"
ORGANISER = "olga.organiser@example.org"
ROLE_EMAILS = {"attendee": ATTENDEE, "other_exhibitor": OTHER, "member": MEMBER, "organiser": ORGANISER}
SHOWROOM_TABLES = ("companies", "innovations", "team_invitations", "leads", "media_files")


@dataclass
class World:
    company: Company
    other: Company
    innovation: Innovation
    member: User
    colleague: User
    other_member: User
    attendee: User
    organiser: User


async def company_of(sessionmaker: async_sessionmaker[AsyncSession], company_id: int) -> Company:
    async with sessionmaker() as db:
        return await db.get_one(Company, company_id)


async def set_company(sessionmaker: async_sessionmaker[AsyncSession], company_id: int, **values: Any) -> None:
    async with sessionmaker() as db, db.begin():
        await db.execute(update(Company).where(Company.id == company_id).values(**values))


async def showroom_state(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the showroom tables, and who is in which company."""
    async with sessionmaker() as db:
        state = {}
        for name in SHOWROOM_TABLES:
            table = Base.metadata.tables[name]
            rows = await db.execute(select(table).order_by(*table.primary_key.columns))
            state[name] = [tuple(row) for row in rows]
        memberships = await db.execute(select(User.id, User.company_id).order_by(User.id))
        state["memberships"] = [tuple(row) for row in memberships]
        return state


@pytest.fixture
async def themes(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Theme]:
    async with sessionmaker() as db, db.begin():
        made = [
            Theme(slug="laser", name_fr="Procédés laser", name_en="Laser processes", position=0),
            Theme(slug="metrology", name_fr="Métrologie", name_en="Metrology", position=1),
            Theme(
                slug="micro-nano", name_fr="Micro et nanotechnologies", name_en="Micro and nano", position=2
            ),
        ]
        db.add_all(made)
    return made


@pytest.fixture
async def world(
    themes: list[Theme],
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> World:
    """Lumicron Laser (approved, two members, one innovation) and Calibrix (approved, one member)."""
    member = await make_user(MEMBER, exhibitor=True, name="Julien Marchand")
    colleague = await make_user(COLLEAGUE, name="Chloé Colleague")
    other_member = await make_user(OTHER, exhibitor=True, name="Otto Other")
    attendee = await make_user(ATTENDEE, name="Ada Attendee")
    organiser = await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    async with sessionmaker() as db, db.begin():
        company = await db.get_one(Company, member.company_id)
        company.name = "Lumicron Laser"
        company.slug = "lumicron-laser"
        company.tagline = "Micro-usinage laser femtoseconde"
        company.description = "Stations de micro-usinage.\n\nSous-traitance <b>laser</b>."
        company.themes = ["laser", "micro-nano"]
        company.sectors = ["aeronautics", "health"]
        company.country = "FR"
        company.region = "Bourgogne-Franche-Comté"
        company.city = "Besançon"
        company.website = "https://lumicron.example"
        company.is_approved = True
        other = await db.get_one(Company, other_member.company_id)
        other.name = "Calibrix Métrologie"
        other.slug = "calibrix"
        other.tagline = "Tomographie et étalonnage"
        other.themes = ["metrology"]
        other.sectors = ["automotive"]
        other.country = "BE"
        other.is_approved = True
        await db.execute(update(User).where(User.id == colleague.id).values(company_id=company.id))
        innovation = Innovation(company_id=company.id, title="Station femto 5 axes", description="Rapide.")
        db.add(innovation)
    return World(
        company=company,
        other=other,
        innovation=innovation,
        member=member,
        colleague=colleague,
        other_member=other_member,
        attendee=attendee,
        organiser=organiser,
    )


@pytest.fixture
def as_role(client: httpx.AsyncClient) -> Callable[[str], Awaitable[httpx.AsyncClient]]:
    """Logs the client in as one of the world's roles ("anonymous" stays logged out), in English."""

    async def log_in(role: str) -> httpx.AsyncClient:
        client.cookies.set("em_lang", "en")
        if role != "anonymous":
            await login(client, ROLE_EMAILS[role])
        return client

    return log_in


async def post_with_file(
    client: httpx.AsyncClient,
    url: str,
    data: dict[str, Any],
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> httpx.Response:
    """Posts a form as a browser does, multipart when a file is attached, with the page's CSRF token."""
    token = await csrf_token(client, "/login")
    return await client.post(url, data={"csrf_token": token, **data}, files=files)


def stored_files(settings: Settings) -> list[str]:
    """The keys of the files in the media storage (a local directory in tests)."""
    root = Path(settings.media_dir)
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


def png_bytes(width: int = 8, height: int = 4) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 92, 171)).save(buffer, format="PNG")
    return buffer.getvalue()
