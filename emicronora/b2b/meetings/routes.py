"""The URL table of the B2B meetings: a participant's requests, availability and agenda, and the organisers'
settings and approvals (under /organiser)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.b2b.meetings.views import manage, organiser

routes: list[BaseRoute] = [
    Route(manage.REQUESTS_PAGE, manage.requests_page, methods=["GET"]),
    Route(manage.NEW_REQUEST_PAGE, manage.new_request, methods=["GET", "POST"]),
    Route(manage.REQUESTS_PAGE + "/{request_id:int}/accept", manage.accept_request, methods=["POST"]),
    Route(manage.REQUESTS_PAGE + "/{request_id:int}/decline", manage.decline_request, methods=["POST"]),
    Route(manage.REQUESTS_PAGE + "/{request_id:int}/withdraw", manage.withdraw_request, methods=["POST"]),
    Route(manage.AVAILABILITY_PAGE, manage.availability_page, methods=["GET", "POST"]),
    Route(manage.AGENDA_PAGE, manage.agenda_page, methods=["GET"]),
    Route("/b2b/meetings/{meeting_id:int}/book", manage.book_meeting, methods=["POST"]),
    Route("/b2b/meetings/{meeting_id:int}/cancel", manage.cancel_meeting, methods=["POST"]),
]
# Relative to the /organiser mount.
organiser_routes: list[BaseRoute] = [
    Route("/b2b/settings", organiser.settings_page, methods=["GET", "POST"]),
    Route("/b2b/approvals", organiser.approvals_page, methods=["GET"]),
    Route("/b2b/approvals/{request_id:int}/approve", organiser.approve_request, methods=["POST"]),
    Route("/b2b/approvals/{request_id:int}/refuse", organiser.refuse_request, methods=["POST"]),
]
