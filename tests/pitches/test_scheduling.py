from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora import processes
from emicronora.jobs.worker import Worker
from emicronora.models import Company, Job, PitchProposal, PitchSlot, User
from emicronora.settings import Settings
from tests.calendar.test_feeds import personal_feed_path
from tests.conftest import login, post_form

PAGE = "/organiser/pitches"
KIND = "pitches.schedule"
Sessions = async_sessionmaker[AsyncSession]
Factory = Callable[..., Awaitable[Any]]


def pitch_worker(sessionmaker: Sessions, settings: Settings) -> Worker:
    """`emicronora worker`, as it runs beside the server, limited to the pitch schedules."""
    worker = Worker(sessionmaker, settings, name="pitch-worker", periodic=False)
    worker.kinds = {KIND: worker.kinds[KIND]}
    return worker


async def schedule(client: httpx.AsyncClient, sessionmaker: Sessions, settings: Settings) -> httpx.Response:
    """The organiser's Schedule button, the worker's run of the job it queued, and the page it leads to."""
    queued = await post_form(client, f"{PAGE}/schedule", {}, token_from=PAGE)
    assert queued.status_code == 303, queued.text
    assert await pitch_worker(sessionmaker, settings).run_one()
    return await client.get(queued.headers["location"])


async def accepted_pitches(
    sessionmaker: Sessions, theme_id: int, count: int, sectors: list[str]
) -> list[PitchProposal]:
    async with sessionmaker() as db, db.begin():
        made = []
        for i in range(count):
            company = Company(
                name=f"Company {i}", country="FR", is_exhibitor=True, sector=sectors[i % len(sectors)]
            )
            db.add(company)
            await db.flush()
            proposal = PitchProposal(
                company_id=company.id,
                theme_id=theme_id,
                title=f"Pitch {i}",
                summary="Innovation.",
                speaker_name=f"Speaker {i}",
                status="accepted",
            )
            db.add(proposal)
            made.append(proposal)
        await db.flush()
        return made


async def slots(sessionmaker: Sessions) -> list[PitchSlot]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(PitchSlot).order_by(PitchSlot.position))).all())


