"""create_app(settings): routes, middleware, lifespan (engine, sessionmaker, templates)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from emicronora import db
from emicronora.accounts.routes import routes as account_routes
from emicronora.api.routes import routes as api_routes
from emicronora.audit.routes import organiser_routes as audit_organiser_routes
from emicronora.b2b.marketplace.routes import routes as b2b_marketplace_routes
from emicronora.b2b.meetings.routes import organiser_routes as b2b_meeting_organiser_routes
from emicronora.b2b.meetings.routes import routes as b2b_meeting_routes
from emicronora.b2b.scheduling.routes import organiser_routes as b2b_scheduling_organiser_routes
from emicronora.calendar.routes import organiser_routes as calendar_organiser_routes
from emicronora.calendar.routes import routes as calendar_routes
from emicronora.dashboard.routes import organiser_routes as dashboard_organiser_routes
from emicronora.exports.routes import organiser_routes as export_organiser_routes
from emicronora.jobs.routes import organiser_routes as job_organiser_routes
from emicronora.jobs.routes import routes as job_routes
from emicronora.live.broadcast import create_broadcast
from emicronora.live.hub import RoomHub
from emicronora.live.routes import organiser_routes as live_organiser_routes
from emicronora.live.routes import routes as live_routes
from emicronora.live.visits import VisitRecorder
from emicronora.mail.routes import organiser_routes as mail_organiser_routes
from emicronora.mail.routes import routes as mail_routes
from emicronora.media.routes import routes as media_routes
from emicronora.media.storage import LocalStorage
from emicronora.organiser.routes import organiser_routes
from emicronora.people.routes import organiser_routes as people_organiser_routes
from emicronora.pitches.routes import organiser_routes as pitch_organiser_routes
from emicronora.pitches.routes import routes as pitch_routes
from emicronora.programme.routes import organiser_routes as programme_organiser_routes
from emicronora.programme.routes import routes as programme_routes
from emicronora.settings import PROJECT_ROOT, Settings
from emicronora.showroom.routes import organiser_routes as showroom_organiser_routes
from emicronora.showroom.routes import routes as showroom_routes
from emicronora.videos.routes import large_bodies as video_large_bodies
from emicronora.videos.routes import routes as video_routes
from emicronora.web import accesslog
from emicronora.web.errors import EXCEPTION_HANDLERS
from emicronora.web.middleware import (
    BodyLimitMiddleware,
    CSRFMiddleware,
    LargeBody,
    SecurityHeadersMiddleware,
    VisitorMiddleware,
)
from emicronora.web.templating import create_templates

# One line per area. An area's URL table is its routes.py: `routes`, and `organiser_routes` for its pages
# under /organiser, written relative to that mount.
PUBLIC_ROUTES: list[BaseRoute] = [
    *programme_routes,
    *account_routes,
    *mail_routes,
    *calendar_routes,
    *live_routes,
    *media_routes,
    *showroom_routes,
    *video_routes,
    *pitch_routes,
    *b2b_marketplace_routes,
    *b2b_meeting_routes,
    *job_routes,
]
ORGANISER_ROUTES: list[BaseRoute] = [
    *organiser_routes,
    *programme_organiser_routes,
    *calendar_organiser_routes,
    *showroom_organiser_routes,
    *pitch_organiser_routes,
    *dashboard_organiser_routes,
    *export_organiser_routes,
    *audit_organiser_routes,
    *people_organiser_routes,
    *mail_organiser_routes,
    *live_organiser_routes,
    *b2b_meeting_organiser_routes,
    *b2b_scheduling_organiser_routes,
    *job_organiser_routes,
]

# The public routes whose request body may pass the general cap (max_body_bytes), each up to its own.
LARGE_BODIES: list[LargeBody] = [*video_large_bodies]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    templates = create_templates(settings)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        # Under any uvicorn (the Procfile's too), once it has set up its loggers: no token in its access log.
        accesslog.install()
        engine = db.create_engine(settings.database_url)
        sessionmaker = db.create_sessionmaker(engine)
        hub = RoomHub(
            sessionmaker, create_broadcast(settings.broadcast_url, channel=settings.broadcast_channel)
        )
        await hub.start()
        visits = VisitRecorder(sessionmaker, hub.writing)
        visits.start()
        try:
            yield {
                "settings": settings,
                "engine": engine,
                "sessionmaker": sessionmaker,
                "templates": templates,
                "hub": hub,
                "visits": visits,
                "media": LocalStorage(settings.media_dir),
            }
        finally:
            await hub.stop()
            # After the server has closed the sockets: their stays end in this last write.
            await visits.stop()
            await engine.dispose()

    routes = [
        *PUBLIC_ROUTES,
        # Every organiser page of every area, under one mount: each area lists its own, relative to it.
        Mount("/organiser", routes=ORGANISER_ROUTES),
        Mount("/api", routes=api_routes),
        Mount("/static", app=StaticFiles(directory=PROJECT_ROOT / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeadersMiddleware, settings=settings),
        Middleware(BodyLimitMiddleware, settings=settings, larger=LARGE_BODIES),
        Middleware(CSRFMiddleware, settings=settings),
        Middleware(VisitorMiddleware),
    ]
    return Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
