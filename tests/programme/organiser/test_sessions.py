"""Sessions in the organiser area: forms (times in the event zone, errors next to the fields), the calendar
contract (sequence bumped on time, day and status changes only), cancel/restore and reordering."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Day, Session
from tests.conftest import paris, post_form
from tests.organiser.conftest import programme_state


def session_form(programme: dict[str, Any], **changes: str) -> dict[str, str]:
    return {
        "kind": "webinar",
        "title": "Micro-usinage laser",
        "abstract": "Des trous de 10 µm.",
        "day_id": str(programme["days"][0].id),
        "theme_id": str(programme["themes"][0].id),
        "starts_at": "09:30",
        "ends_at": "10:15",
        "speaker_ids": str(programme["speaker"].id),
        **changes,
    }


async def load(sessionmaker: async_sessionmaker[AsyncSession], session_id: int) -> Session:
    async with sessionmaker() as db:
        return await db.get_one(Session, session_id)


async def test_session_create_stores_event_zone_times_as_utc(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_form(organiser, "/organiser/sessions/new", session_form(programme))
    assert response.status_code == 303
    async with sessionmaker() as db:
        session = await db.scalar(select(Session).where(Session.title == "Micro-usinage laser"))
    assert response.headers["location"] == f"/organiser/#session-{session.id}"
    # 22 September 2020 is summer time in Paris: UTC+2.
    assert session.starts_at == datetime(2020, 9, 22, 7, 30, tzinfo=UTC)
    assert session.ends_at == datetime(2020, 9, 22, 8, 15, tzinfo=UTC)
    assert (session.kind, session.abstract, session.sequence, session.is_cancelled) == (
        "webinar",
        "Des trous de 10 µm.",
        0,
        False,
    )
    assert [s.name for s in session.speakers] == ["Marie Curie-Laser"]
    # Two sessions already on that day (positions 0 and 1): the new one comes last.
    assert session.position == 2


async def test_session_create_on_a_winter_day_uses_winter_offset(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        winter = Day(date=date(2021, 1, 12), theme_id=programme["themes"][0].id, position=5)
        db.add(winter)
    form = session_form(programme, day_id=str(winter.id), title="Hiver")
    assert (await post_form(organiser, "/organiser/sessions/new", form)).status_code == 303
    async with sessionmaker() as db:
        session = await db.scalar(select(Session).where(Session.title == "Hiver"))
    assert session.starts_at == datetime(2021, 1, 12, 8, 30, tzinfo=UTC)


async def test_session_edit_form_shows_event_zone_times_and_choices(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    welding = programme["welding"]
    page = await organiser.get(f"/organiser/sessions/{welding.id}/edit")
    assert page.status_code == 200
    assert 'value="10:00"' in page.text
    assert 'value="11:00"' in page.text
    assert 'value="Soudage laser de boîtiers titane"' in page.text
    assert (
        f'<option value="{programme["days"][0].id}" selected>Tue 22 Sep 2020 – Laser processes</option>'
        in page.text
    )
    assert (
        f'<option value="{programme["speaker"].id}" selected>Marie Curie-Laser (FEMTO-ST)</option>'
        in page.text
    )
    assert '<option value="webinar" selected>Webinar</option>' in page.text


BAD_SESSION_INPUTS = [
    ({"title": ""}, "title", "This field is required."),
    ({"title": "x" * 201}, "title", "At most 200 characters."),
    ({"abstract": "x" * 10_001}, "abstract", "At most 10000 characters."),
    ({"kind": "keynote"}, "kind", "Choose one of the options."),
    ({"starts_at": "11:00", "ends_at": "10:00"}, "ends_at", "The end must be after the start."),
    ({"starts_at": "10:00", "ends_at": "10:00"}, "ends_at", "The end must be after the start."),
    ({"starts_at": "10h30"}, "starts_at", "Enter a time as HH:MM."),
    ({"ends_at": "25:00"}, "ends_at", "Enter a time as HH:MM."),
    ({"starts_at": ""}, "starts_at", "This field is required."),
    ({"theme_id": "999999"}, "theme_id", "This theme does not exist."),
    ({"day_id": "999999"}, "day_id", "This day does not exist."),
    ({"day_id": ""}, "day_id", "This field is required."),
    ({"speaker_ids": "999999"}, "speaker_ids", "This speaker does not exist."),
]
BAD_IDS = [f"{field}:{message}" for _changes, field, message in BAD_SESSION_INPUTS]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_SESSION_INPUTS, ids=BAD_IDS)
async def test_session_create_rerenders_bad_input_with_message_next_to_field(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await programme_state(sessionmaker)
    form = session_form(programme, **{"title": "Titre gardé", **changes})
    response = await post_form(organiser, "/organiser/sessions/new", form)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert response.text.count('<p class="error"') == 1
    if field != "title":
        assert 'value="Titre gardé"' in response.text
    assert 'value="{}"'.format(form["starts_at"]) in response.text
    assert await programme_state(sessionmaker) == before


@pytest.mark.parametrize(("changes", "field", "message"), BAD_SESSION_INPUTS, ids=BAD_IDS)
async def test_session_edit_rerenders_bad_input_and_writes_nothing(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await programme_state(sessionmaker)
    welding = programme["welding"]
    response = await post_form(
        organiser, f"/organiser/sessions/{welding.id}/edit", session_form(programme, **changes)
    )
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert await programme_state(sessionmaker) == before


async def test_session_create_keeps_chosen_options_after_an_error(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    form = session_form(programme, kind="pitch", title="", theme_id=str(programme["themes"][1].id))
    response = await post_form(organiser, "/organiser/sessions/new", form)
    assert response.status_code == 400
    assert '<option value="pitch" selected>Pitch session</option>' in response.text
    assert f'<option value="{programme["themes"][1].id}" selected>Metrology</option>' in response.text
    assert f'<option value="{programme["speaker"].id}" selected>' in response.text
    assert ">Des trous de 10 µm.</textarea>" in response.text


async def test_session_create_refuses_a_time_skipped_by_the_clock_change(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        spring = Day(date=date(2021, 3, 28), theme_id=programme["themes"][0].id, position=5)
        db.add(spring)
    form = session_form(programme, day_id=str(spring.id), starts_at="02:30", ends_at="04:00")
    response = await post_form(organiser, "/organiser/sessions/new", form)
    assert response.status_code == 400
    assert (
        '<p class="error" id="e-starts_at">This time does not exist on this day (the clocks change).</p>'
        in response.text
    )


async def test_session_time_change_bumps_sequence(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    form = session_form(
        programme, title=welding.title, abstract=welding.abstract, starts_at="10:30", ends_at="11:00"
    )
    response = await post_form(organiser, f"/organiser/sessions/{welding.id}/edit", form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/#session-{welding.id}"
    saved = await load(sessionmaker, welding.id)
    assert saved.starts_at == datetime(2020, 9, 22, 8, 30, tzinfo=UTC)
    assert saved.ends_at == datetime(2020, 9, 22, 9, 0, tzinfo=UTC)
    assert saved.sequence == 1
    assert saved.updated_at > welding.updated_at


async def test_session_end_only_change_bumps_sequence(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    form = session_form(
        programme, title=welding.title, abstract=welding.abstract, starts_at="10:00", ends_at="11:30"
    )
    assert (await post_form(organiser, f"/organiser/sessions/{welding.id}/edit", form)).status_code == 303
    saved = await load(sessionmaker, welding.id)
    assert (saved.ends_at, saved.sequence) == (paris(date(2020, 9, 22), 11, 30), 1)


async def test_session_day_change_bumps_sequence_and_moves_to_that_date(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    form = session_form(
        programme,
        title=welding.title,
        abstract=welding.abstract,
        day_id=str(programme["days"][1].id),
        starts_at="10:00",
        ends_at="11:00",
    )
    assert (await post_form(organiser, f"/organiser/sessions/{welding.id}/edit", form)).status_code == 303
    saved = await load(sessionmaker, welding.id)
    assert saved.day_id == programme["days"][1].id
    assert saved.starts_at == datetime(2020, 9, 23, 8, 0, tzinfo=UTC)
    assert saved.sequence == 1


async def test_session_title_only_edit_sets_updated_at_but_keeps_sequence(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    form = session_form(
        programme,
        title="Soudage laser (nouveau titre)",
        abstract="Nouveau résumé.",
        starts_at="10:00",
        ends_at="11:00",
    )
    assert (await post_form(organiser, f"/organiser/sessions/{welding.id}/edit", form)).status_code == 303
    saved = await load(sessionmaker, welding.id)
    assert (saved.title, saved.abstract, saved.sequence) == (
        "Soudage laser (nouveau titre)",
        "Nouveau résumé.",
        0,
    )
    assert saved.starts_at == welding.starts_at
    assert saved.updated_at > welding.updated_at


async def test_session_unchanged_save_touches_nothing(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    form = session_form(
        programme, title=welding.title, abstract=welding.abstract, starts_at="10:00", ends_at="11:00"
    )
    assert (await post_form(organiser, f"/organiser/sessions/{welding.id}/edit", form)).status_code == 303
    saved = await load(sessionmaker, welding.id)
    assert (saved.sequence, saved.updated_at) == (0, welding.updated_at)


async def test_session_cancel_and_restore_bump_sequence_once_each(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    response = await post_form(organiser, f"/organiser/sessions/{welding.id}/cancel", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/#session-{welding.id}"
    saved = await load(sessionmaker, welding.id)
    assert (saved.is_cancelled, saved.sequence) == (True, 1)
    assert saved.updated_at > welding.updated_at
    # A second click (double submit, two tabs) changes nothing more.
    await post_form(organiser, f"/organiser/sessions/{welding.id}/cancel", {})
    assert (await load(sessionmaker, welding.id)).sequence == 1
    page = await organiser.get(f"/sessions/{welding.id}")
    assert '<span class="badge status cancelled" data-testid="session-status">Cancelled</span>' in page.text

    await post_form(organiser, f"/organiser/sessions/{welding.id}/restore", {})
    saved = await load(sessionmaker, welding.id)
    assert (saved.is_cancelled, saved.sequence) == (False, 2)


async def test_session_cancel_is_shown_on_the_overview(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    welding = programme["welding"]
    await post_form(organiser, f"/organiser/sessions/{welding.id}/cancel", {})
    page = await organiser.get("/organiser/")
    row = page.text.split(f'<tr id="session-{welding.id}"')[1].split("</tr>")[0]
    assert '<span class="badge status cancelled">Cancelled</span>' in row
    assert f'action="/organiser/sessions/{welding.id}/restore"' in row


async def add_parallel_session(
    sessionmaker: async_sessionmaker[AsyncSession], programme: dict[str, Any]
) -> int:
    """A second session at the same time as `welding` (10:00 on day 1): a parallel track."""
    welding = programme["welding"]
    async with sessionmaker() as db, db.begin():
        parallel = Session(
            kind="webinar",
            title="Marquage laser",
            abstract="",
            day_id=welding.day_id,
            theme_id=welding.theme_id,
            starts_at=welding.starts_at,
            ends_at=welding.ends_at,
            position=2,
        )
        db.add(parallel)
    return parallel.id


def public_titles(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/sessions/\d+">([^<]+)</a></h3>', page)


async def test_session_move_down_swaps_parallel_sessions_on_the_public_programme(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await add_parallel_session(sessionmaker, programme)
    before = public_titles((await organiser.get("/programme?day=2020-09-22")).text)
    assert before == ["Soudage laser de boîtiers titane", "Marquage laser", "Pitch laser"]
    welding = programme["welding"]
    response = await post_form(organiser, f"/organiser/sessions/{welding.id}/move", {"direction": "down"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/#session-{welding.id}"
    after = public_titles((await organiser.get("/programme?day=2020-09-22")).text)
    assert after == ["Marquage laser", "Soudage laser de boîtiers titane", "Pitch laser"]
    # Reordering is not a change of time, place or status.
    assert (await load(sessionmaker, welding.id)).sequence == 0


async def test_session_move_up_swaps_back_and_stops_at_the_top(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    parallel_id = await add_parallel_session(sessionmaker, programme)
    await post_form(organiser, f"/organiser/sessions/{parallel_id}/move", {"direction": "up"})
    await post_form(organiser, f"/organiser/sessions/{parallel_id}/move", {"direction": "up"})
    titles = public_titles((await organiser.get("/programme?day=2020-09-22")).text)
    assert titles == ["Marquage laser", "Soudage laser de boîtiers titane", "Pitch laser"]


async def test_session_move_offers_arrows_only_within_a_time_slot(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    parallel_id = await add_parallel_session(sessionmaker, programme)
    page = (await organiser.get("/organiser/")).text
    assert page.count(f'action="/organiser/sessions/{programme["welding"].id}/move"') == 1
    assert page.count(f'action="/organiser/sessions/{parallel_id}/move"') == 1
    assert f'action="/organiser/sessions/{programme["pitch"].id}/move"' not in page


async def test_session_move_with_an_unknown_direction_is_a_bad_request(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    response = await post_form(
        organiser, f"/organiser/sessions/{programme['welding'].id}/move", {"direction": "left"}
    )
    assert response.status_code == 400


async def test_sessions_are_never_deleted_by_the_organiser_area(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_form(organiser, f"/organiser/sessions/{programme['welding'].id}/delete", {})
    assert response.status_code in (404, 405)
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Session)) == 3


async def test_session_new_form_is_prefilled_from_the_days_link(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    day2, metrology = programme["days"][1], programme["themes"][1]
    overview = (await organiser.get("/organiser/")).text
    link = f"/organiser/sessions/new?day_id={day2.id}&amp;theme_id={metrology.id}"
    assert f'<a href="{link}">Add a session on this day</a>' in overview
    page = await organiser.get(link.replace("&amp;", "&"))
    assert f'<option value="{day2.id}" selected>' in page.text
    assert f'<option value="{metrology.id}" selected>Metrology</option>' in page.text
