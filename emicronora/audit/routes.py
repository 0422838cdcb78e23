"""The audit area's URL table: the log, under /organiser."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.audit import views

organiser_routes: list[BaseRoute] = [Route("/audit", views.audit_log, methods=["GET"])]
