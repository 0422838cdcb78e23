"""The pure calendar builder, read back by icalendar and by vobject (an independent parser)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar
import vobject

from emicronora.calendar.ical import CalendarItem, build_calendar, content_etag, serialise

PARIS = ZoneInfo("Europe/Paris")
STAMP = datetime(2020, 9, 1, 12, 0, tzinfo=UTC)


def item(uid: str, start: datetime, end: datetime, **fields: object) -> CalendarItem:
    return CalendarItem(
        uid=uid,
        summary=fields.pop("summary", "Session"),
        start=start,
        end=end,
        sequence=fields.pop("sequence", 0),
        last_modified=fields.pop("last_modified", STAMP),
        **fields,  # type: ignore[arg-type]
    )


def test_calendar_carries_the_rfc5545_headers_feed_apps_need() -> None:
    text = serialise(build_calendar("e-Micronora", [], PARIS, STAMP)).decode()
    lines = text.splitlines()
    assert lines[0] == "BEGIN:VCALENDAR"
    for expected in (
        "VERSION:2.0",
        "PRODID:-//e-Micronora//e-Micronora calendar feeds//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:e-Micronora",
        "X-WR-TIMEZONE:Europe/Paris",
        "REFRESH-INTERVAL;VALUE=DURATION:PT20M",
        "X-PUBLISHED-TTL:PT20M",
    ):
        assert expected in lines
    assert next(vobject.readComponents(text)).name == "VCALENDAR"  # an empty calendar is still valid


def test_times_keep_the_paris_wall_clock_across_the_october_dst_change() -> None:
    before = item("s-1@x", datetime(2020, 10, 24, 10, tzinfo=PARIS), datetime(2020, 10, 24, 11, tzinfo=PARIS))
    after = item("s-2@x", datetime(2020, 10, 26, 10, tzinfo=PARIS), datetime(2020, 10, 26, 11, tzinfo=PARIS))
    text = serialise(build_calendar("c", [before, after], PARIS, STAMP)).decode()
    lines = text.splitlines()
    assert "DTSTART;TZID=Europe/Paris:20201024T100000" in lines
    assert "DTEND;TZID=Europe/Paris:20201024T110000" in lines
    assert "DTSTART;TZID=Europe/Paris:20201026T100000" in lines
    # The VTIMEZONE describes the change of 25 October 2020 at 03:00 (+02:00 -> +01:00).
    standard = [part.split("END:STANDARD")[0] for part in text.split("BEGIN:STANDARD")[1:]]
    assert any(
        "20201025T030000" in part and "TZOFFSETFROM:+0200" in part and "TZOFFSETTO:+0100" in part
        for part in standard
    )
    assert text.count("BEGIN:VTIMEZONE") == 1
    # An independent parser resolves both to the right instants: 08:00Z before the change, 09:00Z after.
    parsed = next(vobject.readComponents(text))
    starts = sorted(event.dtstart.value.astimezone(UTC) for event in parsed.vevent_list)
    assert starts == [datetime(2020, 10, 24, 8, tzinfo=UTC), datetime(2020, 10, 26, 9, tzinfo=UTC)]
    events = [c for c in icalendar.Calendar.from_ical(text).walk("VEVENT")]
    assert sorted(e.decoded("dtstart").astimezone(UTC) for e in events) == starts


def test_french_text_commas_semicolons_and_newlines_survive_and_lines_are_folded() -> None:
    summary = "Soudage laser, boîtiers; titane – œuvre « hermétique »"
    description = "Ligne 1, avec virgule;\nLigne 2 : " + "é" * 80
    text = serialise(
        build_calendar(
            "c",
            [
                item(
                    "s-1@x",
                    datetime(2020, 9, 22, 10, tzinfo=PARIS),
                    datetime(2020, 9, 22, 11, tzinfo=PARIS),
                    summary=summary,
                    description=description,
                    categories=("Procédés laser",),
                )
            ],
            PARIS,
            STAMP,
        )
    )
    assert all(len(line) <= 75 for line in text.split(b"\r\n"))
    assert b"SUMMARY:Soudage laser\\, bo\xc3\xaetiers\\; titane" in text
    event = next(vobject.readComponents(text.decode())).vevent
    assert event.summary.value == summary
    assert event.description.value == description
    parsed = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(parsed["summary"]) == summary
    assert str(parsed["description"]) == description


def test_event_carries_uid_sequence_last_modified_status_and_one_dtstamp() -> None:
    items = [
        item(
            "session-1@fair.example",
            datetime(2020, 9, 22, 10, tzinfo=PARIS),
            datetime(2020, 9, 22, 11, tzinfo=PARIS),
            sequence=3,
            last_modified=datetime(2020, 9, 10, 8, 30, tzinfo=UTC),
            url="https://fair.example/sessions/1",
            location="https://fair.example/sessions/1",
            organizer_name="e-Micronora",
            organizer_email="contact@fair.example",
        ),
        item(
            "session-2@fair.example",
            datetime(2020, 9, 22, 12, tzinfo=PARIS),
            datetime(2020, 9, 22, 13, tzinfo=PARIS),
            cancelled=True,
        ),
    ]
    text = serialise(build_calendar("c", items, PARIS, STAMP)).decode()
    lines = text.splitlines()
    assert "UID:session-1@fair.example" in lines
    assert "SEQUENCE:3" in lines
    assert "LAST-MODIFIED:20200910T083000Z" in lines
    assert "STATUS:CONFIRMED" in lines and "STATUS:CANCELLED" in lines
    assert "URL:https://fair.example/sessions/1" in lines
    assert "ORGANIZER;CN=e-Micronora:mailto:contact@fair.example" in lines
    assert [line for line in lines if line.startswith("DTSTAMP")] == ["DTSTAMP:20200901T120000Z"] * 2


def test_etag_ignores_the_export_time_but_follows_a_change() -> None:
    base = item("s-1@x", datetime(2020, 9, 22, 10, tzinfo=PARIS), datetime(2020, 9, 22, 11, tzinfo=PARIS))
    moved = item(
        "s-1@x", datetime(2020, 9, 22, 11, tzinfo=PARIS), datetime(2020, 9, 22, 12, tzinfo=PARIS), sequence=1
    )
    assert content_etag("c", [base]) == content_etag("c", [base])
    assert content_etag("c", [base]) != content_etag("c", [moved])
