"""What organisers do to accounts from the people pages, each written to the audit log in the same
transaction: roles and account state (with the rules of `roles`), session moderators, exhibitor approval."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.audit.entries import Actor
from emicronora.audit.operations import record_action
from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.live import operations as live
from emicronora.models import Company, Session, User
from emicronora.people import queries, roles
from emicronora.showroom import operations as showrooms

RoleChange = Callable[[AsyncSession, User, User | None, bool], Awaitable[bool]]
# Change -> (operation, value, audited action).
ACCOUNT_CHANGES: dict[str, tuple[RoleChange, bool, str]] = {
    "grant": (roles.set_organiser, True, "user.organiser_grant"),
    "revoke": (roles.set_organiser, False, "user.organiser_revoke"),
    "enable": (roles.set_active, True, "user.enable"),
    "disable": (roles.set_active, False, "user.disable"),
}


async def change_account(db: AsyncSession, person: User, actor: Actor, change: str) -> str:
    """Gives or takes the organiser role, enables or disables the account; returns the audited action.
    Raises roles.RoleRefused for a change that would lock the organisers out."""
    operation, value, action = ACCOUNT_CHANGES[change]
    details: dict[str, object] = {"email": person.email}
    if action == "user.disable":
        # Counted before the operation ends them.
        details["ended_sessions"] = await queries.open_login_sessions(db, person.id)
    if await operation(db, person, actor.user, value):
        await record_action(db, actor, action, "user", person.id, details)
    return action


async def appoint_moderator(
    db: AsyncSession, person: User, session_id: int | None, actor: Actor, form: Form
) -> bool:
    """Makes the person a moderator of the session (the live area's rules: an active non-organiser); False,
    with the reason on the form's `session_id`, when it cannot be."""
    session = await db.get(Session, session_id) if session_id is not None else None
    if session is None:
        form.error("session_id", _("Choose one of the sessions."))
        return False
    appointment = Form(values={"email": person.email})
    if await live.appoint(db, session.id, appointment) is None:
        form.error("session_id", appointment.errors["email"])
        return False
    details = {"email": person.email, "title": session.title}
    await record_action(db, actor, "session.moderator_appoint", "session", session.id, details)
    return True


async def remove_moderator(db: AsyncSession, person: User, session_id: int, actor: Actor) -> bool:
    """False when there is no such session or the person did not moderate it."""
    session = await db.get(Session, session_id)
    if session is None or not await live.remove(db, session.id, person.id):
        return False
    details = {"email": person.email, "title": session.title}
    await record_action(db, actor, "session.moderator_remove", "session", session.id, details)
    return True


async def approve_exhibitor(db: AsyncSession, company: Company, actor: Actor) -> None:
    """The showroom area's approval: the showroom becomes public (nothing happens if it already is)."""
    if company.is_approved:
        return
    await showrooms.set_approved(db, company, True)
    await record_action(db, actor, "showroom.approve", "company", company.id, {"name": company.name})
