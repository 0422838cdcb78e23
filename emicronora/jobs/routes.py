"""The jobs area's URL table: the organisers' list of background jobs, and the health check."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.jobs import views

routes: list[BaseRoute] = [Route("/health", views.health, methods=["GET"])]
organiser_routes: list[BaseRoute] = [
    Route("/jobs", views.jobs_page, methods=["GET"]),
    Route("/jobs/{job_id:int}/retry", views.retry_job, methods=["POST"]),
    Route("/jobs/{job_id:int}/cancel", views.cancel_job, methods=["POST"]),
]
