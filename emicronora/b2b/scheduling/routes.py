"""The URL table of the organiser's B2B scheduling pages, relative to the /organiser mount."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.b2b.scheduling import views

organiser_routes: list[BaseRoute] = [
    Route("/b2b", views.overview, methods=["GET"]),
    Route("/b2b/slots", views.slots_page, methods=["GET"]),
    Route("/b2b/slots", views.generate_slots, methods=["POST"]),
    Route("/b2b/slots/{slot_id:int}/delete", views.delete_slot, methods=["POST"]),
    Route("/b2b/schedule", views.schedule_page, methods=["GET"]),
    Route("/b2b/schedule", views.start_run, methods=["POST"]),
    Route("/b2b/runs/{run_id:int}", views.run_page, methods=["GET"]),
    Route("/b2b/runs/{run_id:int}/progress", views.run_progress, methods=["GET"]),
    Route("/b2b/runs/{run_id:int}/stop", views.stop_run, methods=["POST"]),
    Route("/b2b/meetings/{meeting_id:int}", views.meeting_page, methods=["GET"]),
    Route("/b2b/meetings/{meeting_id:int}/move", views.move_meeting, methods=["POST"]),
    Route("/b2b/meetings/{meeting_id:int}/unschedule", views.unschedule_meeting, methods=["POST"]),
    Route("/b2b/meetings/{meeting_id:int}/lock", views.lock_meeting, methods=["POST"]),
    Route("/b2b/publish", views.publish, methods=["POST"]),
]
