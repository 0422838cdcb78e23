"""/organiser/jobs lists the jobs with their state, progress and error, retries and cancels; /health gives
the queue's depth and the age of its oldest due job, and nothing personal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.jobs.queue import enqueue
from emicronora.models import Job
from tests.conftest import login, post_form

ORGANISER = "olga.organiser@example.org"


async def test_health_reports_the_queue_depth_and_its_oldest_due_job(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    empty = await client.get("/health")
    assert empty.status_code == 200
    assert empty.json() == {
        "status": "ok",
        "jobs": {"queued": 0, "running": 0, "due": 0, "oldest_due_age_s": 0.0},
    }
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    async with sessionmaker() as db, db.begin():
        await enqueue(db, "mail.send", {"email_ids": [1]}, run_after=long_ago)
        await enqueue(db, "mail.send", {"email_ids": [2]})
        await enqueue(db, "mail.send", {"email_ids": [3]}, run_after=datetime.now(UTC) + timedelta(hours=1))
    figures = (await client.get("/health")).json()["jobs"]
    assert (figures["queued"], figures["running"], figures["due"]) == (3, 0, 2)
    assert 600 <= figures["oldest_due_age_s"] < 660


async def test_organisers_see_jobs_retry_the_failed_and_cancel_the_queued(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    make_user: Callable[..., Awaitable[Any]],
) -> None:
    await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    client.cookies.set("em_lang", "en")
    await login(client, ORGANISER)
    async with sessionmaker() as db, db.begin():
        failed = await enqueue(db, "exports.build", {"export_id": 1})
        waiting = await enqueue(db, "mail.send", {"email_ids": [1]})
        await db.execute(
            update(Job)
            .where(Job.id == failed)
            .values(
                status="failed",
                attempts=3,
                max_attempts=3,
                error="RuntimeError: disk full",
                progress_done=40,
                progress_total=100,
                progress_text="40 of 100 rows",
            )
        )
    page = await client.get("/organiser/jobs")
    assert page.status_code == 200
    assert "RuntimeError: disk full" in page.text
    assert 'value="40"' in page.text and "40 of 100 rows" in page.text
    assert f'action="/organiser/jobs/{failed}/retry"' in page.text
    assert f'action="/organiser/jobs/{waiting}/cancel"' in page.text
    only_failed = await client.get("/organiser/jobs?status=failed")
    assert f'data-job="{failed}"' in only_failed.text and f'data-job="{waiting}"' not in only_failed.text

    retried = await post_form(client, f"/organiser/jobs/{failed}/retry", {}, "/organiser/jobs")
    assert (retried.status_code, retried.headers["location"]) == (303, "/organiser/jobs?done=retry")
    cancelled = await post_form(client, f"/organiser/jobs/{waiting}/cancel", {}, "/organiser/jobs")
    assert cancelled.status_code == 303
    async with sessionmaker() as db:
        assert ((await db.get_one(Job, failed)).status, (await db.get_one(Job, failed)).attempts) == (
            "queued",
            0,
        )
        assert (await db.get_one(Job, waiting)).status == "cancelled"
    # A job that has ended cannot be cancelled again.
    again = await post_form(client, f"/organiser/jobs/{waiting}/cancel", {}, "/organiser/jobs")
    assert again.status_code == 404


async def test_the_jobs_page_is_for_organisers_only(
    client: httpx.AsyncClient, make_user: Callable[..., Awaitable[Any]]
) -> None:
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    assert (await client.get("/organiser/jobs")).status_code in (403, 404)
