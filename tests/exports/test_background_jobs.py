"""Background exports: started by a POST, written off the event loop in batches, followed through the
progress endpoint, downloaded by the organiser who started it only, and removed after a day."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.exports import views
from emicronora.jobs.worker import Worker
from emicronora.models import AuditEntry, ExportJob, User
from emicronora.settings import Settings
from tests.conftest import csrf_token, login, post_form
from tests.exports.conftest import ORGANISER, read_csv


@pytest.fixture(autouse=True)
def _worker(job_worker: Worker) -> Worker:
    """The exports are built by a job worker, as in production (`emicronora worker`)."""
    return job_worker


async def start_job(client: httpx.AsyncClient, kind: str, **period: str) -> int:
    response = await post_form(
        client, "/organiser/exports/jobs", {"kind": kind, **period}, "/organiser/exports"
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/organiser/exports/jobs/")
    return int(location.rsplit("/", 1)[1])


async def wait_until_done(client: httpx.AsyncClient, job_id: int) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []
    for _ in range(400):
        response = await client.get(f"/organiser/exports/jobs/{job_id}/progress")
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        seen.append(response.json())
        if seen[-1]["done"]:
            return seen[-1]
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} still running: {seen[-1]}")


async def add_visitors(sessionmaker: async_sessionmaker[AsyncSession], count: int) -> None:
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            insert(User),
            [
                {
                    "email": f"visitor{i}@example.org",
                    "name": f"Visiteur n°{i}",
                    "company_name": "Société",
                    "country": "FR",
                    "password_hash": "!",
                    "terms_accepted_at": now,
                    "created_at": now + timedelta(seconds=i),
                }
                for i in range(count)
            ],
        )


def export_files(settings: Settings) -> list[str]:
    folder = Path(settings.media_dir) / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def test_background_export_runs_to_completion_and_downloads_the_same_file(
    organiser: httpx.AsyncClient, fair: dict[str, Any], settings: Settings
) -> None:
    job_id = await start_job(organiser, "leads", **{"from": "2020-09-22", "to": "2020-09-23"})
    page = await organiser.get(f"/organiser/exports/jobs/{job_id}")
    assert page.status_code == 200
    assert f'data-export-progress="/organiser/exports/jobs/{job_id}/progress"' in page.text
    progress = await wait_until_done(organiser, job_id)
    assert progress == {
        "id": job_id,
        "status": "done",
        "done": True,
        "done_rows": 3,
        "total_rows": 3,
        "fraction": 1.0,
        "text": "Ready: 3 rows.",
        "download": f"/organiser/exports/jobs/{job_id}/download",
    }
    download = await organiser.get(progress["download"])
    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="e-micronora-leads-2020-09-22-2020-09-23.csv"' in download.headers["content-disposition"]
    direct = await organiser.get(
        "/organiser/exports/csv/leads", params={"from": "2020-09-22", "to": "2020-09-23"}
    )
    assert download.content == direct.content
    assert [row[2] for row in read_csv(download.content)[1:]] == ["Bob Bâtisseur", "Zoé Électronique", "Eve"]
    # Only the finished file is on disk (no partial file left behind).
    [name] = export_files(settings)
    assert name.startswith(f"{job_id}-leads-") and name.endswith(".csv")
    # The exports page lists the job with its download link; the job page no longer polls.
    listing = await organiser.get("/organiser/exports")
    assert f'href="/organiser/exports/jobs/{job_id}/download"' in listing.text
    page = await organiser.get(f"/organiser/exports/jobs/{job_id}")
    assert "exports-progress.js" not in page.text
    assert "Ready: 3 rows." in page.text


async def test_large_export_is_written_in_batches_with_progress(
    organiser: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    await add_visitors(sessionmaker, 2500)
    job_id = await start_job(organiser, "registrations")
    progress = await wait_until_done(organiser, job_id)
    assert (progress["status"], progress["done_rows"], progress["total_rows"]) == ("done", 2501, 2501)
    rows = read_csv((await organiser.get(progress["download"])).content)
    assert len(rows) == 1 + 2501
    assert rows[1][0] == "Olga Organiser"
    assert rows[-1][:3] == ["Visiteur n°2499", "visitor2499@example.org", "Société"]


async def test_too_large_for_a_direct_download_points_to_the_background_export(
    organiser: httpx.AsyncClient, fair: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "DIRECT_MAX_ROWS", 2)
    response = await organiser.get("/organiser/exports/csv/registrations")
    assert response.status_code == 400
    assert "Registrations: 4 rows. Prepare it in the background below, then download it." in response.text
    row = response.text.split('data-testid="export-registrations"', 1)[1].split("</tr>", 1)[0]
    assert "/organiser/exports/csv/registrations" not in row
    assert 'value="registrations"' in row
    assert (await organiser.get("/organiser/exports/csv/questions")).status_code == 200


async def test_another_organisers_job_is_refused(
    organiser: httpx.AsyncClient,
    fair: dict[str, Any],
    make_user: Callable[..., Awaitable[User]],
) -> None:
    job_id = await start_job(organiser, "registrations")
    await wait_until_done(organiser, job_id)
    await post_form(organiser, "/logout", {}, "/organiser/exports")
    await make_user("oscar@example.org", organiser=True, name="Oscar Other")
    await login(organiser, "oscar@example.org")
    for suffix in ("", "/progress", "/download"):
        response = await organiser.get(f"/organiser/exports/jobs/{job_id}{suffix}")
        assert response.status_code == 404, suffix
    assert f"/organiser/exports/jobs/{job_id}" not in (await organiser.get("/organiser/exports")).text
    await post_form(organiser, "/logout", {}, "/organiser/exports")
    await login(organiser, ORGANISER)
    assert (await organiser.get(f"/organiser/exports/jobs/{job_id}/download")).status_code == 200


async def test_bad_job_requests_write_nothing(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for data, message in (
        ({"kind": "passwords"}, "Choose one of the options."),
        ({"kind": "leads", "from": "yesterday"}, "Enter a date as YYYY-MM-DD."),
    ):
        response = await post_form(organiser, "/organiser/exports/jobs", data, "/organiser/exports")
        assert response.status_code == 400
        assert message in response.text
    async with sessionmaker() as db:
        assert (await db.scalars(select(ExportJob))).all() == []


async def test_a_job_left_running_by_a_dead_worker_shows_as_failed(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        owner = await db.scalar(select(User).where(User.email == ORGANISER))
        assert owner is not None
        recent = ExportJob(user_id=owner.id, kind="leads", params={}, total_rows=10, done_rows=4)
        dead = ExportJob(
            user_id=owner.id,
            kind="leads",
            params={},
            total_rows=10,
            done_rows=4,
            created_at=datetime.now(UTC) - timedelta(hours=2),
        )
        db.add_all([recent, dead])
    running = (await organiser.get(f"/organiser/exports/jobs/{recent.id}/progress")).json()
    assert (running["status"], running["done"], running["fraction"]) == ("running", False, 0.4)
    assert running["text"] == "4 of 10 rows written…"
    failed = (await organiser.get(f"/organiser/exports/jobs/{dead.id}/progress")).json()
    assert (failed["status"], failed["done"], failed["download"]) == ("failed", True, None)
    assert failed["text"] == "The export failed: its worker stopped."
    assert (await organiser.get(f"/organiser/exports/jobs/{dead.id}/download")).status_code == 404


async def test_jobs_and_files_older_than_a_day_are_removed(
    organiser: httpx.AsyncClient,
    fair: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    old_id = await start_job(organiser, "questions")
    await wait_until_done(organiser, old_id)
    new_id = await start_job(organiser, "leads")
    await wait_until_done(organiser, new_id)
    assert len(export_files(settings)) == 2
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(ExportJob)
            .where(ExportJob.id == old_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=1, minutes=1))
        )
    assert (await organiser.get("/organiser/exports")).status_code == 200
    [name] = export_files(settings)
    assert name.startswith(f"{new_id}-leads-")
    assert (await organiser.get(f"/organiser/exports/jobs/{old_id}/download")).status_code == 404
    async with sessionmaker() as db:
        assert list((await db.scalars(select(ExportJob.id))).all()) == [new_id]


async def test_at_most_three_running_exports_per_organiser(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as db, db.begin():
        owner = await db.scalar(select(User).where(User.email == ORGANISER))
        assert owner is not None
        db.add_all([ExportJob(user_id=owner.id, kind="leads", params={}) for _ in range(3)])
    response = await post_form(organiser, "/organiser/exports/jobs", {"kind": "leads"}, "/organiser/exports")
    assert response.status_code == 409
    assert "You already have 3 exports in progress: wait for one to finish." in response.text


async def test_an_export_outlives_the_web_server_that_started_it(
    make_app: Callable[..., Any],
    fair: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    """The web process only queues the export: its stop (a deploy) no longer fails it; the worker ends it."""
    await add_visitors(sessionmaker, 3_000)
    app = make_app()
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            http.cookies.set("em_lang", "en")
            await login(http, ORGANISER)
            job_id = await start_job(http, "registrations")
    for _ in range(400):
        async with sessionmaker() as db:
            job = await db.get_one(ExportJob, job_id)
        if job.status != "running":
            break
        await asyncio.sleep(0.05)
    assert (job.status, job.error, job.done_rows) == ("done", "", 3_004)
    [name] = export_files(settings)
    assert name == job.filename


async def test_every_export_of_personal_data_is_in_the_audit_log(
    organiser: httpx.AsyncClient, fair: dict[str, Any], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    direct = await organiser.get("/organiser/exports/csv/registrations", params={"from": "2020-09-22"})
    assert direct.status_code == 200
    job_id = await start_job(organiser, "leads")
    async with sessionmaker() as db:
        entries = (await db.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(e.action, e.actor_email, e.details["kind"]) for e in entries] == [
        ("export.download", ORGANISER, "registrations"),
        ("export.start", ORGANISER, "leads"),
    ]
    assert entries[0].details["period"] == "-2020-09-22-_"
    assert entries[1].target_id == str(job_id)


async def test_a_job_whose_audit_entry_fails_is_not_created(
    organiser: httpx.AsyncClient,
    fair: dict[str, Any],
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The job and its audit entry are one transaction: no export of personal data without its entry."""
    token = await csrf_token(organiser, "/organiser/exports")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit log cannot be written")

    monkeypatch.setattr(views, "record_action", broken)
    with pytest.raises(RuntimeError):
        await organiser.post("/organiser/exports/jobs", data={"csrf_token": token, "kind": "leads"})
    async with sessionmaker() as db:
        assert (await db.scalars(select(ExportJob))).all() == []
        assert (await db.scalars(select(AuditEntry))).all() == []
