"""The pitch programme: build the scheduler's problem from the database, run it off the event loop, store the
result as draft slots, adjust by hand, publish. (The programme's reads are in queries.py.)

Published and locked slots are passed to the solver as locks, so re-running after publication only places
the new pitches. A published slot that moves gets its `sequence` bumped, like a session, so that the
company's calendar feed updates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import anyio.to_thread
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _, ngettext
from emicronora.models import Company, PitchProposal, PitchSlot, Session, Speaker, Theme, session_speakers
from emicronora.pitches import queries
from scheduler import Interval, Pitch, PitchProblem, PitchSchedule, PitchSession, SlotRef, schedule_pitches

TIME_LIMIT_S = 10.0


@dataclass(frozen=True)
class Unscheduled:
    proposal: PitchProposal
    company: Company
    reason: str


def reason_text(code: str, params: dict[str, int | str]) -> str:
    texts = {
        "no_session_for_theme": _("No pitch session of this theme has room for a slot."),
        "speaker_always_busy": _("The speaker is in a webinar during every pitch slot of this theme."),
        "company_clash": _("Every free slot overlaps another pitch of the same company."),
        "capacity": _(
            "More pitches than slots: %(pitches)s accepted pitches for %(slots)s slots in this theme.",
            pitches=params.get("pitches", "?"),
            slots=params.get("slots", "?"),
        ),
        "lock_invalid": _("Its locked slot is no longer possible; unlock it to let it move."),
    }
    return texts.get(code, _("The solver found no place for it in the time allowed."))


async def _speaker_busy(db: AsyncSession, names: set[str]) -> dict[str, tuple[Interval, ...]]:
    """Webinars of programme speakers, by lower-cased name: a pitch's speaker is matched by name."""
    if not names:
        return {}
    rows = await db.execute(
        select(func.lower(Speaker.name), Session.starts_at, Session.ends_at)
        .join(session_speakers, session_speakers.c.speaker_id == Speaker.id)
        .join(Session, Session.id == session_speakers.c.session_id)
        .where(
            func.lower(Speaker.name).in_(names), Session.kind == "webinar", Session.is_cancelled.is_(False)
        )
    )
    busy: dict[str, list[Interval]] = defaultdict(list)
    for name, starts_at, ends_at in rows:
        busy[name].append(Interval(starts_at, ends_at))
    return {name: tuple(intervals) for name, intervals in busy.items()}


async def build_problem(
    db: AsyncSession, *, workers: int = 2
) -> tuple[PitchProblem, dict[int, tuple[PitchProposal, Company]]]:
    themes = {t.id: t.slug for t in (await db.scalars(select(Theme))).all()}
    sessions = tuple(
        PitchSession(
            id=s.id,
            theme=themes[s.theme_id],
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            slot_minutes=s.slot_minutes,
        )
        for s in await queries.pitch_sessions(db)
    )
    accepted = (
        await db.execute(
            select(PitchProposal, Company)
            .join(Company, Company.id == PitchProposal.company_id)
            .where(PitchProposal.status == "accepted")
            .order_by(PitchProposal.id)
        )
    ).all()
    slots = {slot.proposal_id: slot for slot in (await db.scalars(select(PitchSlot))).all()}
    busy = await _speaker_busy(db, {p.speaker_name.lower() for p, _c in accepted})
    pitches = []
    for proposal, company in accepted:
        slot = slots.get(proposal.id)
        keep = slot is not None and (slot.is_locked or slot.is_published)
        pitches.append(
            Pitch(
                id=proposal.id,
                company=company.id,
                theme=themes[proposal.theme_id],
                sector=company.sector or None,
                speaker_busy=busy.get(proposal.speaker_name.lower(), ()),
                locked=SlotRef(slot.session_id, slot.position) if keep and slot is not None else None,
            )
        )
    problem = PitchProblem(
        sessions=sessions, pitches=tuple(pitches), time_limit_s=TIME_LIMIT_S, workers=workers
    )
    return problem, {p.id: (p, c) for p, c in accepted}


