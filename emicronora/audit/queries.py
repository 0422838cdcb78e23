"""Reading the audit log: filtered, newest first, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from emicronora.db.paging import Page, paginate
from emicronora.db.search import contains_folded
from emicronora.models import AuditEntry

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """`area` is an action prefix ("session" matches "session.cancel"); `actor` a part of the e-mail."""

    area: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""


def _conditions(criteria: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.area:
        area = criteria.area.rstrip(".")
        conditions.append(
            (AuditEntry.action == area) | AuditEntry.action.startswith(area + ".", autoescape=True)
        )
    if criteria.actor:
        conditions.append(contains_folded(AuditEntry.actor_email, criteria.actor))
    if criteria.target_type:
        conditions.append(AuditEntry.target_type == criteria.target_type)
        if criteria.target_id:
            conditions.append(AuditEntry.target_id == criteria.target_id)
    return conditions


async def audit_page(
    db: AsyncSession, criteria: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE
) -> Page[AuditEntry]:
    """One page of the matching entries, newest first."""
    statement = (
        select(AuditEntry).where(*_conditions(criteria)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return await paginate(db, statement, page, page_size)


async def action_areas(db: AsyncSession) -> list[str]:
    """The first part of every action in the log ("session", "b2b", "user" ...), for the filter's choices."""
    actions = (await db.scalars(select(AuditEntry.action).distinct())).all()
    return sorted({action.split(".", 1)[0] for action in actions})
