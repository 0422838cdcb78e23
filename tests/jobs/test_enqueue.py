"""Enqueue belongs to the caller's transaction, and a key makes it idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.jobs.queue import enqueue
from emicronora.models import AuditEntry, Job


async def test_enqueue_rolled_back_with_its_transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The change fails after the job was queued: neither the change nor its job is left."""
    with pytest.raises(RuntimeError):
        async with sessionmaker() as db, db.begin():
            db.add(AuditEntry(action="session.cancel", target_type="session", target_id="1"))
            await enqueue(db, "mail.send", {"message_id": 1})
            raise RuntimeError("the change cannot be completed")
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(Job)) == 0
        assert await db.scalar(select(func.count()).select_from(AuditEntry)) == 0


async def test_enqueue_committed_with_its_transaction(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as db, db.begin():
        job_id = await enqueue(db, "mail.send", {"message_id": 1}, user_id=None)
    async with sessionmaker() as db:
        job = await db.get(Job, job_id)
        assert job is not None
        assert (job.kind, job.status, job.payload, job.attempts) == (
            "mail.send",
            "queued",
            {"message_id": 1},
            0,
        )


async def test_a_second_enqueue_of_the_same_key_is_a_no_op(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as db, db.begin():
        first = await enqueue(db, "mail.send", {"message_id": 7}, key="mail:7")
    async with sessionmaker() as db, db.begin():
        second = await enqueue(db, "mail.send", {"message_id": 7}, key="mail:7")
    assert first is not None
    assert second is None
    async with sessionmaker() as db:
        assert (await db.scalars(select(Job.id))).all() == [first]
