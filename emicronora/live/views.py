"""The live room's socket handshake and the organiser's announcements page."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from emicronora import audit
from emicronora.forms import Form
from emicronora.live import client, operations, queries
from emicronora.live.events import ensure_room
from emicronora.live.hub import RoomHub
from emicronora.live.permissions import is_moderator
from emicronora.live.protocol import Caller
from emicronora.live.visits import VisitRecorder
from emicronora.settings import Settings
from emicronora.web.actors import actor_of
from emicronora.web.context import current_user, require_organiser, sessionmaker_of, settings_of
from emicronora.web.formdata import read_form
from emicronora.web.templating import render


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    """A page of another site must not open a socket with our visitor's cookie (cross-site hijacking)."""
    origin = websocket.headers.get("origin", "")
    if not origin:
        return False
    if origin.rstrip("/") == settings.site_origin:
        return True
    return urlsplit(origin).netloc == websocket.headers.get("host", "")


def _after(websocket: WebSocket) -> int | None:
    raw = websocket.query_params.get("after", "")
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


async def room_socket(websocket: WebSocket) -> None:
    """/ws/rooms/<session id>: a logged-in person of this site joins a session's room that is not
    cancelled; `?after=<seq>` resumes from the last event seen."""
    settings = settings_of(websocket)
    user = current_user(websocket)
    session_id: int = websocket.path_params["session_id"]
    if user is None or not origin_allowed(websocket, settings):
        await websocket.close(code=client.POLICY_VIOLATION)  # before accept: the handshake is answered 403
        return
    sessionmaker = sessionmaker_of(websocket)
    hub: RoomHub = websocket.state.hub
    visits: VisitRecorder = websocket.state.visits
    async with sessionmaker() as db, db.begin():
        session = await queries.room_session(db, session_id)
        if session is None or session.is_cancelled:
            await websocket.close(code=client.POLICY_VIOLATION)
            return
        if not hub.has_room(session_id):
            await ensure_room(db, session_id)
        moderator = await is_moderator(db, user, session_id)
    await websocket.accept()
    caller = Caller(user, moderator, session.ends_at)
    await client.take_part(websocket, hub, visits, user, session_id, caller, _after(websocket))


async def announcements_page(request: Request) -> Response:
    user = require_organiser(request)
    form = Form()
    sent = None
    async with sessionmaker_of(request)() as db:
        live_now = len(await queries.live_session_ids(db, datetime.now(UTC)))
    if request.method == "POST":
        form = await read_form(request)
        async with request.state.hub.writing(), sessionmaker_of(request)() as db, db.begin():
            events = await operations.announce(db, form, user, datetime.now(UTC))
            if events is not None:
                details = {"body": form.values.get("body", ""), "rooms": len(events)}
                await audit.record_action(
                    db, actor_of(request), "announcement.send", "announcement", "", details
                )
        if events is not None:
            await request.state.hub.publish(events)
            sent = len(events)
            form = Form()
    async with sessionmaker_of(request)() as db:
        recent = await queries.recent_announcements(db)
    status = 400 if form.errors else 200
    return render(
        request,
        "live/announcements.html",
        {"form": form, "sent": sent, "live_now": live_now, "recent": recent},
        status_code=status,
    )
