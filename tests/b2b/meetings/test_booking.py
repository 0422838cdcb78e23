"""Self-booking: the first common free slot, booked atomically; refusals leave nothing written; cancelling
frees the slot and tells the partner."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from emicronora.b2b.meetings import booking
from emicronora.i18n import current_locale
from emicronora.models import B2BProfile, Meeting, ParticipantSlot, Unavailability
from tests.b2b import meeting_factories as f
from tests.conftest import login, post_form


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Domain functions called outside a request speak the default locale: these tests read English."""
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


async def test_one_hundred_simultaneous_bookings_of_one_participants_last_slot_let_exactly_one_win(
    sessionmaker,
) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    star, *partners = await f.bare_participants(sessionmaker, 101)
    only_slot, *_others = await f.slots(sessionmaker, f.soon(), 2)
    # The star participant is unavailable in every slot but one.
    async with sessionmaker() as db, db.begin():
        db.add_all(Unavailability(profile_id=star.id, slot_id=slot.id) for slot in _others)
    meetings = [await f.meeting(sessionmaker, star, partner) for partner in partners]
    now = datetime.now(UTC)

    async def attempt(meeting_id: int):
        try:
            return await booking.book(sessionmaker, meeting_id, star, now)
        except booking.BookingError as refused:
            return refused

    outcomes = await asyncio.gather(*(attempt(m.id) for m in meetings))

    won = [o for o in outcomes if not isinstance(o, booking.BookingError)]
    lost = [o for o in outcomes if isinstance(o, booking.BookingError)]
    assert [slot.id for slot in won] == [only_slot.id]
    assert len(lost) == 99
    assert {o.message for o in lost} <= {
        "There is no free slot common to you and your partner any more.",
        "Many participants are booking at this moment. Please retry in a moment.",
    }
    async with sessionmaker() as db:
        rows = (await db.execute(select(ParticipantSlot.profile_id, ParticipantSlot.slot_id))).all()
        booked = (await db.scalars(select(Meeting).where(Meeting.slot_id.is_not(None)))).all()
    assert len(booked) == 1
    assert sorted(rows) == sorted([(star.id, only_slot.id), (booked[0].second_id, only_slot.id)])


ANNE = "anne.buyer@example.org"
BRUNO = "bruno.supplier@example.org"
CLARA = "clara.other@example.org"


async def _pair(make_user, sessionmaker):
    anne = await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech")
    bruno = await f.participant(make_user, sessionmaker, BRUNO, "Bruno Fournisseur", company="Lasertec")
    return anne, bruno


async def _logged_in(client: httpx.AsyncClient, email: str) -> httpx.AsyncClient:
    client.cookies.set("em_lang", "en")
    await login(client, email)
    return client


