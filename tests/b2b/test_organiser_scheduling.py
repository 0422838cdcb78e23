from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.scheduling import engine, jobs
from emicronora.b2b.scheduling import queries as scheduling_queries
from emicronora.jobs import worker as worker_module
from emicronora.jobs.worker import Worker
from emicronora.models import B2BProfile, Job, Meeting, MeetingSlot, SolveRun, User
from scheduler.b2b_validate import validate_assignments
from tests.b2b.organiser_world import (
    BASE,
    FAIR_DAY,
    accepted_meeting,
    bookings,
    log_in_organiser,
    make_slots,
    mark_unavailable,
    meetings,
    participant,
    place,
    run_id_of,
    set_tables,
    wait_for_run,
)
from tests.b2b.worker_world import running_worker, slow_solve, worker_for
from tests.conftest import PARIS, login, post_form


@pytest.fixture(autouse=True)
async def worker(request: pytest.FixtureRequest, sessionmaker, settings):  # type: ignore[no-untyped-def]
    """The job worker beside the web app, which solves the runs (a test with its `own_worker` runs none)."""
    if "own_worker" in request.fixturenames:
        yield None
        return
    async with running_worker(worker_for(sessionmaker, settings)) as running:
        yield running


@pytest.fixture
def own_worker(sessionmaker, settings):  # type: ignore[no-untyped-def]
    return worker_for(sessionmaker, settings)


async def start(client: httpx.AsyncClient, scope: str = "all", time_limit: str = "5") -> httpx.Response:
    return await post_form(
        client, f"{BASE}/schedule", {"scope": scope, "time_limit": time_limit}, token_from=f"{BASE}/schedule"
    )


async def adjust(client: httpx.AsyncClient, meeting_id: int, action: str, **data: str) -> httpx.Response:
    return await post_form(
        client, f"{BASE}/meetings/{meeting_id}/{action}", data, token_from=f"{BASE}/schedule"
    )


async def slot_count(sessionmaker) -> int:
    async with sessionmaker() as db:
        return await db.scalar(select(func.count()).select_from(MeetingSlot))


async def check_schedule(sessionmaker, settings) -> None:
    """No double booking, unavailability and caps respected (the engine's independent checker), and the
    participant-slot rows agree with the meetings' slots."""
    async with sessionmaker() as db:
        plan = await jobs.load_plan(db, settings, only_unscheduled=False, time_limit_s=5)
    rows = await meetings(sessionmaker)
    slot_of = {m.id: m.slot_id for m in rows.values() if m.slot_id is not None and m.status == "scheduled"}
    assert validate_assignments(plan.problem, slot_of).violations == ()
    expected = {(p, s, m) for m, s in slot_of.items() for p in (rows[m].first_id, rows[m].second_id)}
    assert await bookings(sessionmaker) == expected


# Slots ---------------------------------------------------------------------------------------------------


