"""The calendar's URL table: the feeds and downloads, and the organiser's exports (`organiser_routes`,
relative to the /organiser mount, listed on the console's exports page)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.calendar import views

routes: list[BaseRoute] = [
    Route("/calendar", views.feeds_page, methods=["GET"]),
    Route("/calendar/personal/replace", views.replace_personal_feed, methods=["POST"]),
    Route("/calendar/programme.ics", views.programme_feed, methods=["GET"]),
    Route("/calendar/days/{day}.ics", views.day_feed, methods=["GET"]),
    Route("/calendar/themes/{slug}.ics", views.theme_feed, methods=["GET"]),
    Route("/calendar/u/{token}.ics", views.personal_feed, methods=["GET"]),
    Route("/sessions/{session_id:int}/calendar.ics", views.session_file, methods=["GET"]),
]

organiser_routes: list[BaseRoute] = [
    Route("/exports/programme.ics", views.organiser_programme_ics, methods=["GET"]),
    Route("/exports/agendas.{format:str}", views.organiser_agendas, methods=["GET"]),
]
