"""A company's team: invitation links (only their digest stored), joining with the invited address, the
refusals, removing a member."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import TeamInvitation, User
from tests.conftest import login, post_form
from tests.showroom.conftest import ATTENDEE, OTHER, World, showroom_state

LINK = re.compile(r'value="http://127\.0\.0\.1:8000(/invitations/([A-Za-z0-9_-]+))"')


async def invite(client: httpx.AsyncClient, email: str) -> tuple[str, str]:
    """Invites `email` and returns the link's path and token, as shown to the inviter."""
    response = await post_form(client, "/exhibitor-area/team/invite", {"email": email})
    assert response.status_code == 200, response.text
    match = LINK.search(response.text)
    assert match, "no invitation link on the page"
    return match.group(1), match.group(2)


async def company_id_of(sessionmaker: async_sessionmaker[AsyncSession], email: str) -> int | None:
    async with sessionmaker() as db:
        return await db.scalar(select(User.company_id).where(User.email == email))


@pytest.fixture
async def member(world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]) -> httpx.AsyncClient:
    return await as_role("member")


async def test_team_invite_shows_the_link_once_and_stores_only_its_digest(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    response = await post_form(member, "/exhibitor-area/team/invite", {"email": " Ada.Attendee@Example.org "})
    assert (
        "The platform does not send e-mail yet: send this link to your colleague yourself." in response.text
    )
    path, token = (LINK.search(response.text) or pytest.fail("no link")).groups()
    assert path == f"/invitations/{token}"
    async with sessionmaker() as db:
        (invitation,) = (await db.scalars(select(TeamInvitation))).all()
    assert (invitation.company_id, invitation.email, invitation.invited_by, invitation.accepted_at) == (
        world.company.id,
        "ada.attendee@example.org",
        world.member.id,
        None,
    )
    assert invitation.token_digest == hashlib.sha256(token.encode()).hexdigest()
    page = (await member.get("/exhibitor-area/team")).text
    assert token not in page
    assert "<td>ada.attendee@example.org</td>" in page


async def test_team_invite_again_replaces_the_previous_link(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    old_path, _old = await invite(member, ATTENDEE)
    new_path, _new = await invite(member, ATTENDEE)
    async with sessionmaker() as db:
        assert len((await db.scalars(select(TeamInvitation))).all()) == 1
    await login(member, ATTENDEE)
    assert (await member.get(old_path)).status_code == 404
    assert (await member.get(new_path)).status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required."),
        ("not-an-address", "Enter a valid e-mail address."),
        ("CHLOE.colleague@example.org", "This person is already in the team."),
    ],
)
async def test_team_invite_rerenders_bad_input_with_message_next_to_field(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], email: str, message: str
) -> None:
    before = await showroom_state(sessionmaker)
    response = await post_form(member, "/exhibitor-area/team/invite", {"email": email})
    assert response.status_code == 400
    assert f'<p class="error" id="e-email">{message}</p>' in response.text
    assert await showroom_state(sessionmaker) == before


