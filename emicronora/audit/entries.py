"""Writing and reading audit entries. Writing never commits: the entry joins the action's transaction."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from starlette.requests import HTTPConnection

from emicronora.models import AuditEntry, User
from emicronora.web.context import client_ip, current_user

PAGE_SIZE = 50
# Details are for a person reading the log, not a copy of the data: long texts are cut.
MAX_DETAIL_TEXT = 200
MAX_ACTION = 60
MAX_TARGET_TYPE = 40
MAX_TARGET_ID = 40

Actor = HTTPConnection | User | None
Detail = str | int | float | bool | None | list[Any]


def _plain(value: object) -> Detail:
    """A JSON-safe, short form of a value: ids and flags as they are, dates in ISO, the rest as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    text = str(value)
    return text if len(text) <= MAX_DETAIL_TEXT else text[: MAX_DETAIL_TEXT - 1] + "…"


def changes(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, Detail]:
    """{field: [before, after]} for the fields that differ; a new object (empty `before`) lists its values."""
    if not before:
        return {key: _plain(value) for key, value in after.items() if value not in ("", None)}
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in {**before, **after}
        if before.get(key) != after.get(key)
    }


async def record_action(
    db: AsyncSession,
    request_or_actor: Actor,
    action: str,
    target_type: str = "",
    target_id: object = "",
    details: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Adds the entry to `db`'s transaction. The actor is the request's user (with its address) or, from the
    CLI, a user or None; the e-mail is copied so that the entry still says who once the account is gone."""
    if isinstance(request_or_actor, HTTPConnection):
        actor, ip = current_user(request_or_actor), client_ip(request_or_actor)
    else:
        actor, ip = request_or_actor, ""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        action=action[:MAX_ACTION],
        target_type=target_type[:MAX_TARGET_TYPE],
        target_id=str(target_id if target_id is not None else "")[:MAX_TARGET_ID],
        details={key: _plain(value) for key, value in (details or {}).items()},
        ip=ip[:45],
    )
    db.add(entry)
    await db.flush()
    return entry


# --- reading ----------------------------------------------------------------------------------------------


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class AuditFilter:
    """`area` is an action prefix ("session" matches "session.cancel"); `actor` a part of the e-mail."""

    area: str = ""
    actor: str = ""
    target_type: str = ""
    target_id: str = ""


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def _conditions(criteria: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if criteria.area:
        area = criteria.area.rstrip(".")
        conditions.append(
            (AuditEntry.action == area) | AuditEntry.action.like(like_escape(area) + ".%", escape="\\")
        )
    if criteria.actor:
        pattern = "%" + like_escape(criteria.actor.lower()) + "%"
        conditions.append(func.lower(AuditEntry.actor_email).like(pattern, escape="\\"))
    if criteria.target_type:
        conditions.append(AuditEntry.target_type == criteria.target_type)
        if criteria.target_id:
            conditions.append(AuditEntry.target_id == criteria.target_id)
    return conditions


async def audit_page(
    db: AsyncSession, criteria: AuditFilter, page: int = 1, page_size: int = PAGE_SIZE
) -> AuditPage:
    """One page of the matching entries, newest first."""
    conditions = _conditions(criteria)
    total = await db.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    pages = max(1, math.ceil(total / page_size))
    rows = await db.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return AuditPage(entries=list(rows.all()), total=total, page=page, pages=pages)


async def action_areas(db: AsyncSession) -> list[str]:
    """The first part of every action in the log ("session", "b2b", "user" ...), for the filter's choices."""
    actions = (await db.scalars(select(AuditEntry.action).distinct())).all()
    return sorted({action.split(".", 1)[0] for action in actions})


def detail_lines(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, "before → after") or (field, value) pairs, for the page."""
    lines = []
    for key, value in sorted(details.items()):
        if isinstance(value, list) and len(value) == 2:
            lines.append((key, f"{_shown(value[0])} → {_shown(value[1])}"))
        else:
            lines.append((key, _shown(value)))
    return lines


def _shown(value: object) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    return str(value)