async def test_participant_books_the_first_common_free_slot_offered_on_the_agenda(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    (_anne_user, anne), (_bruno_user, bruno) = await _pair(make_user, sessionmaker)
    first, second, third = await f.slots(sessionmaker, f.soon(), 3)
    async with sessionmaker() as db, db.begin():
        db.add(Unavailability(profile_id=anne.id, slot_id=first.id))
        db.add(Unavailability(profile_id=bruno.id, slot_id=second.id))
    made = await f.meeting(sessionmaker, anne, bruno)
    await _logged_in(client, BRUNO)

    page = await client.get("/b2b/agenda")
    assert page.status_code == 200
    assert "To be scheduled" in page.text and "Anne Acheteuse" in page.text
    assert f'name="slot_id" value="{third.id}"' in page.text  # the first slot free for both
    booked = await post_form(
        client, f"/b2b/meetings/{made.id}/book", {"slot_id": str(third.id)}, token_from="/b2b/agenda"
    )
    assert booked.status_code == 303

    async with sessionmaker() as db:
        stored = await db.get_one(Meeting, made.id)
        rows = (await db.execute(select(ParticipantSlot.profile_id, ParticipantSlot.slot_id))).all()
    assert stored.slot_id == third.id and stored.is_published and stored.sequence == 1
    assert sorted(rows) == sorted([(anne.id, third.id), (bruno.id, third.id)])
    agenda = (await client.get("/b2b/agenda")).text
    assert stored.room_url in agenda and "Join the video room" in agenda
    assert "Aérotech" in agenda and f'href="/b2b/participants/{anne.id}"' in agenda


async def test_booking_without_a_chosen_slot_takes_the_first_common_free_one(sessionmaker) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    anne, bruno, clara = await f.bare_participants(sessionmaker, 3)
    first, second = await f.slots(sessionmaker, f.soon(), 2)
    # Clara and Bruno already meet in the first slot: Bruno is busy there.
    taken = await f.meeting(sessionmaker, clara, bruno)
    assert (await booking.book(sessionmaker, taken.id, clara, datetime.now(UTC))).id == first.id
    made = await f.meeting(sessionmaker, anne, bruno)
    slot = await booking.book(sessionmaker, made.id, anne, datetime.now(UTC))
    assert slot.id == second.id


async def test_booking_respects_the_number_of_tables(sessionmaker) -> None:
    await f.set_rules(sessionmaker, self_booking=True, tables=1)
    a, b, c, d = await f.bare_participants(sessionmaker, 4)
    first, second = await f.slots(sessionmaker, f.soon(), 2)
    one = await f.meeting(sessionmaker, a, b)
    other = await f.meeting(sessionmaker, c, d)
    assert (await booking.book(sessionmaker, one.id, a, datetime.now(UTC))).id == first.id
    # Nobody of the second pair is busy in the first slot, but its only table is taken.
    assert (await booking.book(sessionmaker, other.id, c, datetime.now(UTC))).id == second.id


async def test_booking_refusals_say_why_and_write_nothing(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    (_u, anne), (_v, bruno) = await _pair(make_user, sessionmaker)
    (_w, clara) = await f.participant(make_user, sessionmaker, CLARA, "Clara Autre")
    past = await f.slots(sessionmaker, f.soon(days=-2), 1)
    first, second, third = await f.slots(sessionmaker, f.soon(), 3)
    async with sessionmaker() as db, db.begin():
        db.add(Unavailability(profile_id=bruno.id, slot_id=second.id))
    # Anne already meets Clara in the first slot.
    busy = await f.meeting(sessionmaker, anne, clara)
    await booking.book(sessionmaker, busy.id, clara, datetime.now(UTC), slot_id=first.id)
    made = await f.meeting(sessionmaker, anne, bruno)
    await _logged_in(client, ANNE)
    before = await f.meeting_state(sessionmaker)

    cases = [
        (first.id, "This slot has just been taken. The next free slot is offered on your agenda."),
        (second.id, "This slot is outside the availability of you or your partner."),
        (past[0].id, "This slot has already started."),
        (987654, "This slot does not exist."),
    ]
    for slot_id, message in cases:
        response = await post_form(
            client, f"/b2b/meetings/{made.id}/book", {"slot_id": str(slot_id)}, token_from="/b2b/agenda"
        )
        assert response.status_code == 400, message
        assert message in response.text
    assert await f.meeting_state(sessionmaker) == before

    # The meeting of two others is not Anne's: not found, whether it exists or not.
    theirs = await f.meeting(sessionmaker, bruno, clara)
    before = await f.meeting_state(sessionmaker)
    for meeting_id in (theirs.id, 424242):
        for action in ("book", "cancel"):
            response = await post_form(
                client, f"/b2b/meetings/{meeting_id}/{action}", {}, token_from="/b2b/agenda"
            )
            assert response.status_code == 404
    assert await f.meeting_state(sessionmaker) == before

    # Once booked, a meeting cannot be booked again.
    ok = await post_form(client, f"/b2b/meetings/{made.id}/book", {}, token_from="/b2b/agenda")
    assert ok.status_code == 303
    before = await f.meeting_state(sessionmaker)
    again = await post_form(client, f"/b2b/meetings/{made.id}/book", {}, token_from="/b2b/agenda")
    assert again.status_code == 400 and "This meeting already has a time." in again.text
    assert await f.meeting_state(sessionmaker) == before
    async with sessionmaker() as db:
        assert (await db.get_one(Meeting, made.id)).slot_id == third.id


async def test_no_common_free_slot_is_a_clear_message(sessionmaker) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    anne, bruno = await f.bare_participants(sessionmaker, 2)
    (only,) = await f.slots(sessionmaker, f.soon(), 1)
    async with sessionmaker() as db, db.begin():
        db.add(Unavailability(profile_id=bruno.id, slot_id=only.id))
    made = await f.meeting(sessionmaker, anne, bruno)
    before = await f.meeting_state(sessionmaker)
    try:
        await booking.book(sessionmaker, made.id, anne, datetime.now(UTC))
    except booking.BookingError as refused:
        assert refused.message == "There is no free slot common to you and your partner any more."
    else:
        raise AssertionError("booked outside availability")
    assert await f.meeting_state(sessionmaker) == before


async def test_booking_is_refused_when_the_organisers_schedule(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, self_booking=False)
    (_u, anne), (_v, bruno) = await _pair(make_user, sessionmaker)
    await f.slots(sessionmaker, f.soon(), 1)
    made = await f.meeting(sessionmaker, anne, bruno)
    await _logged_in(client, ANNE)
    page = await client.get("/b2b/agenda")
    assert "Book this time" not in page.text
    assert "the time and the video room appear here once they publish the schedule" in page.text
    before = await f.meeting_state(sessionmaker)
    response = await post_form(client, f"/b2b/meetings/{made.id}/book", {}, token_from="/b2b/agenda")
    assert response.status_code == 400
    assert "The organisers schedule the meetings" in response.text
    assert await f.meeting_state(sessionmaker) == before


async def test_cancelling_frees_the_slot_bumps_the_sequence_and_tells_the_partner(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    (_u, anne), (_v, bruno) = await _pair(make_user, sessionmaker)
    (_w, clara) = await f.participant(make_user, sessionmaker, CLARA, "Clara Autre")
    (slot,) = await f.slots(sessionmaker, f.soon(), 1)
    made = await f.meeting(sessionmaker, anne, bruno)
    await booking.book(sessionmaker, made.id, anne, datetime.now(UTC))
    await _logged_in(client, BRUNO)
    response = await post_form(client, f"/b2b/meetings/{made.id}/cancel", {}, token_from="/b2b/agenda")
    assert response.status_code == 303
    async with sessionmaker() as db:
        stored = await db.get_one(Meeting, made.id)
        busy = await db.scalar(select(func.count()).select_from(ParticipantSlot))
    assert (stored.status, stored.sequence, stored.slot_id, busy) == ("cancelled", 2, slot.id, 0)
    again = await post_form(client, f"/b2b/meetings/{made.id}/cancel", {}, token_from="/b2b/agenda")
    assert again.status_code == 400 and "This meeting is already cancelled." in again.text
    await post_form(client, "/logout", {}, token_from="/b2b/agenda")

    await _logged_in(client, ANNE)
    page = (await client.get("/b2b/agenda")).text
    assert "1 meeting has been cancelled" in page
    assert "This meeting has been cancelled; its slot is free again." in page and "Bruno Fournisseur" in page
    assert f'data-testid="cancel-{made.id}"' not in page

    # The freed slot is Anne's again for another meeting.
    other = await f.meeting(sessionmaker, anne, clara)
    assert (await booking.book(sessionmaker, other.id, anne, datetime.now(UTC))).id == slot.id


async def test_a_participants_maximum_number_of_meetings_is_kept(sessionmaker) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    anne, bruno, clara = await f.bare_participants(sessionmaker, 3)
    await f.slots(sessionmaker, f.soon(), 3)
    async with sessionmaker() as db, db.begin():
        (await db.get_one(B2BProfile, bruno.id)).max_meetings = 1
    first = await f.meeting(sessionmaker, anne, bruno)
    await booking.book(sessionmaker, first.id, anne, datetime.now(UTC))
    second = await f.meeting(sessionmaker, clara, bruno)
    before = await f.meeting_state(sessionmaker)
    for who, message in [
        (clara, "Your partner already has the number of meetings they accept."),
        (bruno, "You already have the number of meetings set in your profile."),
    ]:
        try:
            await booking.book(sessionmaker, second.id, who, datetime.now(UTC))
        except booking.BookingError as refused:
            assert refused.message == message
        else:
            raise AssertionError("booked over the maximum")
    assert await f.meeting_state(sessionmaker) == before