async def test_team_invitation_accept_joins_the_company(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _token = await invite(member, "ADA.attendee@example.org")
    await login(member, ATTENDEE)
    page = await member.get(path)
    assert page.status_code == 200
    assert "Join the team of Lumicron Laser" in page.text
    response = await post_form(member, path, {})
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitor-area/team?joined=1"
    assert await company_id_of(sessionmaker, ATTENDEE) == world.company.id
    async with sessionmaker() as db:
        invitation = await db.scalar(select(TeamInvitation))
    assert invitation.accepted_at is not None
    page = (await member.get("/exhibitor-area/team?joined=1")).text
    assert "Welcome to the team of Lumicron Laser." in page
    assert 'href="/exhibitor-area/showroom">My showroom</a>' in page


async def test_team_invitation_reused_token_answers_404(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _token = await invite(member, ATTENDEE)
    await login(member, ATTENDEE)
    assert (await post_form(member, path, {})).status_code == 303
    before = await showroom_state(sessionmaker)
    for response in (await member.get(path), await post_form(member, path, {})):
        assert response.status_code == 404
        assert "This invitation does not exist, has already been used or has expired." in response.text
    assert await showroom_state(sessionmaker) == before


@pytest.mark.parametrize("path", ["/invitations/unknown-token", "/invitations/" + "a" * 101])
async def test_team_invitation_unknown_token_answers_404(
    world: World, as_role: Callable[[str], Awaitable[httpx.AsyncClient]], path: str
) -> None:
    client = await as_role("attendee")
    assert (await client.get(path)).status_code == 404
    assert (await post_form(client, path, {})).status_code == 404


async def test_team_invitation_expires_after_fourteen_days(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _token = await invite(member, ATTENDEE)
    async with sessionmaker() as db, db.begin():
        await db.execute(update(TeamInvitation).values(created_at=datetime.now(UTC) - timedelta(days=15)))
    await login(member, ATTENDEE)
    assert (await member.get(path)).status_code == 404
    assert await company_id_of(sessionmaker, ATTENDEE) is None


async def test_team_invitation_for_another_address_is_refused(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _token = await invite(member, "someone.else@example.org")
    await login(member, ATTENDEE)
    before = await showroom_state(sessionmaker)
    page = await member.get(path)
    assert page.status_code == 403
    assert "This invitation was sent to another e-mail address." in page.text
    assert 'action="' + path + '"' not in page.text
    response = await post_form(member, path, {})
    assert response.status_code == 403
    assert "This invitation was sent to another e-mail address." in response.text
    assert await showroom_state(sessionmaker) == before


async def test_team_invitation_while_in_another_company_is_refused(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _token = await invite(member, OTHER)
    await login(member, OTHER)
    before = await showroom_state(sessionmaker)
    response = await post_form(member, path, {})
    assert response.status_code == 403
    assert "Your account already belongs to the team of another company." in response.text
    assert await company_id_of(sessionmaker, OTHER) == world.other.id
    assert await showroom_state(sessionmaker) == before


async def test_team_invitation_sends_anonymous_visitors_to_login(
    member: httpx.AsyncClient, as_role: Callable[[str], Awaitable[httpx.AsyncClient]]
) -> None:
    path, _token = await invite(member, ATTENDEE)
    await post_form(member, "/logout", {})
    response = await member.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"


async def test_team_invitation_revoke_ends_the_link(
    member: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    path, _token = await invite(member, ATTENDEE)
    async with sessionmaker() as db:
        invitation_id = await db.scalar(select(TeamInvitation.id))
    response = await post_form(member, f"/exhibitor-area/team/invitations/{invitation_id}/revoke", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitor-area/team#invitations"
    await login(member, ATTENDEE)
    assert (await member.get(path)).status_code == 404


async def test_team_member_remove_takes_them_out(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    page = (await member.get("/exhibitor-area/team")).text
    assert f'action="/exhibitor-area/team/members/{world.colleague.id}/remove"' in page
    assert f'action="/exhibitor-area/team/members/{world.member.id}/remove"' not in page
    response = await post_form(member, f"/exhibitor-area/team/members/{world.colleague.id}/remove", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/exhibitor-area/team#members"
    assert await company_id_of(sessionmaker, world.colleague.email) is None


async def test_team_member_remove_of_yourself_is_refused(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    response = await post_form(member, f"/exhibitor-area/team/members/{world.member.id}/remove", {})
    assert response.status_code == 400
    assert "You cannot remove yourself from the team; ask a colleague to do it." in response.text
    assert await showroom_state(sessionmaker) == before


async def test_team_member_remove_of_someone_elses_member_answers_404(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await showroom_state(sessionmaker)
    response = await post_form(member, f"/exhibitor-area/team/members/{world.other_member.id}/remove", {})
    assert response.status_code == 404
    assert await showroom_state(sessionmaker) == before


async def test_team_removed_member_loses_the_exhibitor_area(
    member: httpx.AsyncClient, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await post_form(member, f"/exhibitor-area/team/members/{world.colleague.id}/remove", {})
    await login(member, world.colleague.email)
    assert (await member.get("/exhibitor-area/showroom")).status_code == 403
