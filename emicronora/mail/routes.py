"""The mail area's URL table: a user's e-mail preferences, and the outbox under /organiser."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.mail import views

PREFERENCES = views.PREFERENCES_PAGE

routes: list[BaseRoute] = [
    Route(PREFERENCES, views.preferences, methods=["GET", "POST"]),
    Route(PREFERENCES + "/resume", views.resume, methods=["POST"]),
    Route(PREFERENCES + "/confirm", views.confirm_again, methods=["POST"]),
]
organiser_routes: list[BaseRoute] = [
    Route("/mail", views.organiser_page, methods=["GET"]),
    Route("/mail/{email_id:int}/retry", views.organiser_retry, methods=["POST"]),
]
