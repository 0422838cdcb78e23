"""Writing audit entries. Writing never commits: the entry joins the action's transaction, so that an entry
exists exactly when the change it describes was committed."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.audit.entries import Actor, plain_details
from emicronora.models import AuditEntry, User

MAX_ACTION = 60
MAX_TARGET_TYPE = 40
MAX_TARGET_ID = 40
MAX_IP = 45


async def record_action(
    db: AsyncSession,
    actor: Actor | User | None,
    action: str,
    target_type: str = "",
    target_id: object = "",
    details: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Adds the entry to `db`'s transaction. The actor is a user with the address they acted from (the web
    builds it from the request) or, from the CLI, a user or None; the e-mail is copied so that the entry
    still says who once the account is gone."""
    if not isinstance(actor, Actor):
        actor = Actor(actor)
    user = actor.user
    entry = AuditEntry(
        actor_id=user.id if user is not None else None,
        actor_email=user.email if user is not None else "",
        action=action[:MAX_ACTION],
        target_type=target_type[:MAX_TARGET_TYPE],
        target_id=str(target_id if target_id is not None else "")[:MAX_TARGET_ID],
        details=plain_details(details or {}),
        ip=actor.ip[:MAX_IP],
    )
    db.add(entry)
    await db.flush()
    return entry
