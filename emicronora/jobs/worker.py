"""The worker process's loop (`emicronora worker`): claims due jobs up to its concurrency, runs each under a
lease it renews (heartbeat), records the outcome (done, retried after a back-off, failed, cancelled) with one
log line per run, and queues the periodic jobs of the current period. A stop lets running jobs end, then gives
back those that do not end in time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.jobs import queue
from emicronora.jobs.registry import PERIODIC, JobContext, Kind, load_handlers
from emicronora.models import Job
from emicronora.models.base import utcnow
from emicronora.settings import Settings

log = logging.getLogger("emicronora.jobs")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Running jobs get this long to end when the worker is asked to stop; the rest are given back to the queue.
STOP_GRACE_S = 20.0


def period_start(now: datetime, period: timedelta) -> datetime:
    return EPOCH + period * ((now - EPOCH) // period)


class Worker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        concurrency: int = 4,
        queues: Sequence[str] | None = None,
        name: str | None = None,
        poll_s: float | None = None,
        first_retry: timedelta = queue.FIRST_RETRY,
        periodic: bool = True,
    ) -> None:
        """`periodic`: False leaves the periodic jobs to other workers (tests)."""
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.concurrency = concurrency
        self.queues = list(queues) if queues else None
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.poll_s = settings.job_poll_ms / 1000 if poll_s is None else poll_s
        self.lease = timedelta(seconds=settings.job_lease_seconds)
        self.first_retry = first_retry
        self.periodic = periodic
        self.kinds: dict[str, Kind] = {
            name: kind
            for name, kind in load_handlers().items()
            if self.queues is None or kind.queue in self.queues
        }
        self._queued_periods: dict[str, datetime] = {}
        # Why a running job's task was cancelled: "cancel" (asked), "lost" (lease taken), "stop" (shutdown).
        self._reasons: dict[int, str] = {}
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        running: set[asyncio.Task[None]] = set()
        log.info("worker %s started: kinds %s", self.name, ", ".join(sorted(self.kinds)))
        while not stop.is_set():
            await slots.acquire()
            job: Job | None = None
            try:
                await self.queue_periodic()
                job = await self.claim()
            except Exception:
                # The database is down or busy: keep the worker alive and try again.
                log.exception("worker %s: claim failed", self.name)
            if job is None:
                slots.release()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_s)
                continue
            task = asyncio.create_task(self.execute(job), name=f"job-{job.id}")
            running.add(task)
            task.add_done_callback(running.discard)
            task.add_done_callback(lambda _task: slots.release())
        if running:
            await asyncio.wait(running, timeout=STOP_GRACE_S)
            for job_id, task in list(self._tasks.items()):
                self._reasons[job_id] = "stop"
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
        log.info("worker %s stopped", self.name)

    async def claim(self) -> Job | None:
        if not self.kinds:
            return None
        return await queue.claim(self.sessionmaker, self.name, list(self.kinds), self.queues, self.lease)

    async def run_one(self) -> bool:
        """Claims and runs one due job to its end (tests, `emicronora jobs run`); False when none was due."""
        job = await self.claim()
        if job is None:
            return False
        await self.execute(job)
        return True

    async def queue_periodic(self, now: datetime | None = None) -> None:
        """Queues this period's job of every periodic kind this worker runs, once per worker and period; the
        key makes it once per period across all the workers."""
        now = now or utcnow()
        for item in PERIODIC.values():
            if not self.periodic or item.kind not in self.kinds:
                continue
            start = period_start(now, item.period)
            if self._queued_periods.get(item.kind) == start:
                continue
            async with self.sessionmaker() as db, db.begin():
                await queue.enqueue(
                    db,
                    item.kind,
                    {},
                    key=f"{item.kind}@{start.isoformat()}",
                    queue=self.kinds[item.kind].queue,
                )
            self._queued_periods[item.kind] = start

    async def execute(self, job: Job) -> None:
        started = time.perf_counter()
        outcome = await self._outcome(job)
        log.info(
            "job id=%s kind=%s attempt=%s duration_ms=%.0f outcome=%s worker=%s",
            job.id,
            job.kind,
            job.attempts,
            (time.perf_counter() - started) * 1000,
            outcome,
            self.name,
        )

    async def _outcome(self, job: Job) -> str:
        if job.cancel_requested:
            await queue.cancelled(self.sessionmaker, job.id, self.name)
            return "cancelled"
        if job.attempts > job.max_attempts:
            # Its workers died during every attempt (claimed again after each lease): a poison job.
            await queue.fail(self.sessionmaker, job, self.name, "Its worker stopped during every attempt.")
            return "failed"
        kind = self.kinds[job.kind]
        context = JobContext(job.id, job.attempts, self.sessionmaker, self.settings)
        task = asyncio.create_task(self._call(kind, context, job.payload))
        self._tasks[job.id] = task
        beat = asyncio.create_task(self._heartbeat(job.id, task))
        try:
            await task
        except asyncio.CancelledError:
            reason = self._reasons.pop(job.id, "stop")
            if reason == "cancel":
                await queue.cancelled(self.sessionmaker, job.id, self.name)
                return "cancelled"
            if reason == "lost":
                return "lost"
            await queue.release(self.sessionmaker, job.id, self.name)
            return "released"
        except Exception as error:
            text = "Timed out." if isinstance(error, TimeoutError) else f"{type(error).__name__}: {error}"
            log.warning("job %s (%s) attempt %s failed: %s", job.id, job.kind, job.attempts, text)
            return await queue.fail(self.sessionmaker, job, self.name, text[:2000], self.first_retry)
        finally:
            beat.cancel()
            self._tasks.pop(job.id, None)
        return await queue.finish(self.sessionmaker, job.id, self.name)

    @staticmethod
    async def _call(kind: Kind, context: JobContext, payload: dict[str, object]) -> None:
        async with asyncio.timeout(kind.timeout_s):
            await kind.run(context, payload)

    async def _heartbeat(self, job_id: int, task: asyncio.Task[None]) -> None:
        every = self.lease.total_seconds() / 3
        while not task.done():
            await asyncio.sleep(every)
            try:
                held, cancel = await queue.heartbeat(self.sessionmaker, job_id, self.name, self.lease)
            except Exception:
                log.exception("job %s: heartbeat failed", job_id)
                continue
            if not held or cancel:
                self._reasons[job_id] = "cancel" if held else "lost"
                task.cancel()
                return
