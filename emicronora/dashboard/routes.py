"""The dashboard's URL table: its pages under /organiser."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.dashboard import views

organiser_routes: list[BaseRoute] = [
    Route("/dashboard", views.dashboard, methods=["GET"]),
    Route("/dashboard/live.json", views.live_json, methods=["GET"]),
]
