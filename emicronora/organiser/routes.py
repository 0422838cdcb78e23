"""The console's URL table, relative to the /organiser mount."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.organiser import views

organiser_routes: list[BaseRoute] = [
    Route("/", views.overview, methods=["GET"]),
]