async def test_schedule_places_accepted_pitches_keeps_sectors_apart_and_explains_the_rest(
    client: httpx.AsyncClient,
    make_programme,
    make_user,
    sessionmaker,
    settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    programme = await make_programme()  # the laser pitch session runs 14:00-15:00: 8 slots of 7 minutes
    await accepted_pitches(sessionmaker, programme["themes"][0].id, 9, ["laser", "laser", "health"])
    await make_user("org@example.org", organiser=True)
    client.cookies.set("em_lang", "en")
    await login(client, "org@example.org")
    children: list[str] = []
    run_in_child = processes.run_in_child

    async def spy(target: Any, argument: Any, **options: Any) -> Any:
        children.append(processes.target_name(target))
        return await run_in_child(target, argument, **options)

    monkeypatch.setattr(processes, "run_in_child", spy)
    response = await schedule(client, sessionmaker, settings)
    assert response.status_code == 200
    # The worker solved it in a child process, not in its own (or the web's) interpreter.
    assert children == ["emicronora.pitches.solver:solve"]
    result = " ".join(
        re.search(r'data-testid="schedule-result">\s*<p>([^<]+)</p>', response.text).group(1).split()
    )
    # 6 laser and 3 health pitches for 8 slots: L H L H L H L L is the best running order.
    assert result.startswith("8 pitches placed. 1 not placed. 1 pair of same-sector pitches side by side.")
    assert "More pitches than slots: 9 accepted pitches for 8 slots in this theme." in response.text
    placed = await slots(sessionmaker)
    assert [s.position for s in placed] == list(range(8))
    assert all(not s.is_published for s in placed)
    assert placed[0].starts_at == programme["pitch"].starts_at


async def test_published_pitch_appears_in_the_company_feed_and_a_move_bumps_its_sequence(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker, settings
) -> None:
    programme = await make_programme()
    pitches = await accepted_pitches(sessionmaker, programme["themes"][0].id, 2, ["laser", "health"])
    member = await make_user("member@example.org", name="Mia Member")
    async with sessionmaker() as db, db.begin():
        (await db.get_one(User, member.id)).company_id = pitches[0].company_id
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    await schedule(client, sessionmaker, settings)
    assert (await post_form(client, f"{PAGE}/publish", {}, token_from=PAGE)).status_code == 303
    first = next(s for s in await slots(sessionmaker) if s.proposal_id == pitches[0].id)
    assert (first.is_published, first.sequence) == (True, 0)
    page = (await client.get(f"/sessions/{programme['pitch'].id}")).text
    order = page.split('data-testid="running-order"')[1].split("</ol>")[0]
    assert order.index("Pitch 0") < order.index("Pitch 1")
    assert "14:00" in order and "14:07" in order

    await post_form(client, "/logout", {}, token_from=PAGE)
    await login(client, "member@example.org")
    feed = await personal_feed_path(client)
    body = (await client.get(feed)).text
    uid = f"UID:pitch-{pitches[0].id}@127.0.0.1"
    assert uid in body.splitlines()
    assert "SUMMARY:Notre pitch : Pitch 0" in body.splitlines()
    await post_form(client, "/logout", {}, token_from="/")

    await login(client, "org@example.org")
    moved = await post_form(
        client,
        f"{PAGE}/slots/{first.id}/move",
        {"session_id": str(programme["pitch"].id), "position": "5"},
        token_from=PAGE,
    )
    assert moved.status_code == 303
    first = next(s for s in await slots(sessionmaker) if s.proposal_id == pitches[0].id)
    assert (first.position, first.sequence) == (4, 1)
    body = (await client.get(feed)).text
    event = body.split(uid)[0].rsplit("BEGIN:VEVENT", 1)[1] + body.split(uid)[1].split("END:VEVENT")[0]
    assert "SEQUENCE:1" in event
    assert "DTSTART;TZID=Europe/Paris:20200922T142800" in event  # slot 5 of 7 minutes from 14:00


async def test_moving_onto_a_taken_slot_swaps_and_bad_moves_are_refused(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker, settings
) -> None:
    programme = await make_programme()
    await accepted_pitches(sessionmaker, programme["themes"][0].id, 2, ["laser", "health"])
    await make_user("org@example.org", organiser=True)
    client.cookies.set("em_lang", "en")
    await login(client, "org@example.org")
    await schedule(client, sessionmaker, settings)
    before = {s.id: s.position for s in await slots(sessionmaker)}
    a, b = sorted(before, key=before.get)
    await post_form(
        client,
        f"{PAGE}/slots/{a}/move",
        {"session_id": str(programme["pitch"].id), "position": "2"},
        token_from=PAGE,
    )
    after = {s.id: s.position for s in await slots(sessionmaker)}
    assert (after[a], after[b]) == (before[b], before[a])
    too_far = await post_form(
        client,
        f"{PAGE}/slots/{a}/move",
        {"session_id": str(programme["pitch"].id), "position": "9"},
        token_from=PAGE,
    )
    assert too_far.status_code == 400
    assert "This session has 8 slots." in too_far.text
    wrong_session = await post_form(
        client,
        f"{PAGE}/slots/{a}/move",
        {"session_id": str(programme["welding"].id), "position": "1"},
        token_from=PAGE,
    )
    assert wrong_session.status_code == 400
    assert "Choose a pitch session of the pitch&#39;s theme." in wrong_session.text
    assert (
        await post_form(
            client, f"{PAGE}/slots/999/move", {"session_id": "1", "position": "1"}, token_from=PAGE
        )
    ).status_code == 404


async def test_rescheduling_keeps_locked_pitches_in_place(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker, settings
) -> None:
    programme = await make_programme()
    await accepted_pitches(sessionmaker, programme["themes"][0].id, 2, ["laser", "health"])
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    await schedule(client, sessionmaker, settings)
    slot = (await slots(sessionmaker))[1]
    await post_form(
        client,
        f"{PAGE}/slots/{slot.id}/move",
        {"session_id": str(programme["pitch"].id), "position": "7"},
        token_from=PAGE,
    )
    await post_form(client, f"{PAGE}/slots/{slot.id}/lock", {}, token_from=PAGE)
    await schedule(client, sessionmaker, settings)
    kept = next(s for s in await slots(sessionmaker) if s.id == slot.id)
    assert (kept.position, kept.is_locked) == (6, True)


async def test_pitch_programme_actions_are_for_organisers_only(client: httpx.AsyncClient, make_user) -> None:
    await make_user("expo@example.org", exhibitor=True)
    await login(client, "expo@example.org")
    for path in (f"{PAGE}/schedule", f"{PAGE}/publish", f"{PAGE}/slots/1/move", f"{PAGE}/slots/1/lock"):
        assert (await post_form(client, path, {}, token_from="/")).status_code == 403, path


async def jobs_of_kind(sessionmaker: Sessions) -> list[Job]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(Job).where(Job.kind == KIND).order_by(Job.id))).all())


