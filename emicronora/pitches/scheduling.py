"""The pitch programme: build the scheduler's problem from the database, store the solver's result as draft
slots with a summary for the organisers' page, adjust by hand, publish. (The programme's reads are in
queries.py; the solve itself is a job, jobs.py.)

Published and locked slots are passed to the solver as locks, so re-running after publication only places
the new pitches. A published slot that moves gets its `sequence` bumped, like a session, so that the
company's calendar feed updates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.i18n import _, ngettext
from emicronora.models import (
    Company,
    Job,
    PitchProposal,
    PitchSlot,
    Session,
    Speaker,
    Theme,
    session_speakers,
)
from emicronora.pitches import queries
from scheduler import Interval, Pitch, PitchProblem, PitchSchedule, PitchSession, SlotRef

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


async def build_problem(db: AsyncSession, *, workers: int = 2) -> PitchProblem:
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
    return PitchProblem(sessions=sessions, pitches=tuple(pitches), time_limit_s=TIME_LIMIT_S, workers=workers)


async def store_result(db: AsyncSession, schedule: PitchSchedule, now: datetime) -> dict[str, Any]:
    """Writes the placements as slots (draft unless already published) and drops the drafts of proposals that
    are no longer placed or no longer accepted. Returns the run's summary (plain JSON, shown by `summary`)."""
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
    return {
        "status": str(schedule.status),
        "placed": len(schedule.placements),
        "same_sector_neighbours": schedule.same_sector_neighbours,
        "wall_time_s": round(schedule.wall_time_s, 2),
        "unplaced": [
            {"proposal": int(u.pitch_id), "reason": str(u.reason_code), "params": dict(u.params)}
            for u in schedule.unplaced
        ],
    }


@dataclass(frozen=True)
class Summary:
    """A finished run as the organisers' page shows it, in the reader's language."""

    status: str
    placed: int
    not_placed: int
    same_sector_neighbours: int
    wall_time_s: float
    unscheduled: list[Unscheduled]


async def summary(db: AsyncSession, stored: dict[str, Any]) -> Summary:
    """The stored summary of a run with its unplaced pitches (those still proposed) and their reasons."""
    unplaced = list(stored.get("unplaced", []))
    ids = [int(item["proposal"]) for item in unplaced]
    found = {
        proposal.id: (proposal, company)
        for proposal, company in (
            await db.execute(
                select(PitchProposal, Company)
                .join(Company, Company.id == PitchProposal.company_id)
                .where(PitchProposal.id.in_(ids))
            )
        ).all()
    }
    return Summary(
        status=str(stored.get("status", "")),
        placed=int(stored.get("placed", 0)),
        not_placed=len(unplaced),
        same_sector_neighbours=int(stored.get("same_sector_neighbours", 0)),
        wall_time_s=float(stored.get("wall_time_s", 0.0)),
        unscheduled=[
            Unscheduled(*found[int(item["proposal"])], reason_text(item["reason"], dict(item["params"])))
            for item in unplaced
            if int(item["proposal"]) in found
        ],
    )


def run_view(job: Job) -> dict[str, Any]:
    """A schedule's state as its progress bar shows it (the page, and JSON for the script that follows it)."""
    done = job.status not in ("queued", "running")
    total = max(job.progress_total, 1)
    if job.status == "queued":
        text = _("Waiting for a worker…")
        if job.error:
            text = _("An attempt failed; it will be tried again.")
    elif job.status == "running":
        text = _(
            "Solving: %(elapsed)s s of at most %(limit)s s",
            elapsed=job.progress_done,
            limit=job.progress_total or round(TIME_LIMIT_S),
        )
    elif job.status == "done":
        text = _("Done.")
    elif job.status == "cancelled":
        text = _("Cancelled: the pitch programme is unchanged.")
    else:
        text = _("The scheduling failed: the pitch programme is unchanged. Schedule again.")
    return {
        "id": job.id,
        "status": job.status,
        "done": done,
        "fraction": 1.0 if done else round(min(1.0, job.progress_done / total), 3),
        "text": text,
    }


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
