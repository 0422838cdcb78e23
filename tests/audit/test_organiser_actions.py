"""Every organiser action that changes something leaves exactly one audit entry, written with the change: the
action, its target and its author; a refused action leaves none."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.audit import record_action
from emicronora.models import Day
from emicronora.programme import operations, queries
from tests.audit.conftest import audit_entries
from tests.conftest import post_form
from tests.organiser.conftest import CANDIDATE, ORGANISER

SESSION_FORM = {
    "kind": "webinar",
    "title": "Découpe laser femtoseconde",
    "abstract": "Usinage sans bavure.",
    "day_id": "{day}",
    "theme_id": "{theme}",
    "starts_at": "16:00",
    "ends_at": "17:00",
    "speaker_ids": "{speaker}",
}
SHOWROOM_FORM = {"name": "Femto Optics SA", "slug": "femto", "country": "FR", "description": "Lasers."}
B2B_SETTINGS = {"max_pending_requests": "20", "request_expiry_hours": "48", "tables": "5"}


@dataclass(frozen=True)
class Action:
    """An organiser's POST and the entry it must leave. `target` names an id of the world; None when the
    action creates its target (any new id) or has no single one."""

    path: str
    action: str
    target_type: str
    target: str | None
    data: dict[str, str] = field(default_factory=dict)
    # One changed field the details must show as [before, after], or a value they must hold.
    detail: tuple[str, Any] | None = None
    # The announcements page answers its form on the same page.
    status: int = 303


ACTIONS = [
    # The programme (organiser area).
    Action(
        "/organiser/sessions/new",
        "session.create",
        "session",
        None,
        SESSION_FORM,
        ("title", SESSION_FORM["title"]),
    ),
    Action(
        "/organiser/sessions/{session}/edit",
        "session.edit",
        "session",
        "session",
        {**SESSION_FORM, "title": "Soudage laser"},
        ("title", ["Soudage laser de boîtiers titane", "Soudage laser"]),
    ),
    Action("/organiser/sessions/{session}/cancel", "session.cancel", "session", "session"),
    Action("/organiser/sessions/{cancelled}/restore", "session.restore", "session", "cancelled"),
    Action("/organiser/sessions/{session}/move", "session.move", "session", "session", {"direction": "down"}),
    Action(
        "/organiser/sessions/{session}/moderators",
        "session.moderator_appoint",
        "session",
        "session",
        {"email": CANDIDATE},
        ("email", CANDIDATE),
    ),
    Action(
        "/organiser/sessions/{session}/moderators/{moderator}/remove",
        "session.moderator_remove",
        "session",
        "session",
    ),
    Action("/organiser/days/new", "day.create", "day", None, {"date": "2020-09-24", "theme_id": "{theme}"}),
    Action(
        "/organiser/days/{day}/edit",
        "day.edit",
        "day",
        "day",
        {"date": "2020-09-22", "theme_id": "{theme2}"},
        ("theme_id", ["{theme}", "{theme2}"]),
    ),
    Action("/organiser/days/{day}/cancel", "day.cancel", "day", "day", detail=("sessions", 3)),
    Action("/organiser/days/{day2}/restore", "day.restore", "day", "day2", detail=("sessions", 1)),
    Action("/organiser/days/{day}/move", "day.move", "day", "day", {"direction": "down"}),
    Action(
        "/organiser/days/{spare_day}/delete", "day.delete", "day", "spare_day", detail=("date", "2020-09-30")
    ),
    Action(
        "/organiser/themes/new",
        "theme.create",
        "theme",
        None,
        {"slug": "micro", "name_fr": "M", "name_en": "M"},
    ),
    Action(
        "/organiser/themes/{theme}/edit",
        "theme.edit",
        "theme",
        "theme",
        {"slug": "laser", "name_fr": "Laser", "name_en": "Laser"},
        ("name_en", ["Laser processes", "Laser"]),
    ),
    Action("/organiser/themes/{theme}/move", "theme.move", "theme", "theme", {"direction": "down"}),
    Action("/organiser/themes/{spare_theme}/delete", "theme.delete", "theme", "spare_theme"),
    Action("/organiser/speakers/new", "speaker.create", "speaker", None, {"name": "Ada Lovelace"}),
    Action(
        "/organiser/speakers/{speaker}/edit",
        "speaker.edit",
        "speaker",
        "speaker",
        {"name": "Marie Curie", "affiliation": "FEMTO-ST", "bio": "Chercheuse."},
        ("name", ["Marie Curie-Laser", "Marie Curie"]),
    ),
    Action("/organiser/speakers/{speaker}/delete", "speaker.delete", "speaker", "speaker"),
    # Showrooms.
    Action("/organiser/showrooms/{pending}/approve", "showroom.approve", "company", "pending"),
    Action("/organiser/showrooms/{public}/unapprove", "showroom.unapprove", "company", "public"),
    Action(
        "/organiser/showrooms/{public}/edit",
        "showroom.edit",
        "company",
        "public",
        SHOWROOM_FORM,
        ("name", ["Femto Optics", "Femto Optics SA"]),
    ),
    Action(
        "/exhibitor-area/innovations/new?company={public}",
        "innovation.create",
        "innovation",
        None,
        {"title": "Scanner 3D"},
        ("title", "Scanner 3D"),
    ),
    Action(
        "/exhibitor-area/innovations/{innovation}/edit",
        "innovation.edit",
        "innovation",
        "innovation",
        {"title": "Tête de découpe laser"},
        ("title", ["Tête de découpe", "Tête de découpe laser"]),
    ),
    Action(
        "/exhibitor-area/innovations/{innovation}/delete", "innovation.delete", "innovation", "innovation"
    ),
    Action(
        "/exhibitor-area/team/members/{member}/remove?company={public}",
        "company.member_remove",
        "company",
        "public",
    ),
    Action(
        "/exhibitor-area/team/invite?company={public}",
        "company.invite",
        "company",
        "public",
        {"email": "new.colleague@example.org"},
        ("email", "new.colleague@example.org"),
        status=200,
    ),
    Action("/exhibitor-area/videos/{video}/unpublish", "video.unpublish", "video", "video"),
    Action(
        "/exhibitor-area/videos/{video}/edit",
        "video.edit",
        "video",
        "video",
        {
            "title": "Découpe femto",
            "kind": "link",
            "provider_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        },
        ("title", ["Femtosecond cutting", "Découpe femto"]),
    ),
    Action("/exhibitor-area/videos/{video}/delete", "video.delete", "video", "video"),
    # Pitches.
    Action("/organiser/pitches/calls/{theme}", "pitch.call_close", "theme", "theme", {"open": "0"}),
    Action(
        "/organiser/pitches/{proposal}/review",
        "pitch.accept",
        "pitch",
        "proposal",
        {"decision": "accept"},
        ("status", ["submitted", "accepted"]),
    ),
    Action(
        "/organiser/pitches/{proposal}/review",
        "pitch.reject",
        "pitch",
        "proposal",
        {"decision": "reject", "message": "Hors sujet."},
        ("status", ["submitted", "rejected"]),
    ),
    Action("/organiser/pitches/slots/{pitch_slot}/lock", "pitch.slot_lock", "pitch_slot", "pitch_slot"),
    Action("/organiser/pitches/publish", "pitch.publish", "pitch_programme", None, detail=("slots", 1)),
    Action(
        "/organiser/pitches/slots/{pitch_slot}/move",
        "pitch.slot_move",
        "pitch_slot",
        "pitch_slot",
        {"session_id": "{pitch}", "position": "1"},
    ),
    # The solve is a job (run by the worker): the entry names the job that the request queued.
    Action("/organiser/pitches/schedule", "pitch.schedule", "job", None, detail=("kind", "pitches.schedule")),
    # B2B meetings.
    Action(
        "/organiser/b2b/settings",
        "b2b.settings",
        "b2b_settings",
        None,
        B2B_SETTINGS,
        ("request_expiry_hours", ["72", "48"]),
    ),
    Action(
        "/organiser/b2b/slots",
        "b2b.slots_generate",
        "meeting_slot",
        None,
        {"days": "{day}", "start": "09:00", "end": "10:00", "minutes": "30"},
        ("created", 2),
    ),
    Action("/organiser/b2b/slots/{spare_slot}/delete", "b2b.slot_delete", "meeting_slot", "spare_slot"),
    Action("/organiser/b2b/approvals/{waiting}/approve", "b2b.request_approve", "meeting_request", "waiting"),
    Action("/organiser/b2b/approvals/{waiting}/refuse", "b2b.request_refuse", "meeting_request", "waiting"),
    Action(
        "/organiser/b2b/meetings/{meeting}/move",
        "b2b.meeting_move",
        "meeting",
        "meeting",
        {"slot_id": "{free_slot}"},
    ),
    Action(
        "/organiser/b2b/meetings/{meeting}/lock",
        "b2b.meeting_lock",
        "meeting",
        "meeting",
        detail=("is_locked", [False, True]),
    ),
    Action("/organiser/b2b/meetings/{meeting}/unschedule", "b2b.meeting_unschedule", "meeting", "meeting"),
    Action("/organiser/b2b/publish", "b2b.publish", "meeting", None, detail=("meetings", 1)),
    Action(
        "/organiser/b2b/schedule",
        "b2b.solve_start",
        "solve_run",
        None,
        {"scope": "all", "time_limit": "5"},
        ("time_limit_s", 5),
    ),
    # Live rooms.
    Action(
        "/organiser/announcements",
        "announcement.send",
        "announcement",
        None,
        {"body": "La session reprend à 14 h."},
        ("body", "La session reprend à 14 h."),
        status=200,
    ),
    # People.
    Action("/organiser/people/{attendee}/organiser/grant", "user.organiser_grant", "user", "attendee"),
    Action("/organiser/people/{colleague}/organiser/revoke", "user.organiser_revoke", "user", "colleague"),
    Action("/organiser/people/{attendee}/disable", "user.disable", "user", "attendee"),
    Action("/organiser/people/{banned}/enable", "user.enable", "user", "banned"),
    Action(
        "/organiser/people/{candidate}/moderation",
        "session.moderator_appoint",
        "session",
        "session",
        {"session_id": "{session}"},
    ),
    Action(
        "/organiser/people/{moderator}/moderation/{session}/remove",
        "session.moderator_remove",
        "session",
        "session",
    ),
    Action("/organiser/people/exhibitors/{pending}/approve", "showroom.approve", "company", "pending"),
]


def _fill(value: Any, ids: dict[str, int]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    return value


@pytest.mark.parametrize("case", ACTIONS, ids=[f"{a.action} {a.path}" for a in ACTIONS])
async def test_organiser_action_writes_one_audit_entry(
    organiser: httpx.AsyncClient,
    world: dict[str, int],
    sessionmaker: async_sessionmaker[AsyncSession],
    case: Action,
) -> None:
    before = await audit_entries(sessionmaker)
    data = {key: value.format(**world) for key, value in case.data.items()}
    response = await post_form(organiser, case.path.format(**world), data)
    assert response.status_code == case.status, response.text

    entries = await audit_entries(sessionmaker)
    assert len(entries) == len(before) + 1
    entry = entries[-1]
    assert entry.action == case.action
    assert entry.target_type == case.target_type
    if case.target is not None:
        assert entry.target_id == str(world[case.target])
    elif case.target_type not in ("pitch_programme", "meeting", "announcement", "meeting_slot"):
        assert entry.target_id.isdigit()
    assert entry.actor_email == ORGANISER
    assert entry.actor_id is not None
    # The web gives the audit domain the address the action came from (the test client's).
    assert entry.ip == "127.0.0.1"
    if case.detail is not None:
        key, expected = case.detail
        assert entry.details[key] == _fill(expected, {k: str(v) for k, v in world.items()})


async def test_refused_action_writes_no_entry(
    organiser: httpx.AsyncClient, world: dict[str, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    before = await audit_entries(sessionmaker)
    # A day that still has sessions cannot be deleted; an invalid form saves nothing either.
    assert (await post_form(organiser, f"/organiser/days/{world['day']}/delete", {})).status_code == 400
    response = await post_form(organiser, "/organiser/speakers/new", {"name": ""})
    assert response.status_code == 400
    assert await audit_entries(sessionmaker) == before


async def test_entry_shares_the_transaction_of_its_action(
    world: dict[str, int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """When the transaction fails after the entry was added, neither the change nor the entry stays."""
    with pytest.raises(RuntimeError):
        async with sessionmaker() as db, db.begin():
            day = await db.get_one(Day, world["day"])
            await operations.cancel_day(db, day, datetime.now(UTC))
            await record_action(db, None, "day.cancel", "day", day.id)
            raise RuntimeError("the commit never happens")
    assert await audit_entries(sessionmaker) == []
    async with sessionmaker() as db:
        sessions = await queries.list_sessions(db, day_id=world["day"])
    assert sessions and not any(s.is_cancelled for s in sessions)
