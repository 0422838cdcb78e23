"""Availability: the participant's grid of slots by day, what is stored, and the slots proposed as
unavailable because of a starred session or the company's pitch."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from emicronora.models import Meeting, ParticipantSlot, PitchProposal, PitchSlot, Star, Unavailability, User
from tests.b2b import meeting_factories as f
from tests.conftest import login, paris, post_form

ANNE = "anne.buyer@example.org"
BRUNO = "bruno.supplier@example.org"
CHECKBOX = re.compile(r'<input type="checkbox" name="unavailable" value="(\d+)"([^>]*)>')


def ticked(page: str) -> set[int]:
    return {int(slot_id) for slot_id, rest in CHECKBOX.findall(page) if " checked" in rest}


def shown(page: str) -> list[int]:
    return [int(slot_id) for slot_id, _rest in CHECKBOX.findall(page)]


async def stored(sessionmaker, profile_id: int) -> set[int]:
    async with sessionmaker() as db:
        rows = await db.scalars(select(Unavailability.slot_id).where(Unavailability.profile_id == profile_id))
        return set(rows.all())


async def save(client: httpx.AsyncClient, slot_ids: list[int]) -> httpx.Response:
    token_page = await client.get("/b2b/availability")
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page.text).group(1)
    data = [("csrf_token", token), *(("unavailable", str(slot_id)) for slot_id in slot_ids)]
    return await client.post(
        "/b2b/availability",
        content="&".join(f"{k}={v}" for k, v in data),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


async def test_participant_marks_slots_unavailable_by_day(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    _user, anne = await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse")
    first, second = await f.slots(sessionmaker, paris(datetime(2020, 9, 22).date(), 14), 2)
    # 22:30 UTC is already the next day in Paris: the slot is listed under Wednesday.
    (late,) = await f.slots(sessionmaker, datetime(2020, 9, 22, 22, 30, tzinfo=UTC), 1)
    client.cookies.set("em_lang", "en")
    await login(client, ANNE)
    page = (await client.get("/b2b/availability")).text
    assert shown(page) == [first.id, second.id, late.id]
    assert ticked(page) == set()
    tuesday, wednesday = (
        page.index("Tuesday, September 22, 2020"),
        page.index("Wednesday, September 23, 2020"),
    )
    assert tuesday < page.index(f'value="{second.id}"') < wednesday < page.index(f'value="{late.id}"')
    assert "2:00\u202fPM" in page and "12:30\u202fAM" in page

    response = await save(client, [second.id, late.id])
    assert response.status_code == 303
    assert await stored(sessionmaker, anne.id) == {second.id, late.id}
    assert ticked((await client.get("/b2b/availability")).text) == {second.id, late.id}
    assert (await save(client, [first.id])).status_code == 303
    assert await stored(sessionmaker, anne.id) == {first.id}
    assert (await save(client, [])).status_code == 303
    assert await stored(sessionmaker, anne.id) == set()


async def test_slots_overlapping_starred_sessions_and_the_company_pitch_are_proposed_not_stored(
    client: httpx.AsyncClient, make_user, make_programme, sessionmaker
) -> None:
    programme = await make_programme()
    day1, day2 = (d.date for d in programme["days"])
    user, anne = await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse", company="Aérotech")
    during_welding, after_welding = await f.slots(sessionmaker, paris(day1, 10, 40), 2)
    (during_pitch,) = await f.slots(sessionmaker, paris(day1, 14, 0), 1)
    (during_cancelled,) = await f.slots(sessionmaker, paris(day2, 9, 0), 1)
    async with sessionmaker() as db, db.begin():
        company_id = (await db.get_one(User, user.id)).company_id
        db.add_all(
            [
                Star(user_id=user.id, session_id=programme["welding"].id),
                # A cancelled session proposes nothing.
                Star(user_id=user.id, session_id=programme["tomography"].id),
            ]
        )
        proposal = PitchProposal(
            company_id=company_id,
            theme_id=programme["themes"][0].id,
            title="Capteur hermétique",
            summary="Soudé laser.",
            speaker_name="Anne",
            status="accepted",
        )
        db.add(proposal)
        await db.flush()
        db.add(
            PitchSlot(
                proposal_id=proposal.id,
                session_id=programme["pitch"].id,
                position=1,
                starts_at=paris(day1, 14, 7),
                ends_at=paris(day1, 14, 14),
                is_published=True,
            )
        )
    client.cookies.set("em_lang", "en")
    await login(client, ANNE)
    page = (await client.get("/b2b/availability")).text
    assert ticked(page) == {during_welding.id, during_pitch.id}
    assert "Overlaps a session in your programme: Soudage laser de boîtiers titane" in page
    assert "Overlaps your company&#39;s pitch: Capteur hermétique" in page
    assert "2 slots overlap a session in your programme or your company" in page
    assert await stored(sessionmaker, anne.id) == set()  # proposed only

    # Saved once, the participant's choice stands: an unticked proposal is not ticked again.
    assert (await save(client, [during_pitch.id])).status_code == 303
    page = (await client.get("/b2b/availability")).text
    assert ticked(page) == {during_pitch.id}
    assert "Overlaps a session in your programme" in page  # the reason is still shown
    assert 'data-testid="proposed-notice"' not in page
    assert after_welding.id not in ticked(page) and during_cancelled.id not in ticked(page)


async def test_availability_refusals_say_why_and_write_nothing(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    await f.set_rules(sessionmaker, self_booking=True)
    _u, anne = await f.participant(make_user, sessionmaker, ANNE, "Anne Acheteuse")
    _v, bruno = await f.participant(make_user, sessionmaker, BRUNO, "Bruno Fournisseur")
    first, second = await f.slots(sessionmaker, f.soon(), 2)
    await f.meeting(sessionmaker, anne, bruno, slot=first, published=True)
    async with sessionmaker() as db, db.begin():
        meeting = await db.scalar(select(Meeting))
        db.add_all(
            ParticipantSlot(profile_id=p, slot_id=first.id, meeting_id=meeting.id)
            for p in (anne.id, bruno.id)
        )
        db.add(Unavailability(profile_id=anne.id, slot_id=second.id))
    client.cookies.set("em_lang", "en")
    await login(client, ANNE)
    page = (await client.get("/b2b/availability")).text
    assert "you have a meeting" in page
    assert re.search(rf'value="{first.id}"[^>]*disabled', page)
    before = await f.meeting_state(sessionmaker)
    for slot_ids, message in [
        ([first.id], "You have a meeting in a slot you marked unavailable: cancel the meeting first."),
        ([second.id, 987654], "One of the slots does not exist any more. Reload the page and retry."),
    ]:
        response = await save(client, slot_ids)
        assert response.status_code == 400
        assert message in response.text
        assert ticked(response.text) == set(slot_ids) & {first.id, second.id}  # the user's choice is kept
    response = await post_form(
        client, "/b2b/availability", {"unavailable": "abc"}, token_from="/b2b/availability"
    )
    assert response.status_code == 400 and "Choose one of the options." in response.text
    assert await f.meeting_state(sessionmaker) == before
