"""/organiser/audit: newest first, filtered by area of action and by actor, details shown as before → after,
50 entries a page."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.audit import changes, record_action
from emicronora.models import User

ENTRY = re.compile(r'data-testid="audit-entry" data-action="([^"]+)"')


async def shown(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get("/organiser/audit", params=params)
    assert response.status_code == 200, response.text
    return ENTRY.findall(response.text)


async def seed(
    sessionmaker: async_sessionmaker[AsyncSession], entries: list[tuple[User | None, str, dict[str, object]]]
) -> None:
    """One entry a minute, in the order given, the last one a minute ago."""
    start = datetime.now(UTC) - timedelta(minutes=len(entries))
    async with sessionmaker() as db, db.begin():
        for minute, (actor, action, details) in enumerate(entries):
            entry = await record_action(db, actor, action, action.split(".")[0], minute + 1, details)
            entry.at = start + timedelta(minutes=minute)


async def test_audit_log_newest_first_with_filters(
    organiser: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    otto = await make_user("otto@example.org", organiser=True, name="Otto")
    olga = await make_user("olga@example.org", organiser=True, name="Olga")
    await seed(
        sessionmaker,
        [
            (otto, "session.edit", changes({"title": "Soudage"}, {"title": "Soudage laser"})),
            (olga, "showroom.approve", {"name": "Lasea"}),
            (otto, "session.cancel", {"title": "Soudage laser"}),
            (olga, "b2b.publish", {"meetings": 12}),
            (None, "user.organiser_grant", {"email": "olga@example.org"}),
        ],
    )
    assert await shown(organiser) == [
        "user.organiser_grant",
        "b2b.publish",
        "session.cancel",
        "showroom.approve",
        "session.edit",
    ]
    assert await shown(organiser, area="session") == ["session.cancel", "session.edit"]
    assert await shown(organiser, area="sess") == []
    assert await shown(organiser, actor="OTTO@") == ["session.cancel", "session.edit"]
    assert await shown(organiser, area="b2b", actor="olga") == ["b2b.publish"]
    assert await shown(organiser, actor="%") == []
    page = (await organiser.get("/organiser/audit", params={"area": "session"})).text
    assert "<dt>title</dt><dd>Soudage → Soudage laser</dd>" in page
    assert '<a href="/organiser/sessions/3/edit">session #3</a>' in page
    for area in ("b2b", "session", "showroom", "user"):
        assert f'<option value="{area}"' in page
    assert "command line" in (await organiser.get("/organiser/audit", params={"area": "user"})).text


async def test_audit_log_pages_by_50(
    organiser: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await seed(sessionmaker, [(None, f"day.move{n}", {}) for n in range(55)])
    first = await shown(organiser)
    second = await shown(organiser, page="2")
    assert first == [f"day.move{n}" for n in range(54, 4, -1)]
    assert second == [f"day.move{n}" for n in range(4, -1, -1)]
    assert (await organiser.get("/organiser/audit", params={"page": "3"})).status_code == 404
    # Characters that str.isdigit() accepts but int() does not are a broken link too, not a server error.
    for odd in ("²", "١", "0", "-1", "1.5"):
        assert (await organiser.get("/organiser/audit", params={"page": odd})).status_code == 404, odd
        assert (await organiser.get("/organiser/people", params={"page": odd})).status_code == 404, odd


async def test_person_history_links_to_the_filtered_log(
    organiser: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    pat = await make_user("pat@example.org", name="Pat")
    async with sessionmaker() as db, db.begin():
        for _ in range(12):
            await record_action(db, None, "user.enable", "user", pat.id)
        await record_action(db, None, "user.enable", "user", pat.id + 1)
    page = await organiser.get(f"/organiser/people/{pat.id}")
    assert page.text.count("<code>user.enable</code>") == 10
    assert f"/organiser/audit?target_type=user&amp;target_id={pat.id}" in page.text
    assert len(await shown(organiser, target_type="user", target_id=str(pat.id))) == 12


@pytest.mark.parametrize("page", ["²", "١", "-1", "0", "1.5", "abc", "99999999999999999999", "2"])
async def test_audit_log_answers_404_for_a_page_that_cannot_exist(
    organiser: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], page: str
) -> None:
    await seed(sessionmaker, [(None, "day.move", {})])
    assert (await organiser.get("/organiser/audit", params={"page": page})).status_code == 404


async def test_audit_log_filters_take_text_literally_and_ignore_accents(
    organiser: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    helene = await make_user("hélène@example.org", organiser=True, name="Hélène")
    otto = await make_user("otto_org@example.org", organiser=True, name="Otto")
    await seed(
        sessionmaker,
        [(helene, "b2b.publish", {}), (otto, "b2bx.publish", {}), (otto, "session.edit", {})],
    )
    assert await shown(organiser, actor="HELENE") == ["b2b.publish"]
    assert await shown(organiser, actor="o_o") == ["session.edit", "b2bx.publish"]
    # An area is a whole prefix: "b2b" is not "b2bx", and "_" or "%" match only themselves.
    assert await shown(organiser, area="b2b") == ["b2b.publish"]
    assert await shown(organiser, area="b2b%") == []
    assert await shown(organiser, area="b_b") == []