async def test_slot_series_is_generated_in_event_time_and_overlaps_are_left_out(
    client: httpx.AsyncClient, make_user, make_programme, sessionmaker
) -> None:
    programme = await make_programme()
    await log_in_organiser(client, make_user)
    days = ",".join(str(d.id) for d in programme["days"])
    data = {"days": days, "start": "14:00", "end": "15:10", "minutes": "20"}
    response = await post_form(client, f"{BASE}/slots", data, token_from=f"{BASE}/slots")
    assert response.status_code == 303
    assert "6 slots created." in (await client.get(response.headers["location"])).text
    async with sessionmaker() as db:
        slots = (await db.scalars(select(MeetingSlot).order_by(MeetingSlot.starts_at))).all()
    starts = [
        (s.starts_at.astimezone(PARIS).date(), s.starts_at.astimezone(PARIS).strftime("%H:%M")) for s in slots
    ]
    first, second = FAIR_DAY, FAIR_DAY + timedelta(days=1)
    assert starts == [(d, t) for d in (first, second) for t in ("14:00", "14:20", "14:40")]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in slots)
    assert slots[0].starts_at == datetime(2020, 9, 22, 12, 0, tzinfo=UTC)

    again = {"days": str(programme["days"][0].id), "start": "14:30", "end": "15:30", "minutes": "30"}
    response = await post_form(client, f"{BASE}/slots", again, token_from=f"{BASE}/slots")
    page = (await client.get(response.headers["location"])).text
    assert "1 slot created. 1 left out: it overlaps an existing slot." in page
    assert await slot_count(sessionmaker) == 7


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "15:00", "end": "14:00", "minutes": "20"}, "end", "The end must come after the start."),
        ({"start": "14:00", "end": "18:00", "minutes": "3"}, "minutes", "Enter a number from 5 to 240."),
        ({"start": "14:00", "end": "14:10", "minutes": "20"}, "minutes", "No slot of 20 minutes fits"),
        ({"start": "2pm", "end": "18:00", "minutes": "20"}, "start", "Enter a time as HH:MM."),
        ({"days": "", "start": "14:00", "end": "18:00", "minutes": "20"}, "days", "Choose at least one day"),
        (
            {"days": "999", "start": "14:00", "end": "18:00", "minutes": "20"},
            "days",
            "Choose at least one day",
        ),
    ],
)
async def test_a_wrong_slot_series_is_refused_next_to_its_field_and_nothing_is_written(
    client: httpx.AsyncClient, make_user, make_programme, sessionmaker, data, field, message
) -> None:
    programme = await make_programme()
    await log_in_organiser(client, make_user)
    form = {"days": str(programme["days"][0].id), **data}
    response = await post_form(client, f"{BASE}/slots", form, token_from=f"{BASE}/slots")
    assert response.status_code == 400
    assert re.search(rf'<p class="error" id="e-{field}">{re.escape(message)}', response.text)
    assert await slot_count(sessionmaker) == 0


