"""Each CSV export over HTTP: its columns and rows, UTF-8 with a BOM, formula-safe cells, the date filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Day, RoomVisit, Session, SessionAttendanceFigures
from tests.conftest import PARIS, paris
from tests.exports.conftest import DAY1, read_csv

BOM = "\ufeff".encode()


async def export(client: httpx.AsyncClient, kind: str, **period: str) -> list[list[str]]:
    response = await client.get(f"/organiser/exports/csv/{kind}", params=period)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(BOM)
    return read_csv(response.content)


async def test_registrations_export_lists_every_user_with_roles_and_accents(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    response = await organiser.get("/organiser/exports/csv/registrations")
    assert response.headers["content-disposition"] == (
        'attachment; filename="e-micronora-registrations.csv"; '
        "filename*=UTF-8''e-micronora-registrations.csv"
    )
    # The accents are UTF-8 bytes after the BOM, not Latin-1 or escapes.
    assert "Zoé Électronique".encode() in response.content
    header, *rows = read_csv(response.content)
    assert header == [
        "name",
        "email",
        "company",
        "country",
        "roles",
        "language",
        "registered_at",
        "confirmed",
    ]
    assert rows == [
        [
            "Olga Organiser",
            "olga.organiser@example.org",
            "ACME",
            "FR",
            "attendee;organiser",
            "",
            "2020-06-01T09:00+02:00",
            "no",
        ],
        [
            "Zoé Électronique",
            "zoe@example.org",
            "Électro Besançon",
            "FR",
            "attendee",
            "fr",
            "2020-09-01T10:00+02:00",
            "yes",
        ],
        [
            "Bob Bâtisseur",
            "bob@example.org",
            "Optique Précise",
            "FR",
            "attendee;exhibitor;b2b",
            "en",
            "2020-09-15T18:00+02:00",
            "no",
        ],
        [
            '\'=HYPERLINK("http://evil")',
            "eve@example.org",
            "'+Evil",
            "FR",
            "attendee",
            "",
            "2020-09-21T23:30+02:00",
            "no",
        ],
    ]


async def test_attendance_export_counts_viewers_peak_and_minutes_per_session(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    header, *rows = await export(organiser, "attendance")
    assert header == [
        "session",
        "day",
        "start",
        "end",
        "title",
        "theme",
        "kind",
        "cancelled",
        "unique_viewers",
        "peak_live",
        "total_minutes",
    ]
    welding, pitch, tomography = fair["welding"], fair["pitch"], fair["tomography"]
    assert rows == [
        [
            str(welding.id),
            "2020-09-22",
            "2020-09-22T10:00+02:00",
            "2020-09-22T11:00+02:00",
            "Soudage laser de boîtiers titane",
            "Laser processes",
            "webinar",
            "no",
            "3",
            "3",
            "105",
        ],
        [
            str(pitch.id),
            "2020-09-22",
            "2020-09-22T14:00+02:00",
            "2020-09-22T15:00+02:00",
            "Pitch laser",
            "Laser processes",
            "pitch",
            "no",
            "1",
            "1",
            "5",
        ],
        [
            str(tomography.id),
            "2020-09-23",
            "2020-09-23T09:00+02:00",
            "2020-09-23T10:00+02:00",
            "Tomographie industrielle",
            "Metrology",
            "webinar",
            "yes",
            "0",
            "0",
            "0",
        ],
    ]


async def test_attendance_theme_follows_the_organisers_language(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    organiser.cookies.set("em_lang", "fr")
    _header, *rows = await export(organiser, "attendance")
    assert [row[5] for row in rows] == ["Procédés laser", "Procédés laser", "Métrologie"]


async def test_leads_export_groups_leads_by_exhibitor_with_formula_safe_cells(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    header, *rows = await export(organiser, "leads")
    assert header == ["exhibitor", "received_at", "name", "company", "email", "message", "video"]
    assert rows == [
        [
            "Acme Lasers",
            "2020-09-22T16:00+02:00",
            "Bob Bâtisseur",
            "Optique Précise",
            "bob@example.org",
            "",
            "",
        ],
        [
            "Optique Précise",
            "2020-09-22T11:15+02:00",
            "Zoé Électronique",
            "Électro Besançon",
            "zoe@example.org",
            "Très intéressée par vos têtes de mesure.",
            "",
        ],
        [
            "Optique Précise",
            "2020-09-23T09:00+02:00",
            "Eve",
            "'-2+3",
            "eve@example.org",
            "'=cmd|' /C calc'!A0",
            "",
        ],
    ]


async def test_meetings_export_shows_both_parties_slot_status_and_publication(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    header, *rows = await export(organiser, "meetings")
    assert header == [
        "meeting",
        "day",
        "start",
        "end",
        "timezone",
        "participant_a",
        "email_a",
        "company_a",
        "role_a",
        "participant_b",
        "email_b",
        "company_b",
        "role_b",
        "status",
        "published",
        "room_url",
    ]
    placed, waiting = fair["meetings"]
    assert rows == [
        [
            str(placed.id),
            "2020-09-24",
            "2020-09-24T14:00+02:00",
            "2020-09-24T14:20+02:00",
            "Europe/Paris",
            "Bob Bâtisseur",
            "bob@example.org",
            "Optique Précise",
            "buyer",
            "Zoé Électronique",
            "zoe@example.org",
            "Électro Besançon",
            "supplier",
            "scheduled",
            "yes",
            "https://meet.example.org/r1",
        ],
        [
            str(waiting.id),
            "",
            "",
            "",
            "Europe/Paris",
            "Bob Bâtisseur",
            "bob@example.org",
            "Optique Précise",
            "buyer",
            '\'=HYPERLINK("http://evil")',
            "eve@example.org",
            "'+Evil",
            "supplier",
            "unscheduled",
            "no",
            "",
        ],
    ]


async def test_questions_export_lists_session_author_text_votes_and_status(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    header, *rows = await export(organiser, "questions")
    assert header == ["session", "session_title", "author", "question", "votes", "status", "asked_at"]
    welding = str(fair["welding"].id)
    title = "Soudage laser de boîtiers titane"
    assert rows == [
        [
            welding,
            title,
            "Zoé Électronique",
            "Quelle épaisseur de titane ?",
            "3",
            "answered",
            "2020-09-22T10:20+02:00",
        ],
        [
            welding,
            title,
            '\'=HYPERLINK("http://evil")',
            "'@SUM(1+1)",
            "0",
            "pending",
            "2020-09-22T10:35+02:00",
        ],
    ]


async def test_date_filter_keeps_whole_days_in_the_event_time_zone(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    # Eve registered on 21 September at 23:30 in Paris (21:30 UTC): the 21st includes her, the 22nd not.
    _header, *rows = await export(organiser, "registrations", **{"from": "2020-09-15", "to": "2020-09-21"})
    assert [row[1] for row in rows] == ["bob@example.org", "eve@example.org"]
    _header, *rows = await export(organiser, "leads", **{"from": "2020-09-23"})
    assert [row[2] for row in rows] == ["Eve"]
    _header, *rows = await export(organiser, "attendance", to="2020-09-22")
    assert [row[4] for row in rows] == ["Soudage laser de boîtiers titane", "Pitch laser"]
    # A filtered meetings export leaves out the meetings that have no slot yet.
    _header, *rows = await export(organiser, "meetings", **{"from": "2020-09-24", "to": "2020-09-24"})
    assert [row[0] for row in rows] == [str(fair["meetings"][0].id)]
    response = await organiser.get("/organiser/exports/csv/leads", params={"from": "2020-09-23"})
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="e-micronora-leads-2020-09-23-_.csv";'
    )


async def test_an_empty_date_range_gives_a_file_with_only_the_header(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    for kind, columns in (
        ("registrations", "name,email,company,country,roles,language,registered_at,confirmed"),
        ("questions", "session,session_title,author,question,votes,status,asked_at"),
    ):
        response = await organiser.get(
            f"/organiser/exports/csv/{kind}", params={"from": "2019-01-01", "to": "2019-01-31"}
        )
        assert response.status_code == 200
        assert response.content == BOM + (columns + "\r\n").encode()


async def test_bad_dates_give_a_form_error_and_no_file(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    for params, message in (
        ({"from": "22/09/2020"}, "Enter a date as YYYY-MM-DD."),
        ({"to": "2020-02-30"}, "Enter a date as YYYY-MM-DD."),
        ({"from": "9999-12-31"}, "Enter a date between 2000 and 2100."),
        ({"from": "2020-09-23", "to": "2020-09-22"}, "The end date comes before the start date."),
    ):
        response = await organiser.get("/organiser/exports/csv/registrations", params=params)
        assert response.status_code == 400, params
        assert response.headers["content-type"].startswith("text/html")
        assert message in response.text
        page = await organiser.get("/organiser/exports", params=params)
        assert page.status_code == 400
        assert message in page.text


async def test_unknown_export_is_not_found(organiser: httpx.AsyncClient) -> None:
    assert (await organiser.get("/organiser/exports/csv/passwords")).status_code == 404


async def test_exports_page_counts_rows_and_links_every_export(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    page = await organiser.get("/organiser/exports", params={"from": "2020-09-22", "to": "2020-09-22"})
    assert page.status_code == 200
    text = page.text
    assert 'href="/organiser/dashboard"' in text  # the console navigation
    for kind, rows in (
        ("registrations", 0),
        ("attendance", 2),
        ("leads", 2),
        ("meetings", 0),
        ("questions", 2),
    ):
        row = text.split(f'data-testid="export-{kind}"', 1)[1].split("</tr>", 1)[0]
        assert f'<td data-testid="rows">{rows}</td>' in row, kind
        assert f'href="/organiser/exports/csv/{kind}?from=2020-09-22&amp;to=2020-09-22"' in row
    for link in (
        "/organiser/exports/programme.ics",
        "/organiser/exports/agendas.zip",
        "/organiser/exports/agendas.csv",
    ):
        assert f'href="{link}"' in text
    assert f'href="/organiser/exports/programme/{fair["days"][0].id}"' in text


async def test_attendance_counts_people_not_tabs_and_a_live_session_until_now(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    async with sessionmaker() as db, db.begin():
        # Bob opens the pitch session in a second tab for two of his five minutes: still one person, five
        # minutes of presence.
        db.add(
            RoomVisit(
                session_id=fair["pitch"].id,
                user_id=fair["bob"].id,
                joined_at=paris(DAY1, 14, 2),
                left_at=paris(DAY1, 14, 4),
            )
        )
        today = Day(date=now.astimezone(PARIS).date(), theme_id=fair["themes"][0].id)
        db.add(today)
        await db.flush()
        live = Session(
            title="En direct",
            day_id=today.id,
            theme_id=fair["themes"][0].id,
            starts_at=now - timedelta(minutes=30),
            ends_at=now + timedelta(minutes=30),
        )
        db.add(live)
        await db.flush()
        # Zoé is in the room since 12 minutes; Eve came and went.
        db.add_all(
            [
                RoomVisit(session_id=live.id, user_id=fair["zoe"].id, joined_at=now - timedelta(minutes=12)),
                RoomVisit(
                    session_id=live.id,
                    user_id=fair["eve"].id,
                    joined_at=now - timedelta(minutes=25),
                    left_at=now - timedelta(minutes=20),
                ),
            ]
        )
    _header, *rows = await export(organiser, "attendance")
    figures = {row[4]: row[8:] for row in rows}
    assert figures["Pitch laser"] == ["1", "1", "5"]
    assert figures["Soudage laser de boîtiers titane"] == ["3", "3", "105"]
    assert figures["En direct"] == ["2", "1", "17"]


async def test_attendance_export_reads_the_peaks_the_dashboard_kept(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = fair["welding"]
    first = await export(organiser, "attendance")
    async with sessionmaker() as db:
        kept = await db.get(SessionAttendanceFigures, welding.id)
    # The first export kept the ended session's figures, as the dashboard does.
    assert kept is not None and kept.peak == 3
    # A figure no sweep would give, under the same fingerprint: only reading the kept row shows it.
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(SessionAttendanceFigures)
            .where(SessionAttendanceFigures.session_id == welding.id)
            .values(peak=42)
        )
    second = await export(organiser, "attendance")
    peak_column = first[0].index("peak_live")
    assert [row[peak_column] for row in first[1:]] == ["3", "1", "0"]
    assert [row[peak_column] for row in second[1:]] == ["42", "1", "0"]
