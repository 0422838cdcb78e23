"""Delivering the outbox: claims due messages, sends them off the event loop, records each outcome, and
checks for sessions about to start. Safe with several workers or hosts on one database."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import anyio.from_thread
import anyio.to_thread
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.mail.compose import ALWAYS_SENT, build_message
from emicronora.mail.notify import session_reminders
from emicronora.mail.transport import (
    BOUNCE,
    FAIL,
    RETRY,
    SENT,
    UNTRIED,
    OnOutcome,
    Outcome,
    Outgoing,
    deliver,
)
from emicronora.models import OutboxEmail, User
from emicronora.models.base import utcnow
from emicronora.settings import Settings

log = logging.getLogger("emicronora.mail")
BATCH = 50
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
# A claimed message is due again after this, in case the worker that claimed it died mid-send.
LEASE = timedelta(minutes=10)
# One message can take a few server timeouts (connection, greeting, RCPT, DATA).
TIMEOUTS_PER_MESSAGE = 4


def lease_for(settings: Settings) -> timedelta:
    """Long enough for one slow message twice over; a batch starts no message after half of it (see
    `transport.deliver`), so that whatever it started ends before another worker may claim it again."""
    return max(LEASE, timedelta(seconds=2 * TIMEOUTS_PER_MESSAGE * settings.mail_server.timeout))


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after the 1st, 2nd, 3rd ... failed attempt: about 4 hours over 8 attempts."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass
class DeliveryReport:
    counts: dict[str, int] = field(
        default_factory=lambda: {SENT: 0, RETRY: 0, BOUNCE: 0, FAIL: 0, UNTRIED: 0}
    )

    def add(self, result: str) -> None:
        self.counts[result] += 1


async def claim(db: AsyncSession, now: datetime, limit: int = BATCH, lease: timedelta = LEASE) -> list[int]:
    """Takes up to `limit` due messages for this worker. The conditional UPDATE moves them out of reach of
    the others (on PostgreSQL, SKIP LOCKED also lets them claim other rows instead of waiting)."""
    due = (
        select(OutboxEmail.id)
        .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = await db.scalars(
        update(OutboxEmail)
        .where(OutboxEmail.id.in_(due), OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
        .values(next_attempt_at=now + lease, attempts=OutboxEmail.attempts + 1)
        .returning(OutboxEmail.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.all())


async def _bounce_address(db: AsyncSession, address: str, reason: str, now: datetime) -> None:
    """No more mail to an address the server refused for good: the user is marked, and the messages still
    waiting for it are closed."""
    users = (await db.scalars(select(User).where(User.email == address))).unique().all()
    for user in users:
        if user.email_bounced_at is None:
            user.email_bounced_at = now
    await db.execute(
        update(OutboxEmail)
        .where(OutboxEmail.to_address == address, OutboxEmail.status == "pending")
        .values(status="bounced", last_error=reason)
        .execution_options(synchronize_session=False)
    )
    await db.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.to_address == address,
            OutboxEmail.status == "bounced",
            OutboxEmail.kind.in_(ALWAYS_SENT),
        )
        .values(body_text="", body_html="")
        .execution_options(synchronize_session=False)
    )


def _forget_link(row: OutboxEmail) -> None:
    """A confirmation or reset message carries a working single-use link, which the token table keeps only
    hashed: once the message is gone (or refused for good), the outbox must not keep it in clear either."""
    if row.kind in ALWAYS_SENT:
        row.body_text = row.body_html = ""


async def _record(db: AsyncSession, row: OutboxEmail, outcome: Outcome, now: datetime) -> None:
    if outcome.result == UNTRIED:
        row.attempts -= 1
        row.next_attempt_at = now
        return
    row.last_error = outcome.error
    if outcome.result in (SENT, BOUNCE):
        _forget_link(row)
    if outcome.result == SENT:
        row.status, row.sent_at = "sent", now
    elif outcome.result == BOUNCE:
        row.status = "bounced"
        # The address stays in the outbox (organisers see it there); logs get the ids only (personal data).
        log.warning("mail %s to user %s bounced: %s", row.id, row.user_id, outcome.error)
        await _bounce_address(db, row.to_address, outcome.error, now)
    elif outcome.result == RETRY and row.attempts < MAX_ATTEMPTS:
        row.next_attempt_at = now + backoff(row.attempts)
        log.info(
            "mail %s to user %s: attempt %s failed, retrying: %s",
            row.id,
            row.user_id,
            row.attempts,
            outcome.error,
        )
    else:
        row.status = "failed"
        log.error(
            "mail %s to user %s failed after %s attempts: %s",
            row.id,
            row.user_id,
            row.attempts,
            outcome.error,
        )


def _build_and_deliver(
    rows: list[OutboxEmail], settings: Settings, now: datetime, on_outcome: OnOutcome | None = None
) -> list[Outcome]:
    """In a worker thread: MIME building and the mail server's pace both stay off the event loop."""
    batch = [Outgoing(row.id, row.to_address, build_message(row, settings, now)) for row in rows]
    budget_s = lease_for(settings).total_seconds() / 2
    return deliver(settings.mail_server, settings.mail_from, batch, now, budget_s, on_outcome)


