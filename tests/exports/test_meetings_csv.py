"""One file of every B2B meeting: the B2B organiser pages' link (/organiser/b2b/meetings.csv) gives the
meetings export, byte for byte."""

from __future__ import annotations

from typing import Any

import httpx

from tests.exports.conftest import read_csv

B2B_URL = "/organiser/b2b/meetings.csv"
EXPORT_URL = "/organiser/exports/csv/meetings"


async def test_the_b2b_meetings_file_is_the_meetings_export(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    from_b2b = await organiser.get(B2B_URL)
    from_exports = await organiser.get(EXPORT_URL)
    for response in (from_b2b, from_exports):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["cache-control"] == "no-store"
        disposition = response.headers["content-disposition"]
        assert disposition.startswith('attachment; filename="e-micronora-meetings.csv";')
        assert response.content.startswith("\ufeff".encode())
    assert from_b2b.content == from_exports.content
    header, *rows = read_csv(from_b2b.content)
    placed, waiting = fair["meetings"]
    assert [row[0] for row in rows] == [str(placed.id), str(waiting.id)]
    line = dict(zip(header, rows[0], strict=True))
    # Both participants with their companies, the slot in the event's zone, the status and the room link.
    assert {name: line[name] for name in ("participant_a", "company_a", "participant_b", "company_b")} == {
        "participant_a": "Bob Bâtisseur",
        "company_a": "Optique Précise",
        "participant_b": "Zoé Électronique",
        "company_b": "Électro Besançon",
    }
    assert (line["start"], line["end"], line["timezone"]) == (
        "2020-09-24T14:00+02:00",
        "2020-09-24T14:20+02:00",
        "Europe/Paris",
    )
    assert (line["status"], line["published"], line["room_url"]) == (
        "scheduled",
        "yes",
        "https://meet.example.org/r1",
    )
    # A name or company that a spreadsheet would run as a formula is written as text.
    waiting_line = dict(zip(header, rows[1], strict=True))
    assert (waiting_line["participant_b"], waiting_line["company_b"]) == (
        '\'=HYPERLINK("http://evil")',
        "'+Evil",
    )


async def test_the_b2b_meetings_file_takes_the_exports_date_filter(
    organiser: httpx.AsyncClient, fair: dict[str, Any]
) -> None:
    period = {"from": "2020-09-24", "to": "2020-09-24"}
    from_b2b = await organiser.get(B2B_URL, params=period)
    assert from_b2b.content == (await organiser.get(EXPORT_URL, params=period)).content
    assert [row[0] for row in read_csv(from_b2b.content)[1:]] == [str(fair["meetings"][0].id)]
