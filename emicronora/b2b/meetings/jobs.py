"""The meeting requests' periodic job: pending requests past their expiry are marked expired every few
minutes, so that the organisers' figures and the participants' lists agree even when nobody opens a page
(the pages still apply the expiry themselves before reading)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from emicronora.b2b.meetings.operations import expire_requests
from emicronora.jobs.registry import JobContext, handler, periodic
from emicronora.models.base import utcnow


@handler("b2b.expire_requests")
async def expire(context: JobContext, _payload: dict[str, Any]) -> None:
    async with context.sessionmaker() as db, db.begin():
        await expire_requests(db, utcnow())


periodic("b2b.expire_requests", timedelta(minutes=5))