async def test_only_a_slot_without_meetings_can_be_deleted(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    a, b = await participant(sessionmaker, "Ada Buyer"), await participant(sessionmaker, "Bob Supplier")
    used, empty = await make_slots(sessionmaker, FAIR_DAY, [(14, 0), (14, 20)])
    await mark_unavailable(sessionmaker, a, empty)
    await place(sessionmaker, await accepted_meeting(sessionmaker, a, b), used)
    await log_in_organiser(client, make_user)
    refused = await post_form(client, f"{BASE}/slots/{used}/delete", {}, token_from=f"{BASE}/slots")
    assert refused.status_code == 400
    assert "This slot holds meetings: move them to other slots first." in refused.text
    deleted = await post_form(client, f"{BASE}/slots/{empty}/delete", {}, token_from=f"{BASE}/slots")
    assert deleted.status_code == 303
    async with sessionmaker() as db:
        assert (await db.scalars(select(MeetingSlot.id))).all() == [used]
    missing = await post_form(client, f"{BASE}/slots/9999/delete", {}, token_from=f"{BASE}/slots")
    assert missing.status_code == 404


# The full flow -------------------------------------------------------------------------------------------


async def small_event(sessionmaker) -> dict[str, object]:
    """Four participants, five accepted meetings, four afternoon slots; Dan cannot make the first two."""
    people = {
        name: await participant(sessionmaker, name, company)
        for name, company in (
            ("Ada Buyer", "Airbus Atlantic"),
            ("Bob Supplier", "Laser Cheval"),
            ("Cyd Supplier", "Métrologie Doubs"),
            ("Dan Buyer", "Medical Jura"),
        )
    }
    a, b, c, d = people.values()
    slots = await make_slots(sessionmaker, FAIR_DAY, [(14, 0), (14, 20), (14, 40), (15, 0)])
    for slot in slots[:2]:
        await mark_unavailable(sessionmaker, d, slot)
    pairs = [(a, b), (a, c), (b, c), (c, d), (a, d)]
    ids = [await accepted_meeting(sessionmaker, x, y) for x, y in pairs]
    return {"people": people, "slots": slots, "meetings": ids}


async def test_organiser_schedules_reviews_publishes_and_reruns_keeping_published_meetings(
    client: httpx.AsyncClient, make_user, sessionmaker, settings
) -> None:
    event = await small_event(sessionmaker)
    b = event["people"]["Bob Supplier"]
    await log_in_organiser(client, make_user)

    run_id = run_id_of(await start(client, "all", "5"))
    progress = await wait_for_run(client, run_id)
    assert progress["status"] == "done"
    rows = await meetings(sessionmaker)
    assert all(m.slot_id is not None for m in rows.values())
    assert not any(m.is_published for m in rows.values())
    await check_schedule(sessionmaker, settings)
    assert all(rows[m].slot_id not in event["slots"][:2] for m in event["meetings"][3:])  # Dan's meetings

    async with sessionmaker() as db:
        run = await db.get_one(SolveRun, run_id)
    assert run.result["solver_status"] == "optimal"
    assert run.result["placed"] == 5
    assert run.result["not_placed"] == []
    # Ada, Cyd: 3 meetings each; Bob, Dan: 2 each.
    assert run.result["histogram"] == [[0, 0], [1, 0], [2, 2], [3, 2]]
    assert run.finished_at is not None

    page = await client.get(f"{BASE}/runs/{run_id}")
    assert page.status_code == 200
    assert "data-solve-progress" not in page.text
    assert "5 meetings placed" in page.text
    assert "0 meetings not placed" in page.text
    assert re.findall(r'data-meetings="(\d+)" data-participants="(\d+)"', page.text) == [
        ("0", "0"),
        ("1", "0"),
        ("2", "2"),
        ("3", "2"),
    ]
    assert "Airbus Atlantic" in page.text
    assert "Publish 5 draft meetings" in page.text

    published = await post_form(
        client, f"{BASE}/publish", {"back": f"{BASE}/runs/{run_id}"}, token_from=f"{BASE}/schedule"
    )
    assert published.status_code == 303
    assert published.headers["location"] == f"{BASE}/runs/{run_id}?published=5"
    before = await meetings(sessionmaker)
    assert all(m.is_published and m.sequence == 0 and m.room_url for m in before.values())

    eve = await participant(sessionmaker, "Eve Buyer", "Horlogerie Morteau")
    late = await accepted_meeting(sessionmaker, b, eve)
    rerun = run_id_of(await start(client, "unscheduled", "5"))
    await wait_for_run(client, rerun)
    after = await meetings(sessionmaker)
    for meeting_id, meeting in before.items():
        assert (after[meeting_id].slot_id, after[meeting_id].sequence) == (meeting.slot_id, 0)
    assert after[late].slot_id is not None and not after[late].is_published
    await check_schedule(sessionmaker, settings)


async def test_a_locked_meeting_stays_in_its_slot_when_everything_is_rescheduled(
    client: httpx.AsyncClient, make_user, sessionmaker, settings
) -> None:
    event = await small_event(sessionmaker)
    first = event["meetings"][0]
    await place(sessionmaker, first, event["slots"][3])
    await log_in_organiser(client, make_user)
    assert (await adjust(client, first, "lock")).status_code == 303
    run_id = run_id_of(await start(client, "all", "5"))
    await wait_for_run(client, run_id)
    rows = await meetings(sessionmaker)
    assert (rows[first].slot_id, rows[first].is_locked) == (event["slots"][3], True)
    await check_schedule(sessionmaker, settings)


async def test_a_kept_meeting_that_can_no_longer_hold_is_reported_and_nothing_changes(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    event = await small_event(sessionmaker)
    a = event["people"]["Ada Buyer"]
    first = event["meetings"][0]
    await place(sessionmaker, first, event["slots"][0], published=True)
    await mark_unavailable(sessionmaker, a, event["slots"][0])  # after publication
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client, "unscheduled", "5"))
    await wait_for_run(client, run_id)
    async with sessionmaker() as db:
        run = await db.get_one(SolveRun, run_id)
    assert run.result["solver_status"] == "infeasible"
    assert {"meeting": first, "reason": "lock_invalid"} in run.result["not_placed"]
    rows = await meetings(sessionmaker)
    assert [m.slot_id for m in rows.values()] == [event["slots"][0], None, None, None, None]
    page = (await client.get(f"{BASE}/runs/{run_id}")).text
    assert "No schedule: some meetings kept in their slot can no longer be held there" in page
    assert "no longer possible: a participant is unavailable then" in page


async def test_meetings_that_cannot_be_placed_are_listed_with_the_reason(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    a = await participant(sessionmaker, "Ada Buyer", max_meetings=1)
    b, c = await participant(sessionmaker, "Bob Supplier"), await participant(sessionmaker, "Cyd Supplier")
    (slot,) = await make_slots(sessionmaker, FAIR_DAY, [(14, 0)])
    await mark_unavailable(sessionmaker, c, slot)
    ab, ac = await accepted_meeting(sessionmaker, a, b), await accepted_meeting(sessionmaker, a, c)
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client))
    await wait_for_run(client, run_id)
    async with sessionmaker() as db:
        run = await db.get_one(SolveRun, run_id)
    assert run.result["not_placed"] == [{"meeting": ac, "reason": "no_common_slot"}]
    assert (await meetings(sessionmaker))[ab].slot_id == slot
    page = (await client.get(f"{BASE}/runs/{run_id}")).text
    assert "1 meeting not placed" in page
    assert "The two participants have no available slot in common." in page


