"""The URL table of the marketplace: the participants' directory and pages, one's own profile and its
offers and needs, suggested partners."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.b2b.marketplace.views import display, profile

routes: list[BaseRoute] = [
    Route("/b2b", display.marketplace_page, methods=["GET"]),
    Route("/b2b/profile", profile.edit_profile, methods=["GET", "POST"]),
    Route("/b2b/profile/items/new", profile.new_item, methods=["GET", "POST"]),
    Route("/b2b/profile/items/{item_id:int}/edit", profile.edit_item, methods=["GET", "POST"]),
    Route("/b2b/profile/items/{item_id:int}/delete", profile.delete_item, methods=["POST"]),
    Route("/b2b/participants/{profile_id:int}", display.participant_page, methods=["GET"]),
    Route("/b2b/suggestions", display.suggestions_page, methods=["GET"]),
]
