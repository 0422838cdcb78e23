"""Pitch proposals: exhibitors submit one per theme call, organisers accept or reject with a message, open
and close the calls, and lock a slot of the programme against the next solve."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, PitchCall, PitchProposal, PitchSlot, Theme, User, Video
from emicronora.pitches import queries

DECISIONS = {"accept": "accepted", "reject": "rejected"}
MAX_TITLE = 200
MAX_SUMMARY = 3000
MAX_SPEAKER = 120
MAX_REVIEW = 2000


async def set_call_open(db: AsyncSession, theme: Theme, is_open: bool) -> None:
    call = await db.scalar(select(PitchCall).where(PitchCall.theme_id == theme.id))
    if call is None:
        db.add(PitchCall(theme_id=theme.id, is_open=is_open))
    else:
        call.is_open = is_open


async def submit(
    db: AsyncSession, form: Form, company: Company, user: User, now: datetime
) -> PitchProposal | None:
    """Validates and stores a proposal; None (with one message per wrong field) when invalid."""
    title = form.text("title", max_length=MAX_TITLE)
    summary = form.text("summary", max_length=MAX_SUMMARY, multiline=True)
    speaker_name = form.text("speaker_name", max_length=MAX_SPEAKER)
    theme_id = form.integer("theme_id")
    theme = await queries.get_theme(db, theme_id) if theme_id is not None else None
    if theme_id is not None and theme is None:
        form.error("theme_id", _("This theme does not exist."))
    elif theme is not None and theme.id in await queries.closed_theme_ids(db):
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
    decision = form.choice("decision", list(DECISIONS))
    message = form.text("message", max_length=MAX_REVIEW, required=decision == "reject", multiline=True)
    if not form.ok:
        return False
    proposal.status = DECISIONS[decision]
    proposal.review_message = message
    proposal.reviewed_at = now
    return True


def toggle_lock(slot: PitchSlot) -> bool:
    """Locks the slot (the next solve keeps it where it is) or unlocks it; True when it is now locked."""
    slot.is_locked = not slot.is_locked
    return slot.is_locked
