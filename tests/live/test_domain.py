"""The live area's reads and writes outside the room protocol: who moderates, which rooms are live, the URL
table."""

from __future__ import annotations

from datetime import timedelta

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.live import operations, permissions, queries, routes


async def test_moderating_is_for_organisers_and_appointed_people_of_that_session_only(
    sessionmaker, make_programme, make_user
) -> None:
    programme = await make_programme()
    welding, pitch = programme["welding"].id, programme["pitch"].id
    organiser = await make_user("org@example.org", organiser=True)
    ada = await make_user("ada@example.org", name="Ada")
    async with sessionmaker() as db, db.begin():
        assert await permissions.is_moderator(db, organiser, welding) is True
        assert await permissions.is_moderator(db, ada, welding) is False
        appointed = await operations.appoint(db, welding, Form(values={"email": "ada@example.org"}))
        assert appointed is not None and appointed.id == ada.id
    async with sessionmaker() as db:
        assert await permissions.is_moderator(db, ada, welding) is True
        assert await permissions.is_moderator(db, ada, pitch) is False
        assert [user.email for user in await queries.list_moderators(db, welding)] == ["ada@example.org"]


async def test_appointing_twice_or_an_organiser_is_refused_on_the_field(
    sessionmaker, make_programme, make_user
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    await make_user("org@example.org", organiser=True)
    await make_user("ada@example.org")
    async with sessionmaker() as db, db.begin():
        assert await operations.appoint(db, welding, Form(values={"email": "ada@example.org"})) is not None
        again = Form(values={"email": "ada@example.org"})
        assert await operations.appoint(db, welding, again) is None
        assert again.errors["email"] == _("This person already moderates this session.")
        organiser = Form(values={"email": "org@example.org"})
        assert await operations.appoint(db, welding, organiser) is None
        assert organiser.errors["email"] == _("Organisers already moderate every session.")


async def test_removing_says_whether_the_person_was_a_moderator(
    sessionmaker, make_programme, make_user
) -> None:
    programme = await make_programme()
    welding = programme["welding"].id
    ada = await make_user("ada@example.org")
    async with sessionmaker() as db, db.begin():
        assert await operations.remove(db, welding, ada.id) is False
        await operations.appoint(db, welding, Form(values={"email": "ada@example.org"}))
        assert await operations.remove(db, welding, ada.id) is True
        assert await queries.moderates(db, welding, ada.id) is False


async def test_live_rooms_are_the_sessions_under_way_and_not_cancelled(sessionmaker, make_programme) -> None:
    programme = await make_programme()
    welding = programme["welding"]
    async with sessionmaker() as db:
        assert await queries.live_session_ids(db, welding.starts_at) == [welding.id]
        assert await queries.live_session_ids(db, welding.ends_at) == []
        assert await queries.live_session_ids(db, welding.starts_at - timedelta(seconds=1)) == []
        # The cancelled tomography session is never live.
        assert await queries.live_session_ids(db, programme["tomography"].starts_at) == []


async def test_the_session_behind_a_room_is_read_with_its_cancellation_and_end(
    sessionmaker, make_programme
) -> None:
    programme = await make_programme()
    async with sessionmaker() as db:
        welding = await queries.room_session(db, programme["welding"].id)
        tomography = await queries.room_session(db, programme["tomography"].id)
        assert await queries.room_session(db, 999_999) is None
    assert welding is not None and tomography is not None
    assert (welding.is_cancelled, tomography.is_cancelled) == (False, True)
    assert welding.ends_at == programme["welding"].ends_at


def test_the_url_table_lists_the_socket_and_the_announcements_under_organiser() -> None:
    assert [route.path for route in routes.routes] == ["/ws/rooms/{session_id:int}"]
    assert [route.path for route in routes.organiser_routes] == ["/announcements"]