async def test_a_run_needs_slots_and_meetings_and_a_sane_time_limit(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await log_in_organiser(client, make_user)
    refused = await start(client)
    assert refused.status_code == 400
    assert "Define the meeting slots first." in refused.text
    await make_slots(sessionmaker, FAIR_DAY, [(14, 0)])
    assert "There is no accepted meeting to schedule." in (await start(client)).text
    for limit in ("4", "121", "soon"):
        response = await start(client, time_limit=limit)
        assert response.status_code == 400
        assert "e-time_limit" in response.text
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(SolveRun)) == 0


async def test_two_organisers_starting_a_run_at_the_same_moment_get_one_run(
    client: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
    own_worker: Worker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both requests look for a run in progress before either has written its own (the barrier holds each
    until both have looked): the database still keeps one run and refuses the other with the usual message."""
    await small_event(sessionmaker)
    await log_in_organiser(client, make_user)
    both_looked = asyncio.Barrier(2)
    looked_up = scheduling_queries.run_in_progress

    async def look_at_the_same_moment(db: AsyncSession, now: datetime) -> SolveRun | None:
        found = await looked_up(db, now)
        async with asyncio.timeout(10):
            await both_looked.wait()
        return found

    monkeypatch.setattr(scheduling_queries, "run_in_progress", look_at_the_same_moment)
    answers = await asyncio.gather(start(client), start(client))
    assert sorted(answer.status_code for answer in answers) == [303, 400]
    refused = next(answer for answer in answers if answer.status_code == 400)
    assert "A run is in progress: wait for it to finish or stop it." in refused.text
    async with sessionmaker() as db:
        runs = list((await db.scalars(select(SolveRun))).all())
        solves = list((await db.scalars(select(Job).where(Job.kind == jobs.SOLVE))).all())
    assert [job.payload["run_id"] for job in solves] == [run.id for run in runs]
    assert len(runs) == 1
    assert run_id_of(next(answer for answer in answers if answer.status_code == 303)) == runs[0].id


# Progress and stop ---------------------------------------------------------------------------------------


@pytest.fixture
def slow_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real engine, started in the child process only once the run is asked to stop."""
    monkeypatch.setattr(engine, "solve", slow_solve)


async def wait_for_progress(client: httpx.AsyncClient, run_id: int) -> dict[str, object]:
    for _attempt in range(200):
        progress = (await client.get(f"{BASE}/runs/{run_id}/progress")).json()
        if progress["scheduled_weight"] is not None:
            return progress
        await asyncio.sleep(0.05)
    raise AssertionError("no progress written")


async def test_progress_is_json_from_the_run_row_and_stop_keeps_the_best_schedule(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, slow_engine
) -> None:
    event = await small_event(sessionmaker)
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client, "all", "30"))

    progress = await wait_for_progress(client, run_id)
    assert set(progress) == {
        "id",
        "status",
        "done",
        "stop_requested",
        "elapsed_s",
        "time_limit_s",
        "fraction",
        "meetings",
        "phase",
        "scheduled_weight",
        "weight_bound",
        "total_breaks",
        "breaks_bound",
        "text",
    }
    assert (progress["id"], progress["status"], progress["done"], progress["stop_requested"]) == (
        run_id,
        "running",
        False,
        False,
    )
    assert (progress["phase"], progress["scheduled_weight"], progress["weight_bound"]) == ("weight", 4, 5)
    assert (progress["total_breaks"], progress["breaks_bound"], progress["meetings"]) == (2, None, 5)
    assert progress["time_limit_s"] == 30
    assert 0 < progress["fraction"] < 1
    assert progress["text"].startswith("Best so far: score 4 (at most 5), 2 breaks · ")

    page = await client.get(f"{BASE}/runs/{run_id}")
    assert f'data-solve-progress="{BASE}/runs/{run_id}/progress"' in page.text
    assert '<script type="module" src="/static/js/solve-progress.js"></script>' in page.text
    assert "<progress " in page.text and f'action="{BASE}/runs/{run_id}/stop"' in page.text
    assert "<script>" not in page.text

    # While it runs: no second run, and no hand change that the run would overwrite.
    second = await start(client)
    assert second.status_code == 400
    assert "A run is in progress: wait for it to finish or stop it." in second.text
    refused = await adjust(client, event["meetings"][0], "move", slot_id=str(event["slots"][2]))
    assert refused.status_code == 400
    assert "The scheduler is running" in refused.text
    assert (await post_form(client, f"{BASE}/publish", {}, token_from=f"{BASE}/schedule")).status_code == 400

    stopped = await post_form(client, f"{BASE}/runs/{run_id}/stop", {}, token_from=f"{BASE}/runs/{run_id}")
    assert stopped.headers["location"] == f"{BASE}/runs/{run_id}"
    final = await wait_for_run(client, run_id)
    assert (final["status"], final["done"], final["stop_requested"], final["fraction"]) == (
        "stopped",
        True,
        True,
        1.0,
    )
    rows = await meetings(sessionmaker)
    assert all(m.slot_id is not None for m in rows.values())
    await check_schedule(sessionmaker, settings)
    assert (
        "Stopped at your request: the best schedule found so far is kept."
        in (await client.get(f"{BASE}/runs/{run_id}")).text
    )


