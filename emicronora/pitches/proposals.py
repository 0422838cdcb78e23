"""Pitch proposals: exhibitors submit one per theme call, organisers accept or reject with a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, PitchCall, PitchProposal, Theme, User, Video

DECISIONS = {"accept": "accepted", "reject": "rejected"}
MAX_SUMMARY = 3000
MAX_REVIEW = 2000


async def closed_theme_ids(db: AsyncSession) -> set[int]:
    """A theme's call is open unless an organiser closed it."""
    return set((await db.scalars(select(PitchCall.theme_id).where(PitchCall.is_open.is_(False)))).all())


async def set_call_open(db: AsyncSession, theme: Theme, is_open: bool) -> None:
    call = await db.scalar(select(PitchCall).where(PitchCall.theme_id == theme.id))
    if call is None:
        db.add(PitchCall(theme_id=theme.id, is_open=is_open))
    else:
        call.is_open = is_open


async def company_videos(db: AsyncSession, company_id: int) -> list[Video]:
    return list(
        (await db.scalars(select(Video).where(Video.company_id == company_id).order_by(Video.title))).all()
    )


async def submit(
    db: AsyncSession, form: Form, company: Company, user: User, now: datetime
) -> PitchProposal | None:
    """Validates and stores a proposal; None (with one message per wrong field) when invalid."""
    title = form.text("title", max_length=200)
    summary = form.text("summary", max_length=MAX_SUMMARY)
    speaker_name = form.text("speaker_name", max_length=120)
    theme_id = form.integer("theme_id")
    theme = await db.get(Theme, theme_id) if theme_id is not None else None
    if theme_id is not None and theme is None:
        form.error("theme_id", _("This theme does not exist."))
    elif theme is not None and theme.id in await closed_theme_ids(db):
        form.error("theme_id", _("The call for pitches of this theme is closed."))
    video_id = form.integer("video_id", required=False)
    if video_id is not None:
        video = await db.get(Video, video_id)
        # Another company's video is answered like a missing one: nothing tells that it exists.
        if video is None or video.company_id != company.id:
            form.error("video_id", _("Choose one of your own videos."))
    if not form.ok or theme is None:
        return None
    proposal = PitchProposal(
        company_id=company.id,
        theme_id=theme.id,
        title=title,
        summary=summary,
        speaker_name=speaker_name,
        video_id=video_id,
        status="submitted",
        submitted_by=user.id,
        created_at=now,
    )
    db.add(proposal)
    await db.flush()
    return proposal


async def review(db: AsyncSession, proposal: PitchProposal, form: Form, now: datetime) -> bool:
    decision = form.choice("decision", DECISIONS)
    message = form.text("message", max_length=MAX_REVIEW, required=decision == "reject")
    if not form.ok:
        return False
    proposal.status = DECISIONS[decision]
    proposal.review_message = message
    proposal.reviewed_at = now
    return True


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
    return [tuple(row) for row in (await db.execute(query)).all()]  # type: ignore[misc]
