"""The console's overview page."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from emicronora.models import Session
from emicronora.programme import domain, queries
from emicronora.web.context import require_organiser, sessionmaker_of
from emicronora.web.templating import render


async def overview(request: Request) -> Response:
    """Every day, theme, session (by day, with its status) and speaker, with the actions on each."""
    require_organiser(request)
    now = datetime.now(UTC)
    async with sessionmaker_of(request)() as db:
        all_days = await queries.list_days(db)
        themes = await queries.list_themes(db)
        speakers = await queries.list_speakers(db)
        all_sessions = await queries.list_sessions(db)
    by_day: dict[int, list[Session]] = {}
    for session in all_sessions:
        by_day.setdefault(session.day_id, []).append(session)
    # A theme or a day still in use cannot be deleted; the counts tell the organiser why.
    theme_uses = Counter(day.theme_id for day in all_days) + Counter(s.theme_id for s in all_sessions)
    speaker_uses = Counter(speaker.id for s in all_sessions for speaker in s.speakers)
    cancelled = Counter(s.day_id for s in all_sessions if s.is_cancelled)
    return render(
        request,
        "organiser/overview.html",
        {
            "days": all_days,
            "themes": themes,
            "speakers": speakers,
            "grouped": [(day, by_day.get(day.id, [])) for day in all_days],
            "cancelled_per_day": cancelled,
            "theme_uses": theme_uses,
            "speaker_uses": speaker_uses,
            "status_of": lambda session: domain.session_status(session, now),
            "status_labels": domain.STATUS_LABELS,
            "kind_labels": domain.KIND_LABELS,
        },
    )
