"""The programme's URL table: the public pages and the personal agenda, and the organiser's pages that edit
the programme (`organiser_routes`, relative to the /organiser mount)."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.programme.views import agenda, display
from emicronora.programme.views.organiser import days, sessions, speakers, themes

routes: list[BaseRoute] = [
    Route("/", display.home, methods=["GET"]),
    Route("/programme", display.programme, methods=["GET"]),
    Route("/speakers", display.speakers, methods=["GET"]),
    Route("/sessions/{session_id:int}", display.session_detail, methods=["GET"]),
    Route("/sessions/{session_id:int}/star", agenda.toggle_star, methods=["POST"]),
    Route("/sessions/{session_id:int}/unstar", agenda.toggle_star, methods=["POST"]),
    Route("/agenda", agenda.agenda, methods=["GET"]),
]

organiser_routes: list[BaseRoute] = [
    Route("/sessions/new", sessions.edit_session, methods=["GET", "POST"]),
    Route("/sessions/{session_id:int}/edit", sessions.edit_session, methods=["GET", "POST"]),
    Route("/sessions/{session_id:int}/cancel", sessions.set_cancelled, methods=["POST"]),
    Route("/sessions/{session_id:int}/restore", sessions.set_cancelled, methods=["POST"]),
    Route("/sessions/{session_id:int}/move", sessions.move_session, methods=["POST"]),
    Route("/sessions/{session_id:int}/moderators", sessions.add_moderator, methods=["POST"]),
    Route(
        "/sessions/{session_id:int}/moderators/{user_id:int}/remove",
        sessions.remove_moderator,
        methods=["POST"],
    ),
    Route("/days/new", days.edit_day, methods=["GET", "POST"]),
    Route("/days/{day_id:int}/edit", days.edit_day, methods=["GET", "POST"]),
    Route("/days/{day_id:int}/cancel", days.set_cancelled, methods=["POST"]),
    Route("/days/{day_id:int}/restore", days.set_cancelled, methods=["POST"]),
    Route("/days/{day_id:int}/move", days.move_day, methods=["POST"]),
    Route("/days/{day_id:int}/delete", days.delete_day, methods=["POST"]),
    Route("/themes/new", themes.edit_theme, methods=["GET", "POST"]),
    Route("/themes/{theme_id:int}/edit", themes.edit_theme, methods=["GET", "POST"]),
    Route("/themes/{theme_id:int}/move", themes.move_theme, methods=["POST"]),
    Route("/themes/{theme_id:int}/delete", themes.delete_theme, methods=["POST"]),
    Route("/speakers/new", speakers.edit_speaker, methods=["GET", "POST"]),
    Route("/speakers/{speaker_id:int}/edit", speakers.edit_speaker, methods=["GET", "POST"]),
    Route("/speakers/{speaker_id:int}/move", speakers.move_speaker, methods=["POST"]),
    Route("/speakers/{speaker_id:int}/delete", speakers.delete_speaker, methods=["POST"]),
]