async def deliver_due(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, now: datetime | None = None
) -> DeliveryReport:
    """Sends one batch of due messages, whatever their jobs; returns what happened to them."""
    now = now or utcnow()
    async with sessionmaker() as db, db.begin():
        ids = await claim(db, now, lease=lease_for(settings))
    return await _send_claimed(sessionmaker, settings, ids, now)


async def deliver_ids(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    ids: list[int],
    *,
    retake: bool = False,
    now: datetime | None = None,
) -> DeliveryReport:
    """Sends the messages of `ids` still waiting and due (the batch of a `mail.send` job). `retake`: also
    those claimed by an earlier attempt of the same job, whose worker died (the job's lease says so)."""
    now = now or utcnow()
    waiting = [OutboxEmail.status == "pending", OutboxEmail.id.in_(ids)]
    if not retake:
        waiting.append(OutboxEmail.next_attempt_at <= now)
    async with sessionmaker() as db, db.begin():
        claimed = await db.scalars(
            update(OutboxEmail)
            .where(*waiting)
            .values(next_attempt_at=now + lease_for(settings), attempts=OutboxEmail.attempts + 1)
            .returning(OutboxEmail.id)
            .execution_options(synchronize_session=False)
        )
        taken = sorted(claimed.all())
    return await _send_claimed(sessionmaker, settings, taken, now)


async def _send_claimed(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, ids: list[int], now: datetime
) -> DeliveryReport:
    report = DeliveryReport()
    if not ids:
        return report
    async with sessionmaker() as db:
        rows = {row.id: row for row in (await db.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(ids))))}
        bounced = set(
            (
                await db.scalars(
                    select(User.email).where(
                        User.email.in_({r.to_address for r in rows.values()}),
                        User.email_bounced_at.is_not(None),
                    )
                )
            ).all()
        )
    # A link the user asked for is still tried (see outbox.may_send); the rest is closed unsent.
    skipped = {row.id for row in rows.values() if row.to_address in bounced and row.kind not in ALWAYS_SENT}
    outcomes = [Outcome(email_id, BOUNCE, "the address bounced earlier") for email_id in sorted(skipped)]
    to_send = [row for row in rows.values() if row.id not in skipped]
    recorded: set[int] = set()

    async def record(outcome: Outcome) -> None:
        async with sessionmaker() as db, db.begin():
            row = await db.get(OutboxEmail, outcome.email_id)
            if row is not None:
                await _record(db, row, outcome, now)
        recorded.add(outcome.email_id)
        report.add(outcome.result)

    def record_from_thread(outcome: Outcome) -> None:
        # What the server took is written down before the next message goes: a killed worker resends none.
        if outcome.result in (SENT, BOUNCE, FAIL):
            anyio.from_thread.run(record, outcome)

    if to_send:
        outcomes += await anyio.to_thread.run_sync(
            _build_and_deliver, to_send, settings, now, record_from_thread
        )
    async with sessionmaker() as db, db.begin():
        fresh = {
            row.id: row for row in (await db.scalars(select(OutboxEmail).where(OutboxEmail.id.in_(ids))))
        }
        for outcome in outcomes:
            if outcome.email_id in recorded:
                continue
            await _record(db, fresh[outcome.email_id], outcome, now)
            report.add(outcome.result)
    return report


async def check_reminders(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, now: datetime | None = None
) -> int:
    async with sessionmaker() as db, db.begin():
        return await session_reminders(db, settings, now or utcnow())
