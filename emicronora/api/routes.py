"""The API's URL table, relative to its /api mount."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.api import views

routes: list[BaseRoute] = [
    Route("/days", views.days, methods=["GET"]),
    Route("/themes", views.themes, methods=["GET"]),
    Route("/sessions", views.sessions, methods=["GET"]),
    Route("/sessions/{session_id:int}", views.session_detail, methods=["GET"]),
    Route("/speakers", views.speakers, methods=["GET"]),
    Route("/speakers/{speaker_id:int}", views.speaker_detail, methods=["GET"]),
    Route("/openapi.json", views.openapi_document, methods=["GET"]),
]
