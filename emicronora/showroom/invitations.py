"""A company's team: invitations by e-mail with a secret link, joining, leaving.

The link carries a random token; the table keeps only its SHA-256, so that reading the table does not let
anyone join a team. Until the platform sends e-mail, the inviter passes the link on themselves."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts.emails import EMAIL_PATTERN, normalise_email
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import Company, TeamInvitation, User

# An invitation link left lying in a mailbox stops working after this long.
INVITATION_DAYS = 14
MAX_TOKEN_LENGTH = 100

Removal = Literal["removed", "unknown", "self"]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(token: str) -> str:
    return f"/invitations/{token}"


async def invite(db: AsyncSession, form: Form, company: Company, inviter: User, now: datetime) -> str | None:
    """Creates an invitation for the address in the form's `email` field and returns its secret token (shown
    once, never stored); None with a message next to the field when refused."""
    email = normalise_email(form.text("email", max_length=254))
    if email and "email" not in form.errors and not EMAIL_PATTERN.match(email):
        form.error("email", _("Enter a valid e-mail address."))
    if form.ok:
        already = await db.scalar(
            select(User.id).where(func.lower(User.email) == email, User.company_id == company.id)
        )
        if already is not None:
            form.error("email", _("This person is already in the team."))
    if not form.ok:
        return None
    # One live link per address: inviting again replaces the previous link, which may have gone astray.
    await db.execute(
        delete(TeamInvitation).where(
            TeamInvitation.company_id == company.id,
            TeamInvitation.email == email,
            TeamInvitation.accepted_at.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    db.add(
        TeamInvitation(
            company_id=company.id,
            email=email,
            token_digest=digest(token),
            invited_by=inviter.id,
            created_at=now,
        )
    )
    await db.flush()
    return token


def _live_since(now: datetime) -> datetime:
    return now - timedelta(days=INVITATION_DAYS)


async def find_invitation(db: AsyncSession, token: str, now: datetime) -> TeamInvitation | None:
    """The invitation behind a link, unless it is unknown, already used or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    invitation = await db.scalar(select(TeamInvitation).where(TeamInvitation.token_digest == digest(token)))
    if invitation is None or invitation.accepted_at is not None or invitation.created_at < _live_since(now):
        return None
    return invitation


async def pending_invitations(db: AsyncSession, company_id: int, now: datetime) -> list[TeamInvitation]:
    statement = (
        select(TeamInvitation)
        .where(
            TeamInvitation.company_id == company_id,
            TeamInvitation.accepted_at.is_(None),
            TeamInvitation.created_at >= _live_since(now),
        )
        .order_by(TeamInvitation.created_at, TeamInvitation.id)
    )
    return list((await db.scalars(statement)).all())


def refusal(invitation: TeamInvitation, user: User) -> str | None:
    """Why this user may not take this invitation, or None when they may."""
    if normalise_email(user.email) != invitation.email:
        return _(
            "This invitation was sent to another e-mail address. Log in with the address it was sent to, "
            "or ask your colleague to invite the address of your account."
        )
    if user.company_id is not None and user.company_id != invitation.company_id:
        return _(
            "Your account already belongs to the team of another company. Ask that team to remove you "
            "first, then open this link again."
        )
    return None


async def accept(db: AsyncSession, invitation: TeamInvitation, user_id: int, now: datetime) -> str | None:
    """Joins the user to the company; returns the reason instead when refused."""
    user = await db.get_one(User, user_id)
    problem = refusal(invitation, user)
    if problem is not None:
        return problem
    user.company_id = invitation.company_id
    invitation.accepted_at = now
    await db.flush()
    return None


async def revoke(db: AsyncSession, company: Company, invitation_id: int) -> bool:
    """Deletes a pending invitation of the company; False when there is no such invitation."""
    invitation = await db.get(TeamInvitation, invitation_id)
    if invitation is None or invitation.company_id != company.id or invitation.accepted_at is not None:
        return False
    await db.delete(invitation)
    return True


async def remove_member(db: AsyncSession, company: Company, member_id: int, by: User) -> Removal:
    """Takes a member out of the company's team. Nobody removes themselves here: a team would otherwise
    lose its last member by a slip of the mouse."""
    member = await db.get(User, member_id)
    if member is None or member.company_id != company.id:
        return "unknown"
    if member.id == by.id:
        return "self"
    member.company_id = None
    return "removed"
