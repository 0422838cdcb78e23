"""Any stored text makes a calendar that two independent parsers read back: line breaks, control characters,
TEXT separators, very long and non-BMP text in names, titles, abstracts and places."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import httpx
import icalendar
import pytest
import vobject
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.calendar.ical import CalendarItem, build_calendar, serialise
from emicronora.models import Session, Theme, User
from tests.calendar.test_ical import PARIS, STAMP
from tests.conftest import login, post_form

# (stored text, as one line, as paragraphs)
TEXTS = [
    ("Zoé\nÉlectronique", "Zoé Électronique", "Zoé\nÉlectronique"),
    ("Windows\r\nline", "Windows line", "Windows\nline"),
    ("old Mac\rline", "old Mac line", "old Mac\nline"),
    ("nul\x00byte", "nulbyte", "nulbyte"),
    ("bell\x07 tab\there \x0b\x0c\x1b\x7f", "bell tab\there ", "bell tab\there "),
    ("Dupont, Jean; R&D \\ métrologie", "Dupont, Jean; R&D \\ métrologie", "Dupont, Jean; R&D \\ métrologie"),
    ("BEGIN:VEVENT\nEND:VCALENDAR", "BEGIN:VEVENT END:VCALENDAR", "BEGIN:VEVENT\nEND:VCALENDAR"),
    # As long as a theme name may be (120), non-BMP: each line of the file still folds within 75 octets.
    ("𝄞 Micro😀nano " * 9, "𝄞 Micro😀nano " * 9, "𝄞 Micro😀nano " * 9),
]


def read_both(body: bytes) -> tuple[icalendar.Calendar, vobject.base.Component]:
    return icalendar.Calendar.from_ical(body), next(vobject.readComponents(body.decode()))


@pytest.mark.parametrize(("stored", "line", "lines"), TEXTS)
def test_any_text_in_any_field_is_read_back_by_icalendar_and_vobject(
    stored: str, line: str, lines: str
) -> None:
    event = CalendarItem(
        uid="session-1@fair.example",
        summary=stored,
        start=datetime(2020, 9, 22, 10, tzinfo=PARIS),
        end=datetime(2020, 9, 22, 11, tzinfo=PARIS),
        sequence=0,
        last_modified=STAMP,
        description=stored,
        location=stored,
        categories=(stored,),
        organizer_name=stored,
        organizer_email="contact@fair.example",
    )
    body = serialise(build_calendar("e-Micronora · " + stored, [event], PARIS, STAMP))
    assert all(len(physical) <= 75 for physical in body.split(b"\r\n"))
    parsed, other = read_both(body)
    (vevent,) = parsed.walk("VEVENT")
    # The name is escaped TEXT (icalendar keeps an X- property as written, vobject unescapes it).
    escaped = line.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    assert str(parsed["X-WR-CALNAME"]) == "e-Micronora · " + escaped
    assert other.x_wr_calname.value == "e-Micronora · " + line
    assert (str(vevent["SUMMARY"]), other.vevent.summary.value) == (line, line)
    assert (str(vevent["DESCRIPTION"]), other.vevent.description.value) == (lines, lines)
    assert (str(vevent["LOCATION"]), other.vevent.location.value) == (line, line)
    assert ([str(c) for c in vevent["CATEGORIES"].cats], other.vevent.categories.value) == ([line], [line])
    assert str(vevent["ORGANIZER"].params["CN"]) == line
    assert str(vevent["ORGANIZER"]) == "mailto:contact@fair.example"


def stored_texts(database_url: str) -> list[tuple[str, str]]:
    """(stored, as one line): PostgreSQL refuses NUL in text columns; SQLite keeps it, and it must export."""
    return [
        (stored, line)
        for stored, line, _lines in TEXTS
        if database_url.startswith("sqlite") or "\x00" not in stored
    ]


async def test_session_day_theme_and_programme_calendars_with_any_stored_text_are_served(
    client: httpx.AsyncClient,
    make_programme,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings,
) -> None:
    programme = await make_programme()
    welding, laser = programme["welding"], programme["themes"][0]
    paths = [
        f"/sessions/{welding.id}/calendar.ics",
        "/calendar/programme.ics",
        "/calendar/themes/laser.ics",
        f"/calendar/days/{programme['days'][0].date.isoformat()}.ics",
        "/calendar/programme.ics?lang=en",
    ]
    for stored, line in stored_texts(settings.database_url):
        async with sessionmaker() as db, db.begin():
            await db.execute(
                update(Session).where(Session.id == welding.id).values(title=stored, abstract=stored)
            )
            await db.execute(update(Theme).where(Theme.id == laser.id).values(name_fr=stored, name_en=stored))
        for path in paths:
            response = await client.get(path)
            assert response.status_code == 200, (path, stored[:20])
            parsed, other = read_both(response.content)
            summaries = [str(event["SUMMARY"]) for event in parsed.walk("VEVENT")]
            assert line in summaries, (path, stored[:20])
            assert other.vevent.categories.value


async def test_agenda_export_with_any_participant_name_is_served(
    client: httpx.AsyncClient,
    make_programme,
    make_user,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings,
) -> None:
    programme = await make_programme()
    zoe = await make_user("zoe@example.org", name="Zoé")
    await login(client, "zoe@example.org")
    await post_form(client, f"/sessions/{programme['welding'].id}/star", {}, token_from="/agenda")
    await post_form(client, "/logout", {}, token_from="/agenda")
    await make_user("org@example.org", organiser=True, name="Olga Organiser")
    await login(client, "org@example.org")
    for stored, line in stored_texts(settings.database_url):
        async with sessionmaker() as db, db.begin():
            await db.execute(update(User).where(User.id == zoe.id).values(name=stored))
        response = await client.get("/organiser/exports/agendas.zip")
        assert response.status_code == 200, stored[:20]
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        (zoe_file,) = [name for name in archive.namelist() if name.endswith(f"-{zoe.id}.ics")]
        parsed, other = read_both(archive.read(zoe_file))
        assert other.x_wr_calname.value.endswith("· " + line)
        assert [str(event["SUMMARY"]) for event in parsed.walk("VEVENT")] == [programme["welding"].title]
