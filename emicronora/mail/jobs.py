"""The mail worker: the background loop, started by the app's lifespan in every worker process, that delivers
the outbox and queues the session reminders. The workers share the outbox safely (see `delivery`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.mail.delivery import check_reminders, deliver_due
from emicronora.settings import Settings

log = logging.getLogger("emicronora.mail")


class MailWorker:
    """Started by the app's lifespan in every worker process; they share the outbox safely."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        *,
        poll_seconds: float = 2.0,
        reminder_seconds: float = 60.0,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.reminder_seconds = reminder_seconds
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        server = self.settings.mail_server
        if server.scheme == "file":
            log.warning("EMICRONORA_SMTP_URL is not set: e-mail is written to %s", server.folder)
        self._task = asyncio.create_task(self._run(), name="mail-worker")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping.set()
        # A batch being sent is finished rather than cut off, so that no message goes out twice.
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=self.settings.mail_server.timeout + 5)
        except TimeoutError:
            self._task.cancel()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_reminders = loop.time()
        while not self._stopping.is_set():
            try:
                if loop.time() >= next_reminders:
                    await check_reminders(self.sessionmaker, self.settings)
                    next_reminders = loop.time() + self.reminder_seconds
                report = await deliver_due(self.sessionmaker, self.settings)
                if sum(report.counts.values()):
                    # More may be due right away: a schedule publication queues hundreds at once.
                    continue
            except Exception:
                # The database or the mail server is down: keep the worker alive and try again.
                log.exception("mail worker round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.poll_seconds)
