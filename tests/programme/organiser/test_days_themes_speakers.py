"""Days, themes and speakers in the organiser area: create, edit, validation errors next to the fields,
cancelling a whole day, reordering, and deleting only what nothing else needs."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Day, Session, Speaker, Theme
from tests.conftest import post_form
from tests.organiser.conftest import programme_state


def row_ids(page: str, kind: str) -> list[int]:
    return [int(found) for found in re.findall(rf'<tr id="{kind}-(\d+)"', page)]


async def sessions_by_title(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Session]:
    async with sessionmaker() as db:
        return {s.title: s for s in (await db.scalars(select(Session))).unique()}


# --- days -----------------------------------------------------------------------------------------------


async def test_day_create_appends_it_to_the_days(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    metrology = programme["themes"][1]
    response = await post_form(
        organiser, "/organiser/days/new", {"date": "2020-09-24", "theme_id": str(metrology.id)}
    )
    assert response.status_code == 303
    async with sessionmaker() as db:
        day = await db.scalar(select(Day).where(Day.date == date(2020, 9, 24)))
    assert response.headers["location"] == f"/organiser/#day-{day.id}"
    assert (day.theme_id, day.position) == (metrology.id, 3)
    assert row_ids((await organiser.get("/organiser/")).text, "day")[-1] == day.id


BAD_DAY_INPUTS = [
    ({"date": "2020-09-23"}, "date", "A day already exists on this date."),
    ({"date": "24/09/2020"}, "date", "Enter a date as YYYY-MM-DD."),
    ({"date": ""}, "date", "This field is required."),
    ({"theme_id": "999999"}, "theme_id", "This theme does not exist."),
    ({"theme_id": ""}, "theme_id", "This field is required."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), BAD_DAY_INPUTS, ids=[m for _c, _f, m in BAD_DAY_INPUTS]
)
async def test_day_create_rerenders_bad_input_with_message_next_to_field(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await programme_state(sessionmaker)
    form = {"date": "2020-09-24", "theme_id": str(programme["themes"][0].id), **changes}
    response = await post_form(organiser, "/organiser/days/new", form)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert 'value="{}"'.format(form["date"]) in response.text
    assert await programme_state(sessionmaker) == before


async def test_day_edit_to_another_days_date_is_refused(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await programme_state(sessionmaker)
    day1, day2 = programme["days"]
    form = {"date": day2.date.isoformat(), "theme_id": str(day1.theme_id)}
    response = await post_form(organiser, f"/organiser/days/{day1.id}/edit", form)
    assert response.status_code == 400
    assert '<p class="error" id="e-date">A day already exists on this date.</p>' in response.text
    assert 'value="2020-09-23"' in response.text
    assert await programme_state(sessionmaker) == before


async def test_day_edit_of_its_theme_keeps_its_own_date(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    day1 = programme["days"][0]
    metrology = programme["themes"][1]
    form = {"date": "2020-09-22", "theme_id": str(metrology.id)}
    assert (await post_form(organiser, f"/organiser/days/{day1.id}/edit", form)).status_code == 303
    async with sessionmaker() as db:
        assert (await db.get_one(Day, day1.id)).theme_id == metrology.id
    sessions = await sessions_by_title(sessionmaker)
    assert sessions["Soudage laser de boîtiers titane"].sequence == 0


async def test_day_edit_of_its_date_moves_its_sessions_and_bumps_them(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    day1 = programme["days"][0]
    form = {"date": "2020-09-21", "theme_id": str(day1.theme_id)}
    assert (await post_form(organiser, f"/organiser/days/{day1.id}/edit", form)).status_code == 303
    sessions = await sessions_by_title(sessionmaker)
    welding, pitch = sessions["Soudage laser de boîtiers titane"], sessions["Pitch laser"]
    assert (welding.starts_at, welding.ends_at, welding.sequence) == (
        datetime(2020, 9, 21, 8, 0, tzinfo=UTC),
        datetime(2020, 9, 21, 9, 0, tzinfo=UTC),
        1,
    )
    assert (pitch.starts_at, pitch.sequence) == (datetime(2020, 9, 21, 12, 0, tzinfo=UTC), 1)
    assert sessions["Tomographie industrielle"].sequence == 0


async def test_day_cancel_cancels_all_its_sessions_and_bumps_each(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    day1 = programme["days"][0]
    response = await post_form(organiser, f"/organiser/days/{day1.id}/cancel", {})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/#day-{day1.id}"
    sessions = await sessions_by_title(sessionmaker)
    for title in ("Soudage laser de boîtiers titane", "Pitch laser"):
        assert (sessions[title].is_cancelled, sessions[title].sequence) == (True, 1)
    # The other day is untouched.
    assert (
        sessions["Tomographie industrielle"].is_cancelled,
        sessions["Tomographie industrielle"].sequence,
    ) == (
        True,
        0,
    )
    page = (await organiser.get("/programme?day=2020-09-22")).text
    assert page.count('<span class="badge status cancelled">Cancelled</span>') == 2


async def test_day_restore_restores_its_cancelled_sessions(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    day2 = programme["days"][1]
    assert (await post_form(organiser, f"/organiser/days/{day2.id}/restore", {})).status_code == 303
    tomography = (await sessions_by_title(sessionmaker))["Tomographie industrielle"]
    assert (tomography.is_cancelled, tomography.sequence) == (False, 1)


async def test_day_move_up_changes_the_order_on_the_public_programme(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    day1, day2 = programme["days"]
    response = await post_form(organiser, f"/organiser/days/{day2.id}/move", {"direction": "up"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/#day-{day2.id}"
    assert row_ids((await organiser.get("/organiser/")).text, "day") == [
        day2.id,
        day1.id,
        programme["spare_day"].id,
    ]
    public = (await organiser.get("/programme")).text
    assert public.index("Wednesday, September 23, 2020") < public.index("Tuesday, September 22, 2020")


async def test_day_move_up_at_the_top_changes_nothing(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    day1, day2 = programme["days"]
    await post_form(organiser, f"/organiser/days/{day1.id}/move", {"direction": "up"})
    assert row_ids((await organiser.get("/organiser/")).text, "day") == [
        day1.id,
        day2.id,
        programme["spare_day"].id,
    ]


async def test_day_delete_is_refused_while_sessions_take_place_on_it(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await programme_state(sessionmaker)
    day2 = programme["days"][1]  # only a cancelled session: still needed by calendar feeds
    response = await post_form(organiser, f"/organiser/days/{day2.id}/delete", {})
    assert response.status_code == 400
    assert "Sessions (cancelled ones included) take place on this day: move them first." in response.text
    assert await programme_state(sessionmaker) == before


async def test_day_delete_removes_a_day_without_sessions(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_form(organiser, f"/organiser/days/{programme['spare_day'].id}/delete", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/organiser/#days"
    async with sessionmaker() as db:
        assert await db.get(Day, programme["spare_day"].id) is None


# --- themes ---------------------------------------------------------------------------------------------


async def test_theme_create_appends_it_to_the_themes(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    form = {
        "slug": "micro-nano",
        "name_fr": "Micro et nanotechnologies",
        "name_en": "Micro and nanotechnologies",
    }
    response = await post_form(organiser, "/organiser/themes/new", form)
    assert response.status_code == 303
    async with sessionmaker() as db:
        theme = await db.scalar(select(Theme).where(Theme.slug == "micro-nano"))
    assert response.headers["location"] == f"/organiser/#theme-{theme.id}"
    assert (theme.name_fr, theme.name_en, theme.position) == (
        "Micro et nanotechnologies",
        "Micro and nanotechnologies",
        3,
    )
    public = (await organiser.get("/programme?theme=micro-nano")).text
    assert "No session matches these filters." in public


BAD_THEME_INPUTS = [
    ({"slug": "laser"}, "slug", "Another theme already uses this slug."),
    (
        {"slug": "Micro Nano"},
        "slug",
        "Use lowercase letters, digits and hyphens (for example laser-processes).",
    ),
    ({"slug": "micro-"}, "slug", "Use lowercase letters, digits and hyphens (for example laser-processes)."),
    ({"slug": ""}, "slug", "This field is required."),
    ({"name_fr": ""}, "name_fr", "This field is required."),
    ({"name_en": "x" * 121}, "name_en", "At most 120 characters."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), BAD_THEME_INPUTS, ids=[f"{f}:{m}" for _c, f, m in BAD_THEME_INPUTS]
)
async def test_theme_create_rerenders_bad_input_with_message_next_to_field(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await programme_state(sessionmaker)
    form = {"slug": "micro-nano", "name_fr": "Micro", "name_en": "Micro and nano", **changes}
    response = await post_form(organiser, "/organiser/themes/new", form)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert 'value="{}"'.format(form["slug"]) in response.text
    assert await programme_state(sessionmaker) == before


async def test_theme_edit_keeps_its_own_slug_and_refuses_another_ones(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    laser = programme["themes"][0]
    form = {"slug": "laser", "name_fr": "Procédés laser", "name_en": "Laser processing"}
    assert (await post_form(organiser, f"/organiser/themes/{laser.id}/edit", form)).status_code == 303
    async with sessionmaker() as db:
        assert (await db.get_one(Theme, laser.id)).name_en == "Laser processing"
    response = await post_form(organiser, f"/organiser/themes/{laser.id}/edit", {**form, "slug": "metrology"})
    assert response.status_code == 400
    assert '<p class="error" id="e-slug">Another theme already uses this slug.</p>' in response.text


async def test_theme_move_down_changes_the_order_of_the_filters(
    organiser: httpx.AsyncClient, programme: dict[str, Any]
) -> None:
    laser, metrology = programme["themes"]
    response = await post_form(organiser, f"/organiser/themes/{laser.id}/move", {"direction": "down"})
    assert response.status_code == 303
    assert row_ids((await organiser.get("/organiser/")).text, "theme") == [
        metrology.id,
        laser.id,
        programme["spare_theme"].id,
    ]
    public = (await organiser.get("/programme")).text
    assert public.index("?theme=metrology") < public.index("?theme=laser")


async def test_theme_delete_is_refused_while_in_use(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await programme_state(sessionmaker)
    response = await post_form(organiser, f"/organiser/themes/{programme['themes'][0].id}/delete", {})
    assert response.status_code == 400
    assert (
        '<p class="notice warning" role="alert" id="e-delete">'
        "Days or sessions use this theme: give them another theme first.</p>" in response.text
    )
    assert await programme_state(sessionmaker) == before


async def test_theme_delete_removes_an_unused_theme(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_form(organiser, f"/organiser/themes/{programme['spare_theme'].id}/delete", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/organiser/#themes"
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Theme)) == 2


# --- speakers -------------------------------------------------------------------------------------------


async def test_speaker_create_and_edit(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    form = {"name": "Ada Lovelace", "affiliation": "", "bio": "Pionnière."}
    response = await post_form(organiser, "/organiser/speakers/new", form)
    assert response.status_code == 303
    async with sessionmaker() as db:
        speaker = await db.scalar(select(Speaker).where(Speaker.name == "Ada Lovelace"))
    assert response.headers["location"] == f"/organiser/#speaker-{speaker.id}"
    assert (speaker.affiliation, speaker.bio, speaker.position) == ("", "Pionnière.", 1)
    form = {"name": "Ada Lovelace", "affiliation": "Analytical Engine", "bio": "Pionnière."}
    assert (await post_form(organiser, f"/organiser/speakers/{speaker.id}/edit", form)).status_code == 303
    async with sessionmaker() as db:
        assert (await db.get_one(Speaker, speaker.id)).affiliation == "Analytical Engine"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"affiliation": "x" * 201}, "affiliation", "At most 200 characters."),
        ({"bio": "x" * 5001}, "bio", "At most 5000 characters."),
    ],
)
async def test_speaker_create_rerenders_bad_input_with_message_next_to_field(
    organiser: httpx.AsyncClient,
    programme: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    before = await programme_state(sessionmaker)
    form = {"name": "Ada Lovelace", "affiliation": "Analytical Engine", "bio": "Pionnière.", **changes}
    response = await post_form(organiser, "/organiser/speakers/new", form)
    assert response.status_code == 400
    assert f'<p class="error" id="e-{field}">{message}</p>' in response.text
    assert ">{}</textarea>".format(form["bio"]) in response.text
    assert await programme_state(sessionmaker) == before


async def test_speaker_move_up_changes_the_order_of_the_speakers(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        # Same position as the first speaker: positions may tie, a move must still swap.
        ada = Speaker(name="Ada Lovelace", position=0)
        db.add(ada)
    first = programme["speaker"]
    assert row_ids((await organiser.get("/organiser/")).text, "speaker") == [ada.id, first.id]
    await post_form(organiser, f"/organiser/speakers/{first.id}/move", {"direction": "up"})
    assert row_ids((await organiser.get("/organiser/")).text, "speaker") == [first.id, ada.id]
    public = (await organiser.get("/speakers")).text
    assert public.index("<h2>Marie Curie-Laser</h2>") < public.index("<h2>Ada Lovelace</h2>")


async def test_speaker_delete_unlinks_them_from_their_sessions(
    organiser: httpx.AsyncClient, programme: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    welding = programme["welding"]
    response = await post_form(organiser, f"/organiser/speakers/{programme['speaker'].id}/delete", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/organiser/#speakers"
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Speaker)) == 0
        saved = await db.get_one(Session, welding.id)
        assert (saved.speakers, saved.sequence) == ([], 0)
        assert saved.updated_at > welding.updated_at