async def test_a_stop_asked_through_another_worker_reaches_the_solver(
    client: httpx.AsyncClient, make_user, sessionmaker, slow_engine
) -> None:
    await small_event(sessionmaker)
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client, "all", "30"))
    await wait_for_progress(client, run_id)
    async with sessionmaker() as db, db.begin():
        await db.execute(update(SolveRun).where(SolveRun.id == run_id).values(stop_requested=True))
    assert (await wait_for_run(client, run_id))["status"] == "stopped"


async def test_a_run_solving_when_its_worker_stops_stops_and_keeps_its_best_schedule(
    client: httpx.AsyncClient,
    make_user,
    sessionmaker,
    settings,
    slow_engine,
    own_worker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "STOP_GRACE_S", 0.1)
    await small_event(sessionmaker)
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client, "all", "30"))
    async with running_worker(own_worker):
        assert (await wait_for_progress(client, run_id))["status"] == "running"
    # The engine was stopped by the worker's shutdown (it would have waited 30 s), not by the organiser.
    async with sessionmaker() as db:
        run = await db.get_one(SolveRun, run_id)
        job = await db.scalar(select(Job).where(Job.kind == "b2b.solve"))
    assert (run.status, run.stop_requested) == ("done", False)
    assert run.result["solver_status"] in ("optimal", "feasible")
    assert all(m.slot_id is not None for m in (await meetings(sessionmaker)).values())
    await check_schedule(sessionmaker, settings)
    # Given back to the queue: the next worker finds the run stored and leaves it as it is.
    assert job is not None and job.status == "queued"
    assert await own_worker.run_one()
    async with sessionmaker() as db:
        assert (await db.get_one(SolveRun, run_id)).result == run.result


async def test_a_slot_that_became_unavailable_during_the_run_is_not_used_and_the_meeting_is_explained(
    client: httpx.AsyncClient, make_user, sessionmaker, settings, slow_engine
) -> None:
    event = await small_event(sessionmaker)
    ada = event["people"]["Ada Buyer"]
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client, "all", "30"))
    await wait_for_progress(client, run_id)
    for slot in event["slots"]:  # Ada is called away while the scheduler runs
        await mark_unavailable(sessionmaker, ada, slot)
    await post_form(client, f"{BASE}/runs/{run_id}/stop", {}, token_from=f"{BASE}/schedule")
    await wait_for_run(client, run_id)
    rows = await meetings(sessionmaker)
    with_ada = [m for m in rows.values() if ada in (m.first_id, m.second_id)]
    assert [m.slot_id for m in with_ada] == [None, None, None]
    assert all(m.slot_id is not None for m in rows.values() if m not in with_ada)
    async with sessionmaker() as db:
        run = await db.get_one(SolveRun, run_id)
    assert sorted(item["meeting"] for item in run.result["not_placed"]) == sorted(m.id for m in with_ada)
    assert {item["reason"] for item in run.result["not_placed"]} == {"changed"}
    await check_schedule(sessionmaker, settings)
    page = (await client.get(f"{BASE}/runs/{run_id}")).text
    assert "A booking or an availability changed during the run" in page


