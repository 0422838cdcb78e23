"""The live area's URL table: the room socket, and the organiser's announcements (under /organiser)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route, WebSocketRoute

from emicronora.live import views

routes: list[BaseRoute] = [
    WebSocketRoute("/ws/rooms/{session_id:int}", views.room_socket),
]

organiser_routes: list[BaseRoute] = [
    Route("/announcements", views.announcements_page, methods=["GET", "POST"]),
]
