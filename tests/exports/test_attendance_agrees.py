"""The attendance file and the dashboard give the same figures: a person's overlapping stays (two tabs, a
reconnection) are merged by one computation for both."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import RoomVisit
from tests.conftest import paris
from tests.exports.conftest import DAY1, read_csv

DAY = {"from": "2020-09-22", "to": "2020-09-22"}


async def dashboard_figures(client: httpx.AsyncClient) -> dict[str, tuple[str, str]]:
    """Unique viewers and peak of each session, by id, from the dashboard's attendance table."""
    response = await client.get("/organiser/dashboard", params=DAY)
    assert response.status_code == 200
    row = r'<tr data-session="(\d+)"><td>.*?</td><td>(\d+)</td><td>(\d+)</td></tr>'
    table = response.text.split('data-testid="attendance-table"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(row, table)
    return {session: (viewers, peak) for session, viewers, peak in rows}


async def file_figures(client: httpx.AsyncClient) -> dict[str, tuple[str, str, str]]:
    """Unique viewers, peak and minutes of each session, by id, from the attendance file."""
    response = await client.get("/organiser/exports/csv/attendance", params=DAY)
    assert response.status_code == 200
    header, *rows = read_csv(response.content)
    columns = [header.index(name) for name in ("unique_viewers", "peak_live", "total_minutes")]
    return {row[0]: (row[columns[0]], row[columns[1]], row[columns[2]]) for row in rows}


async def test_the_dashboard_and_the_attendance_file_agree_on_overlapping_stays(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding, pitch = fair["welding"], fair["pitch"]
    async with sessionmaker() as db, db.begin():
        db.add_all(
            [
                # Bob (10:10-10:50) opens a second tab at 10:20 and keeps it until 10:55: one person, there
                # from 10:10 to 10:55.
                RoomVisit(
                    session_id=welding.id,
                    user_id=fair["bob"].id,
                    joined_at=paris(DAY1, 10, 20),
                    left_at=paris(DAY1, 10, 55),
                ),
                # Eve (10:30-10:45) reconnects inside her own stay: nothing changes.
                RoomVisit(
                    session_id=welding.id,
                    user_id=fair["eve"].id,
                    joined_at=paris(DAY1, 10, 31),
                    left_at=paris(DAY1, 10, 44),
                ),
                # Bob in the pitch (14:00-14:05) with a tab opened as the first closes: still one person.
                RoomVisit(
                    session_id=pitch.id,
                    user_id=fair["bob"].id,
                    joined_at=paris(DAY1, 14, 5),
                    left_at=paris(DAY1, 14, 9),
                ),
            ]
        )
    # The file first (the sessions have ended: it keeps their figures), then the dashboard reads them.
    in_file = await file_figures(organiser)
    on_dashboard = await dashboard_figures(organiser)
    # Zoé 30 + 20 minutes, Bob 45, Eve 15; Bob 9 minutes of pitch.
    assert in_file == {str(welding.id): ("3", "3", "110"), str(pitch.id): ("1", "1", "9")}
    assert on_dashboard == {session: figures[:2] for session, figures in in_file.items()}
    # And again once both have read the kept figures.
    assert await file_figures(organiser) == in_file
