"""Changing roles and accounts: organiser role given and taken, accounts disabled (their sessions end at once)
and enabled; an organiser cannot demote or disable themselves, and the fair never loses its last organiser."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.i18n import current_locale
from emicronora.models import AuditEntry, LoginSession, User
from emicronora.people import roles
from tests.conftest import PASSWORD, csrf_token, login, post_form

Maker = async_sessionmaker[AsyncSession]
PEOPLE = "/organiser/people"


async def account(sessionmaker: Maker, user_id: int) -> User:
    async with sessionmaker() as db:
        return await db.get_one(User, user_id)


async def actions(sessionmaker: Maker) -> list[str]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all())


async def organiser_id(sessionmaker: Maker) -> int:
    async with sessionmaker() as db:
        found = await db.scalar(select(User.id).where(User.email == "olga.organiser@example.org"))
    assert found is not None
    return found


async def test_make_organiser_opens_the_console_to_them(
    organiser: httpx.AsyncClient,
    second_browser: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: Maker,
) -> None:
    pat = await make_user("pat@example.org", name="Pat")
    await login(second_browser, "pat@example.org")
    assert (await second_browser.get("/organiser/")).status_code == 403

    response = await post_form(organiser, f"{PEOPLE}/{pat.id}/organiser/grant", {})
    assert response.status_code == 303
    assert (await account(sessionmaker, pat.id)).is_organiser
    assert (await second_browser.get("/organiser/")).status_code == 200

    response = await post_form(organiser, f"{PEOPLE}/{pat.id}/organiser/revoke", {})
    assert response.status_code == 303
    assert not (await account(sessionmaker, pat.id)).is_organiser
    assert (await second_browser.get("/organiser/")).status_code == 403
    assert await actions(sessionmaker) == ["user.organiser_grant", "user.organiser_revoke"]


async def test_person_page_shows_roles_company_and_history(
    organiser: httpx.AsyncClient, make_user: Callable[..., Awaitable[User]]
) -> None:
    exhibitor = await make_user("eve@example.org", exhibitor=True, name="Eve Exhibitor")
    await post_form(organiser, f"{PEOPLE}/{exhibitor.id}/organiser/grant", {})
    page = await organiser.get(f"{PEOPLE}/{exhibitor.id}")
    assert page.status_code == 200
    assert "Company of Eve Exhibitor" in page.text
    assert f'href="/organiser/showrooms/{exhibitor.company_id}/edit"' in page.text
    assert "user.organiser_grant" in page.text and "olga.organiser@example.org" in page.text
    assert (await organiser.get(f"{PEOPLE}/999999")).status_code == 404


async def test_organiser_cannot_remove_their_own_role_nor_disable_themselves(
    organiser: httpx.AsyncClient, make_user: Callable[..., Awaitable[User]], sessionmaker: Maker
) -> None:
    # A second organiser exists: the refusal is about oneself, not about the last organiser.
    await make_user("otto@example.org", organiser=True, name="Otto")
    me = await organiser_id(sessionmaker)
    response = await post_form(organiser, f"{PEOPLE}/{me}/organiser/revoke", {})
    assert response.status_code == 409
    assert "You cannot remove your own organiser role" in response.text
    response = await post_form(organiser, f"{PEOPLE}/{me}/disable", {})
    assert response.status_code == 409
    assert "You cannot disable your own account" in response.text
    mine = await account(sessionmaker, me)
    assert mine.is_organiser and mine.is_active
    assert (await organiser.get("/organiser/")).status_code == 200
    assert await actions(sessionmaker) == []


async def test_last_organiser_cannot_be_removed_nor_disabled(
    make_user: Callable[..., Awaitable[User]], sessionmaker: Maker
) -> None:
    """From the command line (no acting organiser) the only organiser stays one, and stays active."""
    current_locale.set("en")
    only = await make_user("only@example.org", organiser=True, name="Only")
    async with sessionmaker() as db, db.begin():
        user = await db.get_one(User, only.id)
        with pytest.raises(roles.RoleRefused, match="at least one active organiser"):
            await roles.set_organiser(db, user, None, False)
        with pytest.raises(roles.RoleRefused, match="at least one active organiser"):
            await roles.set_active(db, user, None, False)
    kept = await account(sessionmaker, only.id)
    assert kept.is_organiser and kept.is_active
    # A disabled organiser does not count: the active one is still the last.
    disabled = await make_user("gone@example.org", organiser=True, name="Gone")
    async with sessionmaker() as db, db.begin():
        (await db.get_one(User, disabled.id)).is_active = False
    async with sessionmaker() as db, db.begin():
        with pytest.raises(roles.RoleRefused):
            await roles.set_organiser(db, await db.get_one(User, only.id), None, False)
        assert await roles.set_organiser(db, await db.get_one(User, disabled.id), None, False)


async def test_two_organisers_removing_each_other_at_once_leave_one(
    make_user: Callable[..., Awaitable[User]], sessionmaker: Maker
) -> None:
    """Each would be allowed alone; run together, the second waits for the first and is refused."""
    ann = await make_user("ann@example.org", organiser=True, name="Ann")
    ben = await make_user("ben@example.org", organiser=True, name="Ben")
    async with sessionmaker() as first, sessionmaker() as second:
        await first.begin()
        await second.begin()
        await roles.set_organiser(first, await first.get_one(User, ben.id), ann, False)
        ann_in_second = await second.get_one(User, ann.id)
        racing = asyncio.create_task(roles.set_organiser(second, ann_in_second, ben, False))
        await asyncio.sleep(0.3)
        await first.commit()
        with pytest.raises(roles.RoleRefused):
            await racing
        await second.rollback()
    assert (await account(sessionmaker, ann.id)).is_organiser
    assert not (await account(sessionmaker, ben.id)).is_organiser


async def test_disabling_an_account_ends_its_sessions_at_once(
    organiser: httpx.AsyncClient,
    second_browser: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: Maker,
) -> None:
    pat = await make_user("pat@example.org", name="Pat")
    await login(second_browser, "pat@example.org")
    assert (await second_browser.get("/account")).status_code == 200
    page = await organiser.get(f"{PEOPLE}/{pat.id}")
    assert '<dd data-testid="login-sessions">1</dd>' in page.text

    response = await post_form(organiser, f"{PEOPLE}/{pat.id}/disable", {})
    assert response.status_code == 303
    confirmation = await organiser.get(response.headers["location"])
    assert "The account is disabled and its login sessions have ended." in confirmation.text
    assert '<dd data-testid="login-sessions">0</dd>' in confirmation.text

    # The very next request of the disabled person is anonymous: sent to the login page.
    response = await second_browser.get("/account")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).where(LoginSession.user_id == pat.id)) == 0
    token = await csrf_token(second_browser)
    refused = await second_browser.post(
        "/login", data={"csrf_token": token, "email": "pat@example.org", "password": PASSWORD}
    )
    assert refused.status_code != 303

    async with sessionmaker() as db:
        entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "user.disable"))
    assert entry is not None and entry.details == {"email": "pat@example.org", "ended_sessions": 1}

    assert (await post_form(organiser, f"{PEOPLE}/{pat.id}/enable", {})).status_code == 303
    await login(second_browser, "pat@example.org")
    assert (await second_browser.get("/account")).status_code == 200


async def test_appoint_and_remove_a_moderator_from_the_person_page(
    organiser: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: Maker,
) -> None:
    programme = await make_programme()
    mona = await make_user("mona@example.org", name="Mona")
    welding = programme["welding"]
    url = f"{PEOPLE}/{mona.id}/moderation"
    assert (await post_form(organiser, url, {"session_id": str(welding.id)})).status_code == 303
    page = await organiser.get(f"{PEOPLE}/{mona.id}")
    assert f'href="/organiser/sessions/{welding.id}/edit#moderators"' in page.text
    # Twice is refused with the live area's reason, next to the field.
    again = await post_form(organiser, url, {"session_id": str(welding.id)})
    assert again.status_code == 400 and "already moderates this session" in again.text
    assert (await post_form(organiser, url, {"session_id": "999999"})).status_code == 400
    removed = await post_form(organiser, f"{url}/{welding.id}/remove", {})
    assert removed.status_code == 303
    assert (await post_form(organiser, f"{url}/{welding.id}/remove", {})).status_code == 404
    assert await actions(sessionmaker) == ["session.moderator_appoint", "session.moderator_remove"]


async def test_repeated_or_misdirected_actions_change_nothing(
    organiser: httpx.AsyncClient,
    make_programme: Callable[..., Awaitable[dict[str, Any]]],
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: Maker,
) -> None:
    """A second click records nothing more; an unknown account is a 404; an organiser is never appointed
    moderator (they moderate every session already)."""
    pat = await make_user("pat@example.org", name="Pat")
    for _ in range(2):
        assert (await post_form(organiser, f"{PEOPLE}/{pat.id}/organiser/grant", {})).status_code == 303
    assert await actions(sessionmaker) == ["user.organiser_grant"]
    for ending in ("organiser/grant", "organiser/revoke", "enable", "disable", "moderation"):
        assert (await post_form(organiser, f"{PEOPLE}/999999/{ending}", {})).status_code == 404, ending
    assert (await post_form(organiser, f"{PEOPLE}/{pat.id}/moderation/999999/remove", {})).status_code == 404
    welding = (await make_programme())["welding"]
    refused = await post_form(organiser, f"{PEOPLE}/{pat.id}/moderation", {"session_id": str(welding.id)})
    assert refused.status_code == 400
    assert await actions(sessionmaker) == ["user.organiser_grant"]
