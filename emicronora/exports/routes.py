"""The exports' URL table: their pages under /organiser (and the B2B organiser pages' meeting file, which is
the meetings export)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.exports import views

organiser_routes: list[BaseRoute] = [
    Route("/exports", views.exports_page, methods=["GET"]),
    Route("/exports/csv/{kind:str}", views.download_csv, methods=["GET"]),
    Route("/exports/jobs", views.start_job, methods=["POST"]),
    Route("/exports/jobs/{job_id:int}", views.job_page, methods=["GET"]),
    Route("/exports/jobs/{job_id:int}/progress", views.job_progress, methods=["GET"]),
    Route("/exports/jobs/{job_id:int}/download", views.job_download, methods=["GET"]),
    Route("/exports/programme/{day_id:int}", views.printable_programme, methods=["GET"]),
    Route("/b2b/meetings.csv", views.meetings_csv, methods=["GET"]),
]
