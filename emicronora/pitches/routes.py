"""Pitches: the exhibitors' proposals, their review and the pitch programme. The URL table.

`routes` are the exhibitor's; `organiser_routes` are mounted under /organiser."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.pitches.views import exhibitor, organiser

routes: list[BaseRoute] = [
    Route(exhibitor.EXHIBITOR_PAGE, exhibitor.exhibitor_pitches, methods=["GET", "POST"]),
]

organiser_routes: list[BaseRoute] = [
    Route("/pitches", organiser.organiser_pitches, methods=["GET"]),
    Route("/pitches/{proposal_id:int}/review", organiser.review_proposal, methods=["POST"]),
    Route("/pitches/calls/{theme_id:int}", organiser.toggle_call, methods=["POST"]),
    Route("/pitches/schedule", organiser.schedule, methods=["POST"]),
    Route("/pitches/runs/{job_id:int}/progress", organiser.schedule_progress, methods=["GET"]),
    Route("/pitches/publish", organiser.publish, methods=["POST"]),
    Route("/pitches/slots/{slot_id:int}/move", organiser.move_slot, methods=["POST"]),
    Route("/pitches/slots/{slot_id:int}/lock", organiser.lock_slot, methods=["POST"]),
]
