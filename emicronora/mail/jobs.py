"""The mail jobs, run by the worker processes: `mail.send` delivers a batch of outbox messages (queued with
them, see `outbox.queue_sending`) and queues a later try for those the server asked to retry; the reminders of
sessions about to start, and a sweep for messages left without a job, run every minute."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from emicronora.jobs.registry import JobContext, handler, periodic
from emicronora.mail.delivery import check_reminders, deliver_ids
from emicronora.mail.outbox import MAIL_QUEUE, SEND_KIND, queue_sending
from emicronora.models import OutboxEmail
from emicronora.models.base import utcnow

log = logging.getLogger("emicronora.mail")
# A pending message whose time passed this long ago has lost its job (or its worker died): it is queued again.
STRANDED_AFTER = timedelta(minutes=5)


@handler(SEND_KIND, queue=MAIL_QUEUE)
async def send(context: JobContext, payload: dict[str, Any]) -> None:
    ids = [int(email_id) for email_id in payload["email_ids"]]
    # A later attempt of this job follows a worker that died mid-batch: what it claimed is retaken (the job's
    # lease guarantees that it is not still sending), what it recorded as sent is not.
    report = await deliver_ids(context.sessionmaker, context.settings, ids, retake=context.attempt > 1)
    if sum(report.counts.values()):
        log.info("mail batch %s: %s", context.job_id, report.counts)
    await queue_retries(context, ids)


async def queue_retries(context: JobContext, ids: list[int]) -> None:
    """The messages the server asked to try again later get a job at their next attempt's time."""
    async with context.sessionmaker() as db, db.begin():
        rows = await db.execute(
            select(OutboxEmail.id, OutboxEmail.next_attempt_at).where(
                OutboxEmail.id.in_(ids), OutboxEmail.status == "pending"
            )
        )
        later: dict[datetime, list[int]] = defaultdict(list)
        for email_id, at in rows:
            later[at].append(email_id)
        for at, waiting in later.items():
            await queue_sending(db, waiting, run_after=at)


@handler("mail.reminders", queue=MAIL_QUEUE)
async def reminders(context: JobContext, _payload: dict[str, Any]) -> None:
    await check_reminders(context.sessionmaker, context.settings)


@handler("mail.sweep", queue=MAIL_QUEUE)
async def sweep(context: JobContext, _payload: dict[str, Any]) -> None:
    """Messages written before the job system, or whose jobs were lost, are not left waiting for ever."""
    now = utcnow()
    async with context.sessionmaker() as db, db.begin():
        stranded = await db.scalars(
            select(OutboxEmail.id).where(
                OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now - STRANDED_AFTER
            )
        )
        ids = sorted(stranded.all())
        if ids:
            await queue_sending(db, ids, run_after=now)


periodic("mail.reminders", timedelta(minutes=1))
periodic("mail.sweep", timedelta(minutes=5))
