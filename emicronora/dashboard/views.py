"""The dashboard's handlers: the figures for a period, and the live tile's JSON (polled by the page)."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from emicronora.dashboard import charts, queries
from emicronora.dashboard.forms import read_period
from emicronora.dashboard.live import live_now
from emicronora.web.context import require_organiser, sessionmaker_of, settings_of
from emicronora.web.templating import render

TEMPLATE = "dashboard/dashboard.html"
LIVE_URL = "/organiser/dashboard/live.json"
# What the page's script waits between two polls of the live tile.
LIVE_EVERY_SECONDS = 15


async def dashboard(request: Request) -> Response:
    require_organiser(request)
    tz = settings_of(request).tz
    form, period = read_period(request.query_params, tz)
    context = {
        "form": form,
        "live_url": LIVE_URL,
        "live_every": LIVE_EVERY_SECONDS,
        "request_labels": charts.REQUEST_STATE_LABELS,
    }
    if period is None:
        return render(request, TEMPLATE, {**context, "dash": None}, 400)
    dash = await queries.load(sessionmaker_of(request), period, datetime.now(UTC))
    return render(request, TEMPLATE, {**context, "dash": dash, "plots": charts.plots(dash, tz)})


async def live_json(request: Request) -> Response:
    require_organiser(request)
    now = datetime.now(UTC)
    async with sessionmaker_of(request)() as db:
        figures = await live_now(db, now)
    return JSONResponse({**figures.as_json(), "at": now.isoformat()}, headers={"Cache-Control": "no-store"})