async def test_the_schedule_request_queues_the_solve_and_answers_without_solving(
    client: httpx.AsyncClient,
    make_programme: Factory,
    make_user: Factory,
    sessionmaker: Sessions,
    settings: Settings,
) -> None:
    programme = await make_programme()
    await accepted_pitches(sessionmaker, programme["themes"][0].id, 2, ["laser", "health"])
    await make_user("org@example.org", organiser=True)
    client.cookies.set("em_lang", "en")
    await login(client, "org@example.org")
    queued = await post_form(client, f"{PAGE}/schedule", {}, token_from=PAGE)
    assert queued.status_code == 303
    [job] = await jobs_of_kind(sessionmaker)
    assert queued.headers["location"] == f"{PAGE}?run={job.id}#programme"
    # No worker has run yet: nothing is placed, the page says the schedule waits, and so does its progress.
    assert (job.status, await slots(sessionmaker)) == ("queued", [])
    page = (await client.get(queued.headers["location"])).text
    assert 'data-status="queued"' in page and "Waiting for a worker" in page
    assert 'data-testid="schedule-result"' not in page
    progress = (await client.get(f"{PAGE}/runs/{job.id}/progress")).json()
    assert (progress["status"], progress["done"]) == ("queued", False)

    assert await pitch_worker(sessionmaker, settings).run_one()
    progress = (await client.get(f"{PAGE}/runs/{job.id}/progress")).json()
    assert (progress["status"], progress["done"]) == ("done", True)
    assert [s.position for s in await slots(sessionmaker)] == [0, 1]
    page = (await client.get(queued.headers["location"])).text
    assert "2 pitches placed. 0 not placed." in " ".join(page.split())
    # Another kind of job is not a pitch schedule.
    async with sessionmaker() as db, db.begin():
        other = Job(kind="b2b.solve", payload={})
        db.add(other)
    assert (await client.get(f"{PAGE}/runs/{other.id}/progress")).status_code == 404


async def test_one_schedule_at_a_time_even_when_two_organisers_ask_at_once(
    client: httpx.AsyncClient,
    make_programme: Factory,
    make_user: Factory,
    sessionmaker: Sessions,
    settings: Settings,
) -> None:
    programme = await make_programme()
    await accepted_pitches(sessionmaker, programme["themes"][0].id, 2, ["laser", "health"])
    await make_user("org@example.org", organiser=True)
    client.cookies.set("em_lang", "en")
    await login(client, "org@example.org")
    answers = await asyncio.gather(
        *(post_form(client, f"{PAGE}/schedule", {}, token_from=PAGE) for _ in range(2))
    )
    assert sorted(a.status_code for a in answers) == [303, 409]
    refused = next(a for a in answers if a.status_code == 409)
    assert "The pitches are being scheduled already: wait for the result." in refused.text
    [job] = await jobs_of_kind(sessionmaker)
    # A cancelled schedule changes nothing and lets the next one be queued.
    assert (
        await post_form(client, f"/organiser/jobs/{job.id}/cancel", {}, token_from="/organiser/jobs")
    ).status_code == 303
    page = (await client.get(f"{PAGE}?run={job.id}")).text
    assert 'data-status="cancelled"' in page and "Cancelled: the pitch programme is unchanged." in page
    assert await slots(sessionmaker) == []
    again = await post_form(client, f"{PAGE}/schedule", {}, token_from=PAGE)
    assert again.status_code == 303
    assert await pitch_worker(sessionmaker, settings).run_one()
    assert len(await slots(sessionmaker)) == 2
