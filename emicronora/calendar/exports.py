"""Organiser exports: every participant's agenda as one .ics each in a zip, and the same rows as CSV.

The data are read in one query; building the files (CPU work) runs in a worker thread so that a large
export never stalls the event loop."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.calendar import queries
from emicronora.calendar.ical import CalendarItem, build_calendar, serialise
from emicronora.calendar.items import meeting_items_by_user, pitch_items_by_company, session_item, sort_items
from emicronora.settings import Settings
from emicronora.spreadsheets import csv_bytes
from emicronora.text import slugify

CSV_COLUMNS = (
    "participant",
    "email",
    "company",
    "uid",
    "summary",
    "start",
    "end",
    "timezone",
    "status",
    "sequence",
    "url",
)


@dataclass(frozen=True)
class ParticipantAgenda:
    user_id: int
    name: str
    email: str
    company: str
    items: tuple[CalendarItem, ...]


def file_name(agenda: ParticipantAgenda) -> str:
    """An ASCII file name after the participant, unique by id: `camille-acheteuse-12.ics`."""
    return f"{slugify(agenda.name, max_length=60, fallback='participant')}-{agenda.user_id}.ics"


async def participant_agendas(
    db: AsyncSession, settings: Settings, locale: str, *, email: str | None = None
) -> list[ParticipantAgenda]:
    """Every active user with their items (an empty agenda is kept: it is still their calendar)."""
    users = await queries.active_users(db, email=email)
    stars = await queries.starred_sessions(db, None if email is None else [u.id for u in users])
    items_by_user: dict[int, list[CalendarItem]] = {}
    item_cache: dict[int, CalendarItem] = {}
    for user_id, session in stars:
        if session.id not in item_cache:
            item_cache[session.id] = session_item(session, settings, locale)
        items_by_user.setdefault(user_id, []).append(item_cache[session.id])
    # Company members also have their company's pitch slots: one query for all companies.
    pitches = await pitch_items_by_company(
        db, settings, locale, sorted({u.company_id for u in users if u.company_id})
    )
    for u in users:
        if u.company_id in pitches:
            items_by_user.setdefault(u.id, []).extend(pitches[u.company_id])
    # And their B2B meetings: one query for everyone.
    meetings = await meeting_items_by_user(db, settings, None if email is None else [u.id for u in users])
    for user_id, meeting_items in meetings.items():
        items_by_user.setdefault(user_id, []).extend(meeting_items)
    return [
        ParticipantAgenda(
            user_id=u.id,
            name=u.name,
            email=u.email,
            company=u.company.name if u.company else u.company_name,
            items=tuple(sort_items(items_by_user.get(u.id, []))),
        )
        for u in users
    ]


def agendas_zip(
    agendas: list[ParticipantAgenda], settings: Settings, calendar_name: str, dtstamp: datetime
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for agenda in agendas:
            calendar = build_calendar(f"{calendar_name} · {agenda.name}", agenda.items, settings.tz, dtstamp)
            archive.writestr(file_name(agenda), serialise(calendar))
    return buffer.getvalue()


def agendas_csv(agendas: list[ParticipantAgenda], settings: Settings) -> bytes:
    """One row per item of each agenda (UTF-8 with a BOM, formula-safe cells: see emicronora.spreadsheets)."""
    return csv_bytes(
        CSV_COLUMNS,
        (
            (
                agenda.name,
                agenda.email,
                agenda.company,
                item.uid,
                item.summary,
                item.start.astimezone(settings.tz).isoformat(),
                item.end.astimezone(settings.tz).isoformat(),
                settings.event_timezone,
                "CANCELLED" if item.cancelled else "CONFIRMED",
                item.sequence,
                item.url,
            )
            for agenda in agendas
            for item in agenda.items
        ),
    )


async def build_zip(
    agendas: list[ParticipantAgenda], settings: Settings, calendar_name: str, dtstamp: datetime
) -> bytes:
    return await anyio.to_thread.run_sync(agendas_zip, agendas, settings, calendar_name, dtstamp)


async def build_csv(agendas: list[ParticipantAgenda], settings: Settings) -> bytes:
    return await anyio.to_thread.run_sync(agendas_csv, agendas, settings)