async def test_a_run_left_running_by_a_dead_worker_shows_as_interrupted_and_blocks_nothing(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await small_event(sessionmaker)
    async with sessionmaker() as db, db.begin():
        run = SolveRun(
            status="running", progress={"time_limit_s": 30}, started_at=datetime.now(UTC) - timedelta(hours=1)
        )
        db.add(run)
    await log_in_organiser(client, make_user)
    progress = (await client.get(f"{BASE}/runs/{run.id}/progress")).json()
    assert (progress["status"], progress["done"]) == ("interrupted", True)
    assert "This run was interrupted" in (await client.get(f"{BASE}/runs/{run.id}")).text
    fresh = run_id_of(await start(client))
    assert (await wait_for_run(client, fresh))["status"] == "done"


async def test_the_review_counts_breaks_within_a_day_and_meetings_per_participant(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    a, b, c, d = [
        await participant(sessionmaker, n) for n in ("Ada Buyer", "Bob Supplier", "Cyd Supplier", "Dan Buyer")
    ]
    day1 = await make_slots(sessionmaker, FAIR_DAY, [(14, 0), (14, 20), (14, 40), (15, 0)])
    (day2,) = await make_slots(sessionmaker, FAIR_DAY + timedelta(days=1), [(14, 0)])
    # Ada: 14:00 and 15:00 on the first day (one break of two idle slots), 14:00 the next day (no break).
    for (x, y), slot in zip(((a, b), (a, c), (a, d)), (day1[0], day1[3], day2), strict=True):
        await place(sessionmaker, await accepted_meeting(sessionmaker, x, y), slot)
    async with sessionmaker() as db, db.begin():
        run = SolveRun(status="done", result={}, progress={})
        db.add(run)
    await log_in_organiser(client, make_user)
    page = (await client.get(f"{BASE}/runs/{run.id}")).text
    breaks = dict(re.findall(r'data-participant="(\d+)">.*?data-breaks="(\d+)"', page))
    assert breaks == {str(a): "1", str(b): "0", str(c): "0", str(d): "0"}
    assert re.findall(r'data-meetings="(\d+)" data-participants="(\d+)"', page) == [
        ("0", "0"),
        ("1", "3"),
        ("2", "0"),
        ("3", "1"),
    ]


# Hand adjustments ----------------------------------------------------------------------------------------


async def adjusted_event(sessionmaker) -> dict[str, object]:
    """Ada-Bob in slot 0, Ada-Cyd in slot 1, Cyd-Dan without a slot; Dan unavailable in slot 2."""
    event = await small_event(sessionmaker)
    ab, ac, _bc, cd, _ad = event["meetings"]
    s0, s1, s2, s3 = event["slots"]
    await place(sessionmaker, ab, s0)
    await place(sessionmaker, ac, s1)
    await mark_unavailable(sessionmaker, event["people"]["Dan Buyer"], s2)
    return event | {"ab": ab, "ac": ac, "cd": cd, "s": (s0, s1, s2, s3)}


async def test_moves_that_would_double_book_or_meet_unavailability_are_refused_and_write_nothing(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    event = await adjusted_event(sessionmaker)
    _s0, s1, s2, s3 = event["s"]
    await log_in_organiser(client, make_user)
    before, booked = await meetings(sessionmaker), await bookings(sessionmaker)

    taken = await adjust(client, event["ab"], "move", slot_id=str(s1))
    assert taken.status_code == 400
    assert "Ada Buyer has another meeting then." in taken.text
    unavailable = await adjust(client, event["cd"], "move", slot_id=str(s2))
    assert unavailable.status_code == 400
    assert "Dan Buyer is not available then." in unavailable.text
    assert "Ada Buyer" not in unavailable.text.split('data-testid="adjust-error">')[1].split("</p>")[0]
    unknown_slot = await adjust(client, event["ab"], "move", slot_id="9999")
    assert unknown_slot.status_code == 400
    assert "Choose one of the slots." in unknown_slot.text
    after = await meetings(sessionmaker)
    assert [(m.slot_id, m.sequence, m.updated_at) for m in after.values()] == [
        (m.slot_id, m.sequence, m.updated_at) for m in before.values()
    ]
    assert await bookings(sessionmaker) == booked
    assert (await adjust(client, 9999, "move", slot_id=str(s3))).status_code == 404


async def test_a_move_respects_the_tables_and_the_meeting_limit(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    event = await adjusted_event(sessionmaker)
    s0, _s1, _s2, s3 = event["s"]
    await set_tables(sessionmaker, 1)
    await log_in_organiser(client, make_user)
    full = await adjust(client, event["cd"], "move", slot_id=str(s0))
    assert full.status_code == 400
    assert "Every table of this slot is taken." in full.text
    async with sessionmaker() as db, db.begin():
        (await db.get_one(B2BProfile, event["people"]["Cyd Supplier"])).max_meetings = 1
    capped = await adjust(client, event["cd"], "move", slot_id=str(s3))
    assert capped.status_code == 400
    assert "Cyd Supplier has reached their limit of meetings." in capped.text
    assert (await meetings(sessionmaker))[event["cd"]].slot_id is None


async def test_move_unschedule_and_lock_keep_bookings_in_step_and_bump_published_meetings(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    event = await adjusted_event(sessionmaker)
    s0, s1, _s2, s3 = event["s"]
    a, b = event["people"]["Ada Buyer"], event["people"]["Bob Supplier"]
    async with sessionmaker() as db, db.begin():
        (await db.get_one(Meeting, event["ab"])).is_published = True
    await log_in_organiser(client, make_user)

    page = await client.get(f"{BASE}/meetings/{event['ab']}?back={BASE}/schedule")
    assert page.status_code == 200
    assert re.search(
        rf'<option value="{s1}" disabled>\s*Tue 22 Sep 2:20\u202fPM · Ada Buyer has another meeting then.',
        page.text,
    )
    moved = await adjust(client, event["ab"], "move", slot_id=str(s3), back=f"{BASE}/schedule")
    assert (moved.status_code, moved.headers["location"]) == (303, f"{BASE}/schedule")
    ab = (await meetings(sessionmaker))[event["ab"]]
    assert (ab.slot_id, ab.sequence, ab.is_published) == (s3, 1, True)
    assert {(p, s) for p, s, m in await bookings(sessionmaker) if m == event["ab"]} == {(a, s3), (b, s3)}

    assert (await adjust(client, event["ab"], "lock")).status_code == 303
    locked = await adjust(client, event["ab"], "unschedule")
    assert locked.status_code == 400
    assert "This meeting is locked: unlock it first." in locked.text
    assert (await adjust(client, event["ab"], "lock")).status_code == 303
    assert (await adjust(client, event["ab"], "unschedule")).status_code == 303
    ab = (await meetings(sessionmaker))[event["ab"]]
    assert (ab.slot_id, ab.sequence, ab.is_locked) == (None, 2, False)
    assert not any(m == event["ab"] for _p, _s, m in await bookings(sessionmaker))

    no_slot = await adjust(client, event["cd"], "lock")
    assert no_slot.status_code == 400
    assert "Only a meeting with a slot can be locked." in no_slot.text
    # A draft meeting moves without a new sequence (nobody has seen it yet).
    assert (await adjust(client, event["ac"], "move", slot_id=str(s0))).status_code == 303
    ac = (await meetings(sessionmaker))[event["ac"]]
    assert (ac.slot_id, ac.sequence) == (s0, 0)


async def test_a_cancelled_meeting_cannot_be_adjusted(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    event = await adjusted_event(sessionmaker)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(Meeting, event["cd"])).status = "cancelled"
    await log_in_organiser(client, make_user)
    refused = await adjust(client, event["cd"], "move", slot_id=str(event["s"][3]))
    assert refused.status_code == 400
    assert "This meeting is cancelled." in refused.text


# Permissions ---------------------------------------------------------------------------------------------

GET_PAGES = (
    "",
    "/slots",
    "/schedule",
    "/runs/{run}",
    "/runs/{run}/progress",
    "/meetings/{meeting}",
)
POST_ACTIONS = (
    "/slots",
    "/slots/{slot}/delete",
    "/schedule",
    "/runs/{run}/stop",
    "/meetings/{meeting}/move",
    "/meetings/{meeting}/unschedule",
    "/meetings/{meeting}/lock",
    "/publish",
)


async def test_organiser_scheduling_is_for_organisers_only(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    event = await adjusted_event(sessionmaker)
    async with sessionmaker() as db, db.begin():
        run = SolveRun(status="done", result={}, progress={})
        db.add(run)
    ids = {"run": run.id, "meeting": event["ab"], "slot": event["s"][3]}
    gets = [BASE + path.format(**ids) for path in GET_PAGES]
    posts = [BASE + path.format(**ids) for path in POST_ACTIONS]

    for url in gets:
        response = await client.get(url)
        assert (response.status_code, response.headers["location"].split("?")[0]) == (303, "/login"), url
    for url in posts:
        assert (await post_form(client, url, {})).status_code == 303, url

    await make_user("attendee@example.org")
    await login(client, "attendee@example.org")
    for url in gets:
        assert (await client.get(url)).status_code == 403, url
    for url in posts:
        assert (await post_form(client, url, {}, token_from="/")).status_code == 403, url
    await post_form(client, "/logout", {}, token_from="/")

    await log_in_organiser(client, make_user)
    for url in gets:
        assert (await client.get(url)).status_code == 200, url
    for path in ("/runs/999", "/runs/999/progress", "/meetings/999"):
        assert (await client.get(BASE + path)).status_code == 404, path
    for path in ("/runs/999/stop", "/meetings/999/unschedule", "/meetings/999/lock", "/slots/999/delete"):
        assert (await post_form(client, BASE + path, {}, token_from=f"{BASE}/schedule")).status_code == 404, (
            path
        )
    # Without the CSRF token, nothing happens.
    assert (await client.post(f"{BASE}/meetings/{event['ab']}/unschedule")).status_code == 403
    assert (await meetings(sessionmaker))[event["ab"]].slot_id == event["s"][0]


def test_slots_are_grouped_by_event_day_and_half_day() -> None:
    slots = [
        MeetingSlot(
            id=3,
            starts_at=datetime(2020, 9, 23, 7, 0, tzinfo=UTC),
            ends_at=datetime(2020, 9, 23, 7, 20, tzinfo=UTC),
        ),
        MeetingSlot(
            id=1,
            starts_at=datetime(2020, 9, 22, 10, 40, tzinfo=UTC),
            ends_at=datetime(2020, 9, 22, 11, 0, tzinfo=UTC),
        ),
        MeetingSlot(
            id=2,
            starts_at=datetime(2020, 9, 22, 11, 0, tzinfo=UTC),
            ends_at=datetime(2020, 9, 22, 11, 20, tzinfo=UTC),
        ),
        MeetingSlot(
            id=4,
            starts_at=datetime(2020, 9, 22, 22, 30, tzinfo=UTC),
            ends_at=datetime(2020, 9, 22, 22, 50, tzinfo=UTC),
        ),
    ]
    plan = engine.build_plan(slots, [], caps={}, unavailable={}, tables=2, tz=PARIS, time_limit_s=5)
    assert [(s.id, s.day, str(s.half), s.capacity) for s in plan.problem.slots] == [
        (1, "2020-09-22", "morning", 2),  # 12:40 in Paris
        (2, "2020-09-22", "afternoon", 2),  # 13:00
        (4, "2020-09-23", "morning", 2),  # 00:30 the next day
        (3, "2020-09-23", "morning", 2),  # 09:00
    ]


async def test_a_run_cancelled_before_a_worker_took_it_shows_as_cancelled_and_blocks_nothing(
    client: httpx.AsyncClient, make_user, sessionmaker, own_worker
) -> None:
    await small_event(sessionmaker)
    await log_in_organiser(client, make_user)
    run_id = run_id_of(await start(client))
    async with sessionmaker() as db:
        job_id = await db.scalar(select(Job.id).where(Job.key == f"{jobs.SOLVE}:{run_id}"))
    cancelled = await post_form(client, f"/organiser/jobs/{job_id}/cancel", {}, token_from="/organiser/jobs")
    assert cancelled.status_code == 303
    progress = (await client.get(f"{BASE}/runs/{run_id}/progress")).json()
    assert (progress["status"], progress["done"]) == ("cancelled", True)
    assert "This run was cancelled before it started" in (await client.get(f"{BASE}/runs/{run_id}")).text
    # The organiser can start again at once instead of waiting for the cancelled run to time out.
    assert run_id_of(await start(client)) != run_id
