"""Changes to who may be in a room and what they may do there (a logout, a disabled account, a role given or
taken, a session cancelled), told to the open room sockets once the transaction that made them commits.

The domain operations that make such a change call `user_changed` or `session_cancelled` inside their
transaction; a rollback sends nothing. A notice only says whom, or which room, to look at again: each socket
of the person reads their login and rights again from the database, so a notice that comes twice, late or for
nothing costs a query and changes nothing else. The room hub of the worker (live/hub.py) is the sink: it acts
on its own sockets before the commit returns, and tells the other workers through the broadcast.

Sessions from a sessionmaker without a sink (the CLI, scripts) send nothing; their changes reach the sockets
at the sockets' periodic login check (live/client.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import object_session

from emicronora.models import Session

log = logging.getLogger("emicronora.live")
SINK = "emicronora.live.rights.sink"
_PENDING = "emicronora.live.rights.pending"
_LISTENING = "emicronora.live.rights.listening"


@dataclass(frozen=True)
class RightsNotice:
    # People whose login or rights changed: their sockets check both again.
    user_ids: frozenset[int] = frozenset()
    # Sessions cancelled: their rooms close for everyone.
    cancelled_rooms: frozenset[int] = frozenset()


class RightsSink(Protocol):
    def rights_changed(self, notice: RightsNotice) -> None:
        """Called synchronously, right after the commit, on the event loop."""


def attach(sessionmaker: async_sessionmaker[AsyncSession], sink: RightsSink) -> None:
    """Every session the sessionmaker makes from now on carries the sink in its `info`."""
    info = dict(sessionmaker.kw.get("info") or {})
    info[SINK] = sink
    sessionmaker.configure(info=info)


@dataclass
class _Pending:
    user_ids: set[int] = field(default_factory=set)
    cancelled_rooms: set[int] = field(default_factory=set)


def user_changed(db: AsyncSession | OrmSession, user_id: int) -> None:
    """The person logged out, lost their account, a role or a moderator seat, or got one."""
    pending = _pending(db.sync_session if isinstance(db, AsyncSession) else db)
    if pending is not None:
        pending.user_ids.add(user_id)


def session_cancelled(session: Session) -> None:
    """The session's room closes for everyone in it."""
    orm_session = object_session(session)
    pending = _pending(orm_session) if orm_session is not None else None
    if pending is not None:
        pending.cancelled_rooms.add(session.id)


def _pending(orm_session: OrmSession) -> _Pending | None:
    info = orm_session.info
    if SINK not in info:
        return None
    if not info.get(_LISTENING):
        info[_LISTENING] = True
        event.listen(orm_session, "after_commit", _committed)
        event.listen(orm_session, "after_rollback", _rolled_back)
    pending = info.get(_PENDING)
    if pending is None:
        pending = info[_PENDING] = _Pending()
    assert isinstance(pending, _Pending)
    return pending


def _committed(orm_session: OrmSession) -> None:
    pending = orm_session.info.pop(_PENDING, None)
    sink = orm_session.info.get(SINK)
    if not isinstance(pending, _Pending) or sink is None:
        return
    try:
        sink.rights_changed(RightsNotice(frozenset(pending.user_ids), frozenset(pending.cancelled_rooms)))
    except Exception:
        # The change is committed: the request that made it must not fail now; the sockets' periodic check
        # still catches a login that ended.
        log.exception("live: telling the rooms about changed rights failed")


def _rolled_back(orm_session: OrmSession) -> None:
    orm_session.info.pop(_PENDING, None)
