"""The people area's URL table: its pages under /organiser."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.people import views

PEOPLE = "/people"
PERSON = PEOPLE + "/{user_id:int}"

organiser_routes: list[BaseRoute] = [
    Route(PEOPLE, views.people_list, methods=["GET"]),
    Route(PEOPLE + "/exhibitors", views.exhibitors_page, methods=["GET"]),
    Route(PEOPLE + "/exhibitors/{company_id:int}/approve", views.approve_exhibitor, methods=["POST"]),
    Route(PERSON, views.person_page, methods=["GET"]),
    Route(PERSON + "/organiser/grant", views.account_action, methods=["POST"]),
    Route(PERSON + "/organiser/revoke", views.account_action, methods=["POST"]),
    Route(PERSON + "/enable", views.account_action, methods=["POST"]),
    Route(PERSON + "/disable", views.account_action, methods=["POST"]),
    Route(PERSON + "/moderation", views.appoint_moderator, methods=["POST"]),
    Route(PERSON + "/moderation/{session_id:int}/remove", views.remove_moderator, methods=["POST"]),
]
