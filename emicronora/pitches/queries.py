"""Reads for pitches: the calls, the proposals, the pitch sessions and the programme of slots."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.models import Company, Job, PitchCall, PitchProposal, PitchSlot, Session, Theme, Video


async def closed_theme_ids(db: AsyncSession) -> set[int]:
    """A theme's call is open unless an organiser closed it."""
    return set((await db.scalars(select(PitchCall.theme_id).where(PitchCall.is_open.is_(False)))).all())


async def company_videos(db: AsyncSession, company_id: int) -> list[Video]:
    return list(
        (await db.scalars(select(Video).where(Video.company_id == company_id).order_by(Video.title))).all()
    )


async def company_of(db: AsyncSession, company_id: int) -> Company:
    """A company known to exist (the one an exhibitor's account belongs to)."""
    return await db.get_one(Company, company_id)


async def get_proposal(db: AsyncSession, proposal_id: int) -> PitchProposal | None:
    return await db.get(PitchProposal, proposal_id)


async def get_slot(db: AsyncSession, slot_id: int) -> PitchSlot | None:
    return await db.get(PitchSlot, slot_id)


async def get_theme(db: AsyncSession, theme_id: int) -> Theme | None:
    return await db.get(Theme, theme_id)


async def proposals_of_company(db: AsyncSession, company_id: int) -> list[PitchProposal]:
    query = (
        select(PitchProposal).where(PitchProposal.company_id == company_id).order_by(PitchProposal.id.desc())
    )
    return list((await db.scalars(query)).all())


async def all_proposals(
    db: AsyncSession, status: str | None = None
) -> list[tuple[PitchProposal, Company, Theme]]:
    query = (
        select(PitchProposal, Company, Theme)
        .join(Company, Company.id == PitchProposal.company_id)
        .join(Theme, Theme.id == PitchProposal.theme_id)
        .order_by(Theme.position, PitchProposal.id)
    )
    if status is not None:
        query = query.where(PitchProposal.status == status)
    return [(proposal, company, theme) for proposal, company, theme in (await db.execute(query)).all()]


async def pitch_sessions(db: AsyncSession) -> list[Session]:
    query = (
        select(Session)
        .where(Session.kind == "pitch", Session.is_cancelled.is_(False))
        .order_by(Session.starts_at)
    )
    return list((await db.scalars(query)).unique().all())


async def programme_rows(db: AsyncSession) -> list[tuple[PitchSlot, PitchProposal, Company, Session]]:
    """Every slot, published or draft, in programme order: the organisers' view of the pitch programme."""
    rows = await db.execute(
        select(PitchSlot, PitchProposal, Company, Session)
        .join(PitchProposal, PitchProposal.id == PitchSlot.proposal_id)
        .join(Company, Company.id == PitchProposal.company_id)
        .join(Session, Session.id == PitchSlot.session_id)
        .order_by(Session.starts_at, PitchSlot.position)
    )
    return [(slot, proposal, company, session) for slot, proposal, company, session in rows.unique().all()]


async def running_order(db: AsyncSession, session_id: int) -> list[tuple[PitchSlot, PitchProposal, Company]]:
    """The published pitches of a session, for its page."""
    rows = await db.execute(
        select(PitchSlot, PitchProposal, Company)
        .join(PitchProposal, PitchProposal.id == PitchSlot.proposal_id)
        .join(Company, Company.id == PitchProposal.company_id)
        .where(PitchSlot.session_id == session_id, PitchSlot.is_published.is_(True))
        .order_by(PitchSlot.position)
    )
    return [(slot, proposal, company) for slot, proposal, company in rows.all()]


# The pitch programme's solves: jobs of this kind (pitches/jobs.py), read back by the organisers' page.
SCHEDULE_JOB = "pitches.schedule"


async def schedule_run(db: AsyncSession, job_id: int) -> Job | None:
    return await db.scalar(select(Job).where(Job.id == job_id, Job.kind == SCHEDULE_JOB))


async def active_schedule_run(db: AsyncSession) -> Job | None:
    """The schedule queued or running now, if any."""
    return await db.scalar(
        select(Job)
        .where(Job.kind == SCHEDULE_JOB, Job.status.in_(("queued", "running")))
        .order_by(Job.id.desc())
        .limit(1)
    )
