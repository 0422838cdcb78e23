"""Queuing a message in the caller's transaction: who may get which mail, its row rendered in the
recipient's language, the INSERT that leaves out a message already queued (its dedupe key), and the job that
sends it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.jobs.queue import enqueue
from emicronora.mail.compose import ALWAYS_SENT, compose, recipient_locale
from emicronora.models import EMAIL_KINDS, OutboxEmail, User
from emicronora.models.base import utcnow
from emicronora.settings import Settings

MAX_DEDUPE_KEY = 200
# Rows per INSERT: well under the bound-parameter limits of SQLite and PostgreSQL.
INSERT_CHUNK = 200
# Messages per `mail.send` job: one connection to the mail server sends them all.
JOB_BATCH = 25
SEND_KIND, MAIL_QUEUE = "mail.send", "mail"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: str
    # The iTIP method of a calendar file (PUBLISH), repeated in its MIME type for mail clients.
    method: str = ""

    def as_json(self) -> dict[str, str]:
        row = {"filename": self.filename, "content_type": self.content_type, "content": self.content}
        if self.method:
            row["method"] = self.method
        return row


def may_send(user: User, kind: str) -> bool:
    """A disabled account, an address that bounced, or a kind the user turned off gets no mail. A link the
    user asked for (confirmation, password reset) is sent even to an address that bounced once: otherwise
    someone who forgot their password could never get back into their account, and these are throttled. So is
    the notice of a password change: the owner must hear of a change they did not make."""
    if not user.is_active:
        return False
    if kind in ALWAYS_SENT:
        return True
    return user.email_bounced_at is None and kind not in (user.email_opt_outs or [])


async def taken_keys(db: AsyncSession, keys: Sequence[str]) -> set[str]:
    """The dedupe keys among `keys` that an earlier message already used."""
    taken: set[str] = set()
    for start in range(0, len(keys), INSERT_CHUNK):
        chunk = [key[:MAX_DEDUPE_KEY] for key in keys[start : start + INSERT_CHUNK]]
        found = await db.scalars(select(OutboxEmail.dedupe_key).where(OutboxEmail.dedupe_key.in_(chunk)))
        taken.update(key for key in found if key is not None)
    return {key for key in keys if key[:MAX_DEDUPE_KEY] in taken}


def prepare_email(
    user: User,
    kind: str,
    context: dict[str, Any],
    *,
    settings: Settings,
    attachments: Sequence[Attachment] = (),
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any] | None:
    """The outbox row of a message, rendered in the recipient's language; None when the user gets no such
    mail. Pure (no database), so that a large batch can be rendered in a worker thread."""
    assert kind in EMAIL_KINDS, kind
    if not may_send(user, kind):
        return None
    locale = recipient_locale(user, settings)
    composed = compose(kind, locale, {"name": user.name, **context}, settings)
    now = now or utcnow()
    return {
        "user_id": user.id,
        "to_address": user.email,
        "kind": kind,
        "locale": locale,
        "subject": composed.subject,
        "body_text": composed.text,
        "body_html": composed.html,
        "attachments": [attachment.as_json() for attachment in attachments],
        "dedupe_key": dedupe_key[:MAX_DEDUPE_KEY] if dedupe_key is not None else None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
        "created_at": now,
    }


async def insert_emails(db: AsyncSession, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Adds prepared rows to the caller's transaction; returns the ids of those inserted. A row whose dedupe
    key is already used is left out without an error: two workers checking the same reminder at once do not
    roll back each other's transaction, one simply wins."""
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_CHUNK):
        statement = (
            insert(OutboxEmail)
            .values(list(rows[start : start + INSERT_CHUNK]))
            .on_conflict_do_nothing(index_elements=[OutboxEmail.dedupe_key])
            .returning(OutboxEmail.id)
        )
        ids += (await db.scalars(statement)).all()
    await queue_sending(db, ids)
    return ids


async def queue_sending(db: AsyncSession, ids: Sequence[int], run_after: datetime | None = None) -> None:
    """The jobs that deliver these messages, in the same transaction as their rows: a message leaves only if
    its cause commits, and is sent by one job (keyed by its first message and time)."""
    for start in range(0, len(ids), JOB_BATCH):
        batch = sorted(ids[start : start + JOB_BATCH])
        key = f"mail:{batch[0]}" if run_after is None else f"mail:{batch[0]}@{run_after.isoformat()}"
        await enqueue(db, SEND_KIND, {"email_ids": batch}, key=key, queue=MAIL_QUEUE, run_after=run_after)


async def queue_email(
    db: AsyncSession,
    user: User,
    kind: str,
    context: dict[str, Any],
    *,
    settings: Settings,
    attachments: Sequence[Attachment] = (),
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Writes the message to the outbox in the caller's transaction, so that it leaves only if what caused
    it is committed. Returns its id, or None when the user gets no such mail or the key was already used."""
    if dedupe_key is not None and await taken_keys(db, [dedupe_key]):
        return None
    row = prepare_email(
        user, kind, context, settings=settings, attachments=attachments, dedupe_key=dedupe_key, now=now
    )
    if row is None:
        return None
    ids = await insert_emails(db, [row])
    return ids[0] if ids else None
