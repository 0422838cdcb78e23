"""What users and organisers change about mail: the kinds a user receives, a mailbox that works again, a
new confirmation link, a failed message queued again. Each runs inside the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.audit.entries import Actor
from emicronora.audit.operations import record_action
from emicronora.db.results import rowcount
from emicronora.mail import notify, tokens
from emicronora.mail.compose import OPTIONAL_KINDS
from emicronora.mail.queries import account
from emicronora.models import OutboxEmail
from emicronora.settings import Settings

log = logging.getLogger("emicronora.mail")
# Confirmation links a user may ask for in an hour: enough for a lost message, too few to flood a mailbox.
MAX_CONFIRMATIONS_PER_HOUR = 3


async def set_preferences(db: AsyncSession, user_id: int, wanted: Iterable[str]) -> None:
    """The optional kinds not in `wanted` are turned off; the others on."""
    chosen = set(wanted)
    (await account(db, user_id)).email_opt_outs = [kind for kind in OPTIONAL_KINDS if kind not in chosen]


async def resume(db: AsyncSession, user_id: int) -> None:
    """The user fixed their mailbox: mail to the address that bounced may be tried again."""
    (await account(db, user_id)).email_bounced_at = None


async def confirm_again(db: AsyncSession, user_id: int, settings: Settings, now: datetime) -> None:
    """A new confirmation link, unless the address is confirmed or enough links went out this hour."""
    user = await account(db, user_id)
    recent = await tokens.issued_since(db, user.id, "confirm", now - timedelta(hours=1))
    if user.email_confirmed_at is None and recent < MAX_CONFIRMATIONS_PER_HOUR:
        await notify.confirmation(db, user, settings, now)


async def retry(db: AsyncSession, email: OutboxEmail, actor: Actor, now: datetime) -> bool:
    """Puts a failed message back in the queue, due now, with a fresh count of attempts; False when it had
    not failed."""
    result = await db.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == email.id, OutboxEmail.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now, last_error="")
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a cursor result: it has the count of the rows it changed.
    if not rowcount(result):
        return False
    log.info("outbox message %s queued again by an organiser", email.id)
    details = {"kind": email.kind, "to": email.to_address}
    await record_action(db, actor, "mail.retry", "outbox_email", email.id, details)
    return True
