"""Every export route is for organisers only: attendees and exhibitors get 403, visitors the login page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import ExportJob, User
from tests.conftest import login, post_form
from tests.exports.conftest import ORGANISER


async def test_non_organisers_get_403_on_every_export_route(
    client: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    programme = await make_programme()
    owner = await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    async with sessionmaker() as db, db.begin():
        job = ExportJob(user_id=owner.id, kind="leads", params={}, status="done", filename="1-leads-x.csv")
        db.add(job)
    paths = [
        "/organiser/exports",
        "/organiser/exports?from=2020-09-22",
        *(f"/organiser/exports/csv/{kind}" for kind in ("registrations", "attendance", "leads", "meetings")),
        "/organiser/exports/csv/questions?from=2020-09-22&to=2020-09-23",
        f"/organiser/exports/jobs/{job.id}",
        f"/organiser/exports/jobs/{job.id}/progress",
        f"/organiser/exports/jobs/{job.id}/download",
        f"/organiser/exports/programme/{programme['days'][0].id}",
        "/organiser/exports/programme.ics",
        "/organiser/exports/agendas.zip",
        "/organiser/exports/agendas.csv",
        "/organiser/exports?page=2",
        "/organiser/b2b/meetings.csv",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    for email, exhibitor in (("ada@example.org", False), ("exhibitor@example.org", True)):
        await make_user(email, exhibitor=exhibitor, name="Not An Organiser")
        await login(client, email)
        for path in paths:
            assert (await client.get(path)).status_code == 403, (email, path)
        response = await post_form(client, "/organiser/exports/jobs", {"kind": "registrations"}, "/agenda")
        assert response.status_code == 403, email
        await post_form(client, "/logout", {}, "/agenda")
    async with sessionmaker() as db:
        assert list((await db.scalars(select(ExportJob.id))).all()) == [job.id]