async def solve(problem: PitchProblem) -> PitchSchedule:
    """CP-SAT runs in a worker thread: the web server keeps answering during the solve."""
    return await anyio.to_thread.run_sync(schedule_pitches, problem)


async def store_result(
    db: AsyncSession,
    schedule: PitchSchedule,
    accepted: dict[int, tuple[PitchProposal, Company]],
    now: datetime,
) -> list[Unscheduled]:
    """Writes the placements as slots (draft unless already published) and drops the drafts of proposals that
    are no longer placed or no longer accepted."""
    slots = {slot.proposal_id: slot for slot in (await db.scalars(select(PitchSlot))).all()}
    placed = set()
    for placement in schedule.placements:
        proposal_id = int(placement.pitch_id)
        placed.add(proposal_id)
        slot = slots.get(proposal_id)
        if slot is None:
            db.add(
                PitchSlot(
                    proposal_id=proposal_id,
                    session_id=int(placement.session_id),
                    position=placement.slot_index,
                    starts_at=placement.starts_at,
                    ends_at=placement.ends_at,
                    updated_at=now,
                )
            )
        else:
            place_slot(
                slot,
                int(placement.session_id),
                placement.slot_index,
                placement.starts_at,
                placement.ends_at,
                now,
            )
    stale = [pid for pid, slot in slots.items() if pid not in placed and not slot.is_published]
    if stale:
        await db.execute(delete(PitchSlot).where(PitchSlot.proposal_id.in_(stale)))
    return [
        Unscheduled(
            accepted[int(u.pitch_id)][0],
            accepted[int(u.pitch_id)][1],
            reason_text(u.reason_code, dict(u.params)),
        )
        for u in schedule.unplaced
        if int(u.pitch_id) in accepted
    ]


def place_slot(
    slot: PitchSlot, session_id: int, position: int, starts_at: datetime, ends_at: datetime, now: datetime
) -> None:
    moved = (slot.session_id, slot.starts_at, slot.ends_at) != (session_id, starts_at, ends_at)
    slot.session_id, slot.position, slot.starts_at, slot.ends_at = session_id, position, starts_at, ends_at
    if moved:
        slot.updated_at = now
        if slot.is_published:
            slot.sequence += 1


class AdjustError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def move_slot(db: AsyncSession, slot: PitchSlot, session_id: int, position: int, now: datetime) -> None:
    """Moves a pitch to (session, position); a pitch already there takes its old place (a swap)."""
    session = await db.get(Session, session_id)
    proposal = await db.get_one(PitchProposal, slot.proposal_id)
    if session is None or session.kind != "pitch" or session.theme_id != proposal.theme_id:
        raise AdjustError(_("Choose a pitch session of the pitch's theme."))
    problem_session = PitchSession(
        id=session.id,
        theme="",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        slot_minutes=session.slot_minutes,
    )
    if not 0 <= position < problem_session.slot_count:
        raise AdjustError(
            ngettext(
                "This session has %(num)s slot.",
                "This session has %(num)s slots.",
                problem_session.slot_count,
            )
        )
    occupant = await db.scalar(
        select(PitchSlot).where(
            PitchSlot.session_id == session_id, PitchSlot.position == position, PitchSlot.id != slot.id
        )
    )
    if occupant is not None:
        old_session = await db.get_one(Session, slot.session_id)
        old = PitchSession(
            id=old_session.id,
            theme="",
            starts_at=old_session.starts_at,
            ends_at=old_session.ends_at,
            slot_minutes=old_session.slot_minutes,
        ).slot(slot.position)
        place_slot(occupant, slot.session_id, slot.position, old.starts_at, old.ends_at, now)
    target = problem_session.slot(position)
    place_slot(slot, session_id, position, target.starts_at, target.ends_at, now)


async def publish(db: AsyncSession, now: datetime) -> int:
    drafts = list((await db.scalars(select(PitchSlot).where(PitchSlot.is_published.is_(False)))).all())
    for slot in drafts:
        slot.is_published = True
        slot.updated_at = now
    return len(drafts)
