"""Meeting requests: sending, answering, withdrawing, expiry, the organisers' approval, the settings page and
who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from emicronora.b2b.meetings import operations
from emicronora.models import B2BSettings, Meeting, MeetingRequest
from tests.b2b import meeting_factories as f
from tests.conftest import login, post_form

ANNE = "anne.buyer@example.org"
BRUNO = "bruno.supplier@example.org"
CLARA = "clara.other@example.org"
DORA = "dora.dormant@example.org"
OUTSIDER = "otto.outsider@example.org"
ORGANISER = "olga.organiser@example.org"


@pytest.fixture
async def people(make_user, sessionmaker) -> dict:
    """Anne (buyer), Bruno (supplier), Clara (supplier), Dora (inactive profile), Otto (no profile), Olga
    (organiser, no profile)."""
    anne = await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech")
    bruno = await f.participant(
        make_user, sessionmaker, BRUNO, "Bruno Fournisseur", company="Lasertec", role="supplier"
    )
    clara = await f.participant(make_user, sessionmaker, CLARA, "Clara Autre", role="supplier")
    dora = await f.participant(make_user, sessionmaker, DORA, "Dora Dormante", active=False)
    otto = await make_user(OUTSIDER, name="Otto Outsider")
    olga = await make_user(ORGANISER, organiser=True, name="Olga Organiser")
    return {
        "anne": anne[1],
        "bruno": bruno[1],
        "clara": clara[1],
        "dora": dora[1],
        "otto": otto,
        "olga": olga,
    }


async def as_user(client: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    client.cookies.set("em_lang", "en")
    await login(client, email)
    return client


async def logout(client: httpx.AsyncClient) -> None:
    await post_form(client, "/logout", {}, token_from="/")


async def send(client: httpx.AsyncClient, to: int, message: str = "Parlons soudage laser.") -> httpx.Response:
    return await post_form(client, "/b2b/requests/new", {"to": str(to), "message": message})


async def stored_requests(sessionmaker) -> list[MeetingRequest]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(MeetingRequest).order_by(MeetingRequest.id))).all())


async def test_request_accepted_becomes_a_meeting_with_a_video_room(
    client: httpx.AsyncClient, people, sessionmaker
) -> None:
    anne, bruno = people["anne"], people["bruno"]
    await as_user(client, ANNE)
    form = await client.get(f"/b2b/requests/new?to={bruno.id}")
    assert form.status_code == 200
    assert "Bruno Fournisseur" in form.text and "Lasertec" in form.text
    sent = await send(client, bruno.id)
    assert sent.status_code == 303
    (stored,) = await stored_requests(sessionmaker)
    assert (stored.requester_id, stored.recipient_id, stored.status) == (anne.id, bruno.id, "pending")
    assert stored.message == "Parlons soudage laser."
    assert stored.expires_at - stored.created_at == timedelta(hours=72)
    outgoing = (await client.get("/b2b/requests")).text
    assert "Bruno Fournisseur" in outgoing and "Waiting for an answer" in outgoing
    await logout(client)

    await as_user(client, BRUNO)
    incoming = (await client.get("/b2b/requests")).text
    assert "Anne Acheteuse" in incoming and "Parlons soudage laser." in incoming
    accepted = await post_form(client, f"/b2b/requests/{stored.id}/accept", {}, token_from="/b2b/requests")
    assert accepted.status_code == 303
    async with sessionmaker() as db:
        meeting = await db.scalar(select(Meeting))
        request = await db.get_one(MeetingRequest, stored.id)
    assert request.status == "accepted" and request.responded_at is not None
    assert (meeting.request_id, meeting.first_id, meeting.second_id) == (stored.id, anne.id, bruno.id)
    assert (meeting.status, meeting.slot_id, meeting.is_published) == ("scheduled", None, False)
    assert meeting.room_url.startswith("https://meet.jit.si/emicronora-")
    room = meeting.room_url.removeprefix("https://meet.jit.si/emicronora-")
    assert len(room) >= 10 and room.isalnum() and room == room.lower()
    agenda = (await client.get("/b2b/agenda")).text
    assert "To be scheduled" in agenda and "Anne Acheteuse" in agenda
    assert meeting.room_url not in agenda  # the room link comes with publication


def test_room_names_are_random_and_follow_the_configured_server() -> None:
    rooms = {operations.room_url("https://visio.example.org/") for _ in range(50)}
    assert len(rooms) == 50
    assert all(room.startswith("https://visio.example.org/emicronora-") for room in rooms)


async def test_bad_requests_say_why_and_write_nothing(
    client: httpx.AsyncClient, people, sessionmaker
) -> None:
    anne, bruno, clara, dora = people["anne"], people["bruno"], people["clara"], people["dora"]
    await f.set_rules(sessionmaker, max_pending_requests=2)
    await as_user(client, ANNE)
    assert (await send(client, bruno.id)).status_code == 303
    await logout(client)
    await as_user(client, CLARA)
    # Clara asked Anne earlier and Anne accepted: they already have a meeting.
    assert (await send(client, anne.id)).status_code == 303
    await logout(client)
    async with sessionmaker() as db, db.begin():
        clara_request = await db.scalar(select(MeetingRequest).where(MeetingRequest.requester_id == clara.id))
    await as_user(client, ANNE)
    assert (
        await post_form(client, f"/b2b/requests/{clara_request.id}/accept", {}, token_from="/b2b/requests")
    ).status_code == 303
    extra = await f.bare_participants(sessionmaker, 2)
    assert (await send(client, extra[0].id)).status_code == 303  # the second waiting request: the limit
    before = await f.meeting_state(sessionmaker)

    cases = [
        (anne.id, "x", "You cannot request a meeting with yourself."),
        (dora.id, "x", "This person does not take part in the B2B meetings."),
        (987654, "x", "This person does not take part in the B2B meetings."),
        (bruno.id, "x", "A request between you and this participant is already waiting for an answer."),
        (clara.id, "x", "You already have a meeting with this participant."),
        (extra[1].id, "x", "You already have 2 requests waiting for an answer, the most allowed."),
        (extra[1].id, "x" * 1001, "At most 1000 characters."),
    ]
    for to, message, expected in cases:
        response = await send(client, to, message)
        assert response.status_code == 400, expected
        assert expected in response.text
    assert await f.meeting_state(sessionmaker) == before

    # The other direction counts as a duplicate too.
    await logout(client)
    await as_user(client, BRUNO)
    response = await send(client, anne.id)
    assert response.status_code == 400
    assert "A request between you and this participant is already waiting for an answer." in response.text
    assert await f.meeting_state(sessionmaker) == before
    # A form for someone who is not in the B2B event is not found.
    assert (await client.get(f"/b2b/requests/new?to={dora.id}")).status_code == 404
    assert (await client.get("/b2b/requests/new?to=abc")).status_code == 404


async def test_only_the_recipient_answers_and_only_the_requester_withdraws(
    client: httpx.AsyncClient, people, sessionmaker
) -> None:
    bruno = people["bruno"]
    await as_user(client, ANNE)
    await send(client, bruno.id)
    (stored,) = await stored_requests(sessionmaker)
    before = await f.meeting_state(sessionmaker)
    # The requester may not accept their own request, nor may a third participant: not found.
    for verb in ("accept", "decline"):
        response = await post_form(
            client, f"/b2b/requests/{stored.id}/{verb}", {}, token_from="/b2b/requests"
        )
        assert response.status_code == 404
    await logout(client)
    await as_user(client, CLARA)
    for verb in ("accept", "decline", "withdraw"):
        response = await post_form(
            client, f"/b2b/requests/{stored.id}/{verb}", {}, token_from="/b2b/requests"
        )
        assert response.status_code == 404
    assert await f.meeting_state(sessionmaker) == before
    await logout(client)

    await as_user(client, BRUNO)
    withdrawn = await post_form(client, f"/b2b/requests/{stored.id}/withdraw", {}, token_from="/b2b/requests")
    assert withdrawn.status_code == 404
    declined = await post_form(client, f"/b2b/requests/{stored.id}/decline", {}, token_from="/b2b/requests")
    assert declined.status_code == 303
    (stored,) = await stored_requests(sessionmaker)
    assert stored.status == "declined"
    again = await post_form(client, f"/b2b/requests/{stored.id}/accept", {}, token_from="/b2b/requests")
    assert again.status_code == 400 and "This request has already been answered." in again.text
    async with sessionmaker() as db:
        assert await db.scalar(select(Meeting)) is None


async def test_requester_withdraws_an_open_request(client: httpx.AsyncClient, people, sessionmaker) -> None:
    await as_user(client, ANNE)
    await send(client, people["bruno"].id)
    (stored,) = await stored_requests(sessionmaker)
    response = await post_form(client, f"/b2b/requests/{stored.id}/withdraw", {}, token_from="/b2b/requests")
    assert response.status_code == 303
    (stored,) = await stored_requests(sessionmaker)
    assert stored.status == "withdrawn"
    # Withdrawn, it no longer blocks a new request.
    assert (await send(client, people["bruno"].id)).status_code == 303
    await logout(client)
    await as_user(client, BRUNO)
    old = await post_form(client, f"/b2b/requests/{stored.id}/accept", {}, token_from="/b2b/requests")
    assert old.status_code == 400 and "This request has been withdrawn." in old.text


async def test_unanswered_requests_expire(client: httpx.AsyncClient, people, sessionmaker) -> None:
    bruno = people["bruno"]
    await f.set_rules(sessionmaker, max_pending_requests=1, request_expiry_hours=1)
    await as_user(client, ANNE)
    await send(client, bruno.id)
    (stored,) = await stored_requests(sessionmaker)
    assert stored.expires_at - stored.created_at == timedelta(hours=1)
    async with sessionmaker() as db, db.begin():
        await db.execute(
            update(MeetingRequest)
            .where(MeetingRequest.id == stored.id)
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    page = (await client.get("/b2b/requests")).text
    assert "Expired" in page
    (stored,) = await stored_requests(sessionmaker)
    assert stored.status == "expired"  # stored as such by the page that showed it
    # Expired, it counts neither as a duplicate nor against the limit.
    assert (await send(client, bruno.id)).status_code == 303
    await logout(client)

    await as_user(client, BRUNO)
    old = await post_form(client, f"/b2b/requests/{stored.id}/accept", {}, token_from="/b2b/requests")
    assert old.status_code == 400 and "This request has expired." in old.text
    async with sessionmaker() as db:
        assert await db.scalar(select(Meeting)) is None


async def test_expire_requests_touches_only_pending_requests_past_their_expiry(people, sessionmaker) -> None:
    anne, bruno, clara = people["anne"], people["bruno"], people["clara"]
    now = datetime.now(UTC)
    async with sessionmaker() as db, db.begin():
        rows = [
            MeetingRequest(requester_id=anne.id, recipient_id=bruno.id, status="pending", expires_at=now),
            MeetingRequest(
                requester_id=anne.id,
                recipient_id=clara.id,
                status="pending",
                expires_at=now + timedelta(hours=1),
            ),
            MeetingRequest(
                requester_id=bruno.id,
                recipient_id=clara.id,
                status="declined",
                expires_at=now - timedelta(hours=1),
            ),
        ]
        db.add_all(rows)
    async with sessionmaker() as db, db.begin():
        assert await operations.expire_requests(db, now) == 1
    assert [r.status for r in await stored_requests(sessionmaker)] == ["expired", "pending", "declined"]


async def test_acceptance_waits_for_the_organisers_approval_when_required(
    client: httpx.AsyncClient, people, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, approval_required=True)
    await as_user(client, ANNE)
    await send(client, people["bruno"].id)
    await send(client, people["clara"].id)
    first, second = await stored_requests(sessionmaker)
    await logout(client)
    for email, stored in ((BRUNO, first), (CLARA, second)):
        await as_user(client, email)
        response = await post_form(
            client, f"/b2b/requests/{stored.id}/accept", {}, token_from="/b2b/requests"
        )
        assert response.status_code == 303
        page = (await client.get(response.headers["location"])).text
        assert "The organisers approve each meeting" in page
        await logout(client)
    assert [r.status for r in await stored_requests(sessionmaker)] == ["awaiting_approval"] * 2
    async with sessionmaker() as db:
        assert await db.scalar(select(Meeting)) is None

    # A participant cannot approve.
    await as_user(client, BRUNO)
    denied = await post_form(
        client, f"/organiser/b2b/approvals/{first.id}/approve", {}, token_from="/b2b/requests"
    )
    assert denied.status_code == 403
    await logout(client)

    await as_user(client, ORGANISER)
    page = (await client.get("/organiser/b2b/approvals")).text
    assert "Anne Acheteuse" in page and "Bruno Fournisseur" in page and "Clara Autre" in page
    approved = await post_form(
        client, f"/organiser/b2b/approvals/{first.id}/approve", {}, token_from="/organiser/b2b/approvals"
    )
    assert approved.status_code == 303
    refused = await post_form(
        client, f"/organiser/b2b/approvals/{second.id}/refuse", {}, token_from="/organiser/b2b/approvals"
    )
    assert refused.status_code == 303
    assert [r.status for r in await stored_requests(sessionmaker)] == ["accepted", "declined"]
    async with sessionmaker() as db:
        meetings = (await db.scalars(select(Meeting))).all()
    assert [m.request_id for m in meetings] == [first.id]
    before = await f.meeting_state(sessionmaker)
    twice = await post_form(
        client, f"/organiser/b2b/approvals/{first.id}/approve", {}, token_from="/organiser/b2b/approvals"
    )
    assert twice.status_code == 400 and "This request is not waiting for approval." in twice.text
    missing = await post_form(
        client, "/organiser/b2b/approvals/424242/refuse", {}, token_from="/organiser/b2b/approvals"
    )
    assert missing.status_code == 404
    assert await f.meeting_state(sessionmaker) == before


async def test_organiser_sets_the_rules_and_bad_numbers_are_refused(
    client: httpx.AsyncClient, people, sessionmaker
) -> None:
    await as_user(client, ORGANISER)
    page = await client.get("/organiser/b2b/settings")
    assert page.status_code == 200 and 'value="20"' in page.text and 'value="72"' in page.text
    values = {"max_pending_requests": "5", "request_expiry_hours": "48", "tables": "12"}
    for name, bad, message in [
        ("max_pending_requests", "0", "Enter a number from 1 to 200."),
        ("max_pending_requests", "201", "Enter a number from 1 to 200."),
        ("request_expiry_hours", "721", "Enter a number from 1 to 720."),
        ("tables", "-1", "Enter a number from 0 to 1000."),
        ("tables", "many", "Enter a whole number."),
    ]:
        response = await post_form(
            client, "/organiser/b2b/settings", {**values, name: bad}, token_from="/organiser/b2b/settings"
        )
        assert response.status_code == 400 and message in response.text
    async with sessionmaker() as db:
        assert await db.scalar(select(B2BSettings)) is None
    saved = await post_form(
        client,
        "/organiser/b2b/settings",
        {**values, "approval_required": "on", "self_booking": "on"},
        token_from="/organiser/b2b/settings",
    )
    assert saved.status_code == 303
    async with sessionmaker() as db:
        rules = await db.scalar(select(B2BSettings))
    assert (rules.approval_required, rules.self_booking) == (True, True)
    assert (rules.max_pending_requests, rules.request_expiry_hours, rules.tables) == (5, 48, 12)
    unticked = await post_form(
        client, "/organiser/b2b/settings", values, token_from="/organiser/b2b/settings"
    )
    assert unticked.status_code == 303
    async with sessionmaker() as db:
        rows = (await db.scalars(select(B2BSettings))).all()
    assert len(rows) == 1 and (rows[0].approval_required, rows[0].self_booking) == (False, False)


PARTICIPANT_PAGES = ("/b2b/requests", "/b2b/availability", "/b2b/agenda")
ORGANISER_PAGES = ("/organiser/b2b/settings", "/organiser/b2b/approvals")


async def test_permission_matrix(client: httpx.AsyncClient, people, sessionmaker) -> None:
    bruno = people["bruno"]
    new_request = f"/b2b/requests/new?to={bruno.id}"
    client.cookies.set("em_lang", "en")
    for path in (*PARTICIPANT_PAGES, new_request, *ORGANISER_PAGES):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    for path in ("/b2b/requests/1/accept", "/b2b/meetings/1/book", "/organiser/b2b/approvals/1/approve"):
        assert (await post_form(client, path, {})).status_code == 303, path

    expected = {
        # A participant uses their pages, not the organisers'.
        ANNE: {
            **dict.fromkeys((*PARTICIPANT_PAGES, new_request), 200),
            **dict.fromkeys(ORGANISER_PAGES, 403),
        },
        # Without an active profile: told to join first.
        OUTSIDER: dict.fromkeys((*PARTICIPANT_PAGES, new_request, *ORGANISER_PAGES), 403),
        DORA: dict.fromkeys((*PARTICIPANT_PAGES, new_request, *ORGANISER_PAGES), 403),
        # The organiser without a profile of their own.
        ORGANISER: {
            **dict.fromkeys((*PARTICIPANT_PAGES, new_request), 403),
            **dict.fromkeys(ORGANISER_PAGES, 200),
        },
    }
    for email, pages in expected.items():
        await login(client, email)
        for path, status in pages.items():
            response = await client.get(path)
            assert response.status_code == status, (email, path)
            if status == 403 and not path.startswith("/organiser"):
                assert "Join the B2B meetings with a profile first." in response.text
        await logout(client)
