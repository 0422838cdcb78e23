"""Confirming an e-mail address and resetting a forgotten password, through single-use links sent by mail.
Each runs inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.accounts import passwords, ratelimit, sessions
from emicronora.accounts.emails import MAX_EMAIL, normalise_email
from emicronora.accounts.forms import new_password_ok
from emicronora.accounts.queries import find_user_by_email
from emicronora.forms import Form
from emicronora.mail import notify, tokens
from emicronora.models import User
from emicronora.settings import Settings

# Per account: enough for a lost message, too few to fill someone's mailbox.
MAX_RESETS_PER_ACCOUNT = 3


class ResetThrottled(Exception):
    pass


class InvalidLink(Exception):
    """The link is unknown, expired or already used."""


async def confirm_email(db: AsyncSession, secret: str, now: datetime) -> User:
    user = await tokens.redeem(db, secret, "confirm", now)
    if user is None:
        raise InvalidLink()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    # The link came through: the mailbox takes mail again.
    user.email_bounced_at = None
    return user


async def request_reset(db: AsyncSession, email: str, ip: str, settings: Settings, now: datetime) -> None:
    """Mails a reset link when the address belongs to an active account. The caller answers the same either
    way, so that the form does not tell who has an account. Raises ResetThrottled, before any other work,
    for a connection that asks too often (the caller's transaction then rolls back). Requests have a budget
    of their own: they never use up the connection's logins."""
    try:
        await ratelimit.take(db, ratelimit.reset_budget(ip, settings), now)
    except ratelimit.Throttled:
        raise ResetThrottled() from None
    user = await find_user_by_email(db, normalise_email(email)[:MAX_EMAIL])
    if user is None or not user.is_active:
        return
    if await tokens.issued_since(db, user.id, "reset", now - timedelta(hours=1)) >= MAX_RESETS_PER_ACCOUNT:
        return
    await notify.password_reset(db, user, settings, now)


async def reset_password(
    db: AsyncSession, secret: str, form: Form, settings: Settings, now: datetime
) -> User | None:
    """Sets the new password from the form (None, with the reasons by the fields, when it is refused), ends
    every login session of the user and queues the notice of the change. Raises InvalidLink for a link that
    no longer works."""
    user = await tokens.peek(db, secret, "reset", now)
    if user is None:
        raise InvalidLink()
    if not new_password_ok(form, user):
        return None
    new = form.values["new_password"]
    if await tokens.redeem(db, secret, "reset", now) is None:
        raise InvalidLink()
    user.password_hash = await passwords.hash_password(new, settings)
    user.password_changed_at = now
    # Whoever opened the link reads the mailbox: the address is confirmed too.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
    user.email_bounced_at = None
    await tokens.revoke_all(db, user.id, "reset", now)
    await sessions.close_all_sessions(db, user.id)
    await ratelimit.forget_login_failures(db, user.email, now, settings)
    await notify.password_changed(db, user, settings, now)
    return user
