"""Publishing the B2B schedule: the request publishes and queues the participants' mails (one job per batch)
in its transaction; the worker writes each participant's message with their agenda once, even when a batch
runs twice (its worker died after writing it)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from emicronora.b2b.scheduling import jobs, operations
from emicronora.jobs.registry import JobContext
from emicronora.models import Job, Meeting, OutboxEmail, User
from emicronora.settings import Settings
from tests.b2b import meeting_factories as f
from tests.b2b.organiser_world import Maker
from tests.b2b.worker_world import run_due_jobs
from tests.conftest import login, post_form


async def five_participants_with_draft_meetings(sessionmaker: Maker) -> list[int]:
    """Five participants, each in one or two draft meetings with a slot; returns their user ids."""
    await f.set_rules(sessionmaker)
    people = await f.bare_participants(sessionmaker, 5)
    slots = await f.slots(sessionmaker, f.soon(days=5, hour=8), 4)
    for (first, second), slot in zip([(0, 1), (2, 3), (4, 0), (1, 2)], slots, strict=True):
        await f.meeting(sessionmaker, people[first], people[second], slot=slot)
    return sorted(p.user_id for p in people)


async def outbox(sessionmaker: Maker) -> Counter[int]:
    """How many schedule messages each user has in the outbox."""
    async with sessionmaker() as db:
        rows = await db.scalars(select(OutboxEmail.user_id).where(OutboxEmail.kind == "schedule_published"))
        return Counter(user_id for user_id in rows if user_id is not None)


async def test_publishing_queues_one_job_per_batch_and_writes_no_mail_in_the_request(
    client: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: Maker,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs, "MAIL_BATCH", 2)
    users = await five_participants_with_draft_meetings(sessionmaker)
    await make_user("olga@example.org", organiser=True)
    await login(client, "olga@example.org")

    published = await post_form(client, "/organiser/b2b/publish", {}, "/organiser/b2b/schedule")
    assert published.status_code == 303
    assert await outbox(sessionmaker) == Counter()
    async with sessionmaker() as db:
        query = select(Job).where(Job.kind == jobs.SCHEDULE_MAILS).order_by(Job.id)
        batches = (await db.scalars(query)).all()
    assert [job.payload["user_ids"] for job in batches] == [users[0:2], users[2:4], users[4:5]]

    assert await run_due_jobs(sessionmaker, settings) == 3
    assert await outbox(sessionmaker) == Counter({user_id: 1 for user_id in users})


async def test_the_publication_and_its_mail_jobs_are_rolled_back_together(
    sessionmaker: Maker, settings: Settings
) -> None:
    await five_participants_with_draft_meetings(sessionmaker)
    with pytest.raises(RuntimeError):
        async with sessionmaker() as db, db.begin():
            now = datetime.now(UTC)
            assert await operations.publish(db, settings, now) == 4
            assert await jobs.queue_schedule_mails(db, now) == 1
            raise RuntimeError("the audit entry could not be written")
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Job)) == 0
        assert not any((await db.scalars(select(Meeting.is_published))).all())


async def test_a_batch_that_runs_twice_writes_each_participants_mail_once(
    sessionmaker: Maker, settings: Settings
) -> None:
    users = await five_participants_with_draft_meetings(sessionmaker)
    async with sessionmaker() as db, db.begin():
        now = datetime.now(UTC)
        await operations.publish(db, settings, now)
        await jobs.queue_schedule_mails(db, now)
    async with sessionmaker() as db:
        job = await db.scalar(select(Job).where(Job.kind == jobs.SCHEDULE_MAILS))
    assert job is not None
    # Its worker wrote the batch and died before marking the job done: another worker runs it again.
    for attempt in (1, 2):
        await jobs.schedule_mails(JobContext(job.id, attempt, sessionmaker, settings), job.payload)
    assert await outbox(sessionmaker) == Counter({user_id: 1 for user_id in users})
    async with sessionmaker() as db:
        messages = (await db.scalars(select(OutboxEmail))).all()
    assert all(m.attachments[0]["filename"] == "e-micronora-b2b.ics" for m in messages)
