"""The URL table of the B2B meetings: a participant's requests, availability and agenda, and the organisers'
settings and approvals (under /organiser)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.b2b.meetings.views import organiser, participant

routes: list[BaseRoute] = [
    Route(participant.REQUESTS_PAGE, participant.requests_page, methods=["GET"]),
    Route(participant.NEW_REQUEST_PAGE, participant.new_request, methods=["GET", "POST"]),
    Route(
        participant.REQUESTS_PAGE + "/{request_id:int}/accept", participant.accept_request, methods=["POST"]
    ),
    Route(
        participant.REQUESTS_PAGE + "/{request_id:int}/decline", participant.decline_request, methods=["POST"]
    ),
    Route(
        participant.REQUESTS_PAGE + "/{request_id:int}/withdraw",
        participant.withdraw_request,
        methods=["POST"],
    ),
    Route(participant.AVAILABILITY_PAGE, participant.availability_page, methods=["GET", "POST"]),
    Route(participant.AGENDA_PAGE, participant.agenda_page, methods=["GET"]),
    Route("/b2b/meetings/{meeting_id:int}/book", participant.book_meeting, methods=["POST"]),
    Route("/b2b/meetings/{meeting_id:int}/cancel", participant.cancel_meeting, methods=["POST"]),
]
# Relative to the /organiser mount.
organiser_routes: list[BaseRoute] = [
    Route("/b2b/settings", organiser.settings_page, methods=["GET", "POST"]),
    Route("/b2b/approvals", organiser.approvals_page, methods=["GET"]),
    Route("/b2b/approvals/{request_id:int}/approve", organiser.approve_request, methods=["POST"]),
    Route("/b2b/approvals/{request_id:int}/refuse", organiser.refuse_request, methods=["POST"]),
]
