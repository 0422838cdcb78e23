"""Attendance: one `room_visits` row per socket stay, from the socket's accept to its close.

Thousands of people join a room within a minute when a webinar starts. A write per join would queue behind
chat posts (SQLite has one writer; PostgreSQL would spend a commit each), so the worker buffers stays and
writes them every few seconds in one transaction: new stays inserted, ended ones given their `left_at`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import RoomVisit, Session, User

log = logging.getLogger("emicronora.live")

FLUSH_EVERY = 2.0


@dataclass(eq=False)
class Stay:
    session_id: int
    user_id: int
    joined_at: datetime
    left_at: datetime | None = None
    row_id: int | None = None


class VisitRecorder:
    """Buffers stays and writes them in batches; `flush` writes now (shutdown, tests)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        writing: Callable[[], AbstractAsyncContextManager[object]] = contextlib.nullcontext,
        every: float = FLUSH_EVERY,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.writing = writing
        self.every = every
        self._new: list[Stay] = []
        self._ended: list[Stay] = []
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="room-visits")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            await self.flush()
        except Exception:
            log.exception("room visits: the last %s change(s) could not be written", self.pending)

    @property
    def pending(self) -> int:
        return len(self._new) + len(self._ended)

    def join(self, session_id: int, user_id: int, now: datetime) -> Stay:
        stay = Stay(session_id, user_id, now)
        self._new.append(stay)
        return stay

    def leave(self, stay: Stay, now: datetime) -> None:
        stay.left_at = now
        if stay.row_id is not None:
            self._ended.append(stay)
        # Otherwise its insert, still to come, carries left_at (or the flush under way re-queues it).

    async def flush(self) -> None:
        async with self._lock:
            new, ended = self._new, self._ended
            if not new and not ended:
                return
            self._new, self._ended = [], []
            try:
                inserted = await self._write(new, ended)
            except IntegrityError:
                # A session or a user deleted since the stay began: keep the others.
                new, ended = await self._existing(new), await self._existing(ended)
                try:
                    inserted = await self._write(new, ended)
                except Exception:
                    self._requeue(new, ended)
                    raise
            except Exception:
                self._requeue(new, ended)
                raise
            for stay, (row_id, written_left_at) in zip(new, inserted, strict=True):
                stay.row_id = row_id
                if stay.left_at != written_left_at:  # it ended while its insert was on the way
                    self._ended.append(stay)

    async def _write(self, new: list[Stay], ended: list[Stay]) -> list[tuple[int, datetime | None]]:
        """Inserts the new stays and ends the others in one transaction; gives each new stay's id and the
        left_at it was inserted with."""
        rows: list[dict[str, Any]] = [
            {"session_id": s.session_id, "user_id": s.user_id, "joined_at": s.joined_at, "left_at": s.left_at}
            for s in new
        ]
        changes = [{"id": s.row_id, "left_at": s.left_at} for s in ended]
        async with self.writing(), self.sessionmaker() as db, db.begin():
            ids: list[int] = []
            if rows:
                result = await db.execute(
                    insert(RoomVisit).returning(RoomVisit.id, sort_by_parameter_order=True), rows
                )
                ids = list(result.scalars())
            if changes:
                await db.execute(update(RoomVisit), changes)
        return [(row_id, row["left_at"]) for row_id, row in zip(ids, rows, strict=True)]

    async def _existing(self, stays: list[Stay]) -> list[Stay]:
        if not stays:
            return stays
        async with self.sessionmaker() as db:
            sessions = set(
                await db.scalars(select(Session.id).where(Session.id.in_({s.session_id for s in stays})))
            )
            users = set(await db.scalars(select(User.id).where(User.id.in_({s.user_id for s in stays}))))
        return [s for s in stays if s.session_id in sessions and s.user_id in users]

    def _requeue(self, new: list[Stay], ended: list[Stay]) -> None:
        self._new[:0] = new
        self._ended[:0] = ended

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                # Shielded: stopping must not cut a write short (a commit that went through but looks
                # cancelled would be written twice); `stop` waits for it, then writes what is left.
                await asyncio.shield(self.flush())
            except Exception:
                # The database is away or busy: the stays stay buffered and go with the next flush.
                log.exception("room visits: %s change(s) not written yet", self.pending)
