"""The programme API against the make_programme data: shapes and exact values, filters, statuses, every
kind of bad input, caching headers and a constant number of queries whatever the size of the programme."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import Session, Speaker

Programme = dict[str, Any]


@pytest.fixture
async def api(client: httpx.AsyncClient) -> httpx.AsyncClient:
    # Reasons are checked in English, whatever the French catalogue says later.
    client.cookies.set("em_lang", "en")
    return client


@pytest.fixture
async def programme(make_programme: Callable[..., Any]) -> Programme:
    return await make_programme()


def welding_json(programme: Programme) -> dict[str, object]:
    welding, speaker = programme["welding"], programme["speaker"]
    return {
        "id": welding.id,
        "uid": f"session-{welding.id}@127.0.0.1",
        "kind": "webinar",
        "title": "Soudage laser de boîtiers titane",
        "abstract": "Hermétique.",
        "day": "2020-09-22",
        "theme": "laser",
        "starts_at": "2020-09-22T08:00:00+00:00",
        "ends_at": "2020-09-22T09:00:00+00:00",
        "starts_at_local": "2020-09-22T10:00:00+02:00",
        "ends_at_local": "2020-09-22T11:00:00+02:00",
        "timezone": "Europe/Paris",
        "status": "ended",
        "sequence": 0,
        "speakers": [{"id": speaker.id, "name": "Marie Curie-Laser", "affiliation": "FEMTO-ST"}],
        "url": f"http://127.0.0.1:8000/sessions/{welding.id}",
    }


async def session_ids(api: httpx.AsyncClient, query: str) -> list[int]:
    response = await api.get(f"/api/sessions{query}")
    assert response.status_code == 200, response.text
    return [session["id"] for session in response.json()["sessions"]]


async def test_days_lists_each_day_with_its_theme_and_session_count(
    api: httpx.AsyncClient, programme: Programme
) -> None:
    laser, metrology = programme["themes"]
    day1, day2 = programme["days"]
    response = await api.get("/api/days")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "days": [
            {
                "id": day1.id,
                "date": "2020-09-22",
                "theme": {
                    "id": laser.id,
                    "slug": "laser",
                    "name_fr": "Procédés laser",
                    "name_en": "Laser processes",
                },
                "session_count": 2,
            },
            {
                "id": day2.id,
                "date": "2020-09-23",
                "theme": {
                    "id": metrology.id,
                    "slug": "metrology",
                    "name_fr": "Métrologie",
                    "name_en": "Metrology",
                },
                "session_count": 1,
            },
        ]
    }


async def test_days_is_empty_without_a_programme(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/days")
    assert response.status_code == 200
    assert response.json() == {"days": []}


async def test_themes_lists_themes_in_programme_order(api: httpx.AsyncClient, programme: Programme) -> None:
    laser, metrology = programme["themes"]
    response = await api.get("/api/themes")
    assert response.status_code == 200
    assert response.json() == {
        "themes": [
            {"id": laser.id, "slug": "laser", "name_fr": "Procédés laser", "name_en": "Laser processes"},
            {"id": metrology.id, "slug": "metrology", "name_fr": "Métrologie", "name_en": "Metrology"},
        ]
    }


async def test_sessions_lists_every_session_in_start_order_with_utc_and_local_times(
    api: httpx.AsyncClient, programme: Programme
) -> None:
    response = await api.get("/api/sessions")
    assert response.status_code == 200
    sessions = response.json()["sessions"]
    assert [s["id"] for s in sessions] == [programme[name].id for name in ("welding", "pitch", "tomography")]
    assert sessions[0] == welding_json(programme)
    pitch = sessions[1]
    assert (pitch["kind"], pitch["speakers"], pitch["status"]) == ("pitch", [], "ended")
    assert (pitch["starts_at"], pitch["starts_at_local"]) == (
        "2020-09-22T12:00:00+00:00",
        "2020-09-22T14:00:00+02:00",
    )


async def test_sessions_marks_the_cancelled_session_cancelled(
    api: httpx.AsyncClient, programme: Programme
) -> None:
    response = await api.get("/api/sessions")
    tomography = response.json()["sessions"][2]
    assert tomography["id"] == programme["tomography"].id
    assert tomography["status"] == "cancelled"
    assert (tomography["day"], tomography["theme"]) == ("2020-09-23", "metrology")
    assert tomography["starts_at"] == "2020-09-23T07:00:00+00:00"


async def test_sessions_filters_by_day_theme_and_kind(api: httpx.AsyncClient, programme: Programme) -> None:
    welding, pitch, tomography = (programme[name].id for name in ("welding", "pitch", "tomography"))
    assert await session_ids(api, "?day=2020-09-22") == [welding, pitch]
    assert await session_ids(api, "?day=2020-09-23") == [tomography]
    assert await session_ids(api, "?theme=metrology") == [tomography]
    assert await session_ids(api, "?kind=pitch") == [pitch]
    assert await session_ids(api, "?kind=webinar") == [welding, tomography]
    assert await session_ids(api, "?day=2020-09-22&theme=laser&kind=webinar") == [welding]
    assert await session_ids(api, "?day=2020-09-23&theme=laser") == []


async def test_sessions_filters_by_status_ended_and_cancelled(
    api: httpx.AsyncClient, programme: Programme
) -> None:
    assert await session_ids(api, "?status=ended") == [programme["welding"].id, programme["pitch"].id]
    assert await session_ids(api, "?status=cancelled") == [programme["tomography"].id]
    assert await session_ids(api, "?status=upcoming") == []
    assert await session_ids(api, "?status=live") == []


async def test_sessions_filters_by_status_upcoming_and_live(
    api: httpx.AsyncClient, make_programme: Callable[..., Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    programme = await make_programme(first_day=date.today() + timedelta(days=30))
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        live = Session(
            title="En direct", day_id=programme["days"][0].id, theme_id=programme["themes"][0].id,
            starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=30),
        )  # fmt: skip
        db.add(live)
    assert await session_ids(api, "?status=live") == [live.id]
    assert await session_ids(api, "?status=upcoming") == [programme["welding"].id, programme["pitch"].id]
    assert await session_ids(api, "?status=cancelled") == [programme["tomography"].id]


async def test_sessions_ignores_unknown_parameters_and_empty_values(
    api: httpx.AsyncClient, programme: Programme
) -> None:
    expected = [programme[name].id for name in ("welding", "pitch", "tomography")]
    assert await session_ids(api, "?foo=bar&page=2&lang=" + "x" * 500) == expected
    assert await session_ids(api, "?day=&theme=&kind=&status=") == expected


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("day=22-09-2020", "day must be a date written YYYY-MM-DD, such as 2020-09-22."),
        ("day=20200922", "day must be a date written YYYY-MM-DD, such as 2020-09-22."),
        ("day=2020-02-30", "day must be a date written YYYY-MM-DD, such as 2020-09-22."),
        ("day=%D9%A2%D9%A0%D9%A2%D9%A0-09-22", "day must be a date written YYYY-MM-DD, such as 2020-09-22."),
        ("day=2020-09-30", "day: the programme has no day on 2020-09-30."),
        ("theme=welding", "theme: no theme has this slug (see /api/themes)."),
        ("theme=" + "x" * 100, "theme: no theme has this slug (see /api/themes)."),
        ("theme=" + "x" * 101, "theme is longer than 100 characters."),
        ("day=" + "2" * 101, "day is longer than 100 characters."),
        ("kind=keynote", "kind must be one of: webinar, pitch."),
        ("kind=Webinar", "kind must be one of: webinar, pitch."),
        ("status=postponed", "status must be one of: upcoming, live, ended, cancelled."),
        ("status=" + "live" * 26, "status is longer than 100 characters."),
        ("kind=webinar&kind=pitch", "kind is given more than once."),
    ],
)
async def test_sessions_answers_400_with_a_reason_naming_the_parameter(
    api: httpx.AsyncClient, programme: Programme, query: str, reason: str
) -> None:
    response = await api.get(f"/api/sessions?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": reason}


async def test_session_detail_returns_one_session(api: httpx.AsyncClient, programme: Programme) -> None:
    response = await api.get(f"/api/sessions/{programme['welding'].id}")
    assert response.status_code == 200
    assert response.json() == welding_json(programme)


@pytest.mark.parametrize("session_id", ["0", "999999", "99999999999999999999999"])
async def test_session_detail_answers_404_json_for_an_unknown_id(
    api: httpx.AsyncClient, programme: Programme, session_id: str
) -> None:
    response = await api.get(f"/api/sessions/{session_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "No session has this id."}


async def test_speakers_lists_speakers_with_their_session_ids(
    api: httpx.AsyncClient, programme: Programme, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        silent = Speaker(name="Zoé Sans-Session", position=1)
        db.add(silent)
    speaker = programme["speaker"]
    response = await api.get("/api/speakers")
    assert response.status_code == 200
    assert response.json() == {
        "speakers": [
            {
                "id": speaker.id,
                "name": "Marie Curie-Laser",
                "affiliation": "FEMTO-ST",
                "bio": "Chercheuse.",
                "session_ids": [programme["welding"].id],
            },
            {"id": silent.id, "name": "Zoé Sans-Session", "affiliation": "", "bio": "", "session_ids": []},
        ]
    }


async def test_speaker_detail_returns_one_speaker(api: httpx.AsyncClient, programme: Programme) -> None:
    speaker = programme["speaker"]
    response = await api.get(f"/api/speakers/{speaker.id}")
    assert response.status_code == 200
    assert response.json() == {
        "id": speaker.id,
        "name": "Marie Curie-Laser",
        "affiliation": "FEMTO-ST",
        "bio": "Chercheuse.",
        "session_ids": [programme["welding"].id],
    }


@pytest.mark.parametrize("speaker_id", ["999999", "99999999999999999999999"])
async def test_speaker_detail_answers_404_json_for_an_unknown_id(
    api: httpx.AsyncClient, programme: Programme, speaker_id: str
) -> None:
    response = await api.get(f"/api/speakers/{speaker_id}")
    assert response.status_code == 404
    assert response.json() == {"error": "No speaker has this id."}


@pytest.mark.parametrize("path", ["/api/nothing", "/api/sessions/welding", "/api/speakers/1/sessions"])
async def test_api_answers_json_404_for_an_unknown_route(api: httpx.AsyncClient, path: str) -> None:
    response = await api.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "This page does not exist."}


@pytest.mark.parametrize(
    "path", ["/api/days", "/api/themes", "/api/sessions", "/api/speakers", "/api/openapi.json"]
)
async def test_api_responses_are_publicly_cacheable_and_set_no_cookie(
    client: httpx.AsyncClient, programme: Programme, path: str
) -> None:
    # A shared cache must never hand one visitor's cookie to another.
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    assert "set-cookie" not in response.headers


async def test_session_uid_and_url_follow_the_site_url(
    make_app: Callable[..., Any], programme: Programme
) -> None:
    app = make_app(site_url="https://www.e-micronora.example:8443/")
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            response = await http.get(f"/api/sessions/{programme['pitch'].id}")
    pitch_id = programme["pitch"].id
    assert response.json()["uid"] == f"session-{pitch_id}@www.e-micronora.example"
    assert response.json()["url"] == f"https://www.e-micronora.example:8443/sessions/{pitch_id}"


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Every SQL statement run while the test holds it (all engines, both back-ends)."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


async def _queries_per_endpoint(api: httpx.AsyncClient, statements: list[str], paths: list[str]) -> list[int]:
    counts = []
    for path in paths:
        statements.clear()
        assert (await api.get(path)).status_code == 200
        counts.append(len(statements))
    return counts


async def test_api_query_count_does_not_grow_with_the_programme(
    api: httpx.AsyncClient,
    programme: Programme,
    sessionmaker: async_sessionmaker[AsyncSession],
    statements: list[str],
) -> None:
    paths = ["/api/days", "/api/sessions", "/api/speakers", f"/api/speakers/{programme['speaker'].id}"]
    small = await _queries_per_endpoint(api, statements, paths)
    day1 = programme["days"][0]
    one_pm = datetime(2020, 9, 22, 13, tzinfo=UTC)
    async with sessionmaker() as db, db.begin():
        for index in range(10):
            speakers = [Speaker(name=f"Speaker {index}-{n}") for n in range(3)]
            db.add(
                Session(
                    title=f"Session {index}", day_id=day1.id, theme_id=day1.theme_id,
                    starts_at=one_pm, ends_at=one_pm + timedelta(hours=1),
                    speakers=[*speakers, await db.merge(programme["speaker"])],
                )
            )  # fmt: skip
    large = await _queries_per_endpoint(api, statements, paths)
    assert large == small
    assert min(small) >= 1 and max(small) <= 3
