"""Exhibitor showrooms: company pages, the directory, innovations, team and leads. The URL table.

The organiser pages of this area are listed here, before the app's /organiser mount, as the calendar's are.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.showroom import editor, lead_pages, organiser_pages, pages, team_pages

routes: list[BaseRoute] = [
    Route("/exhibitors", pages.directory, methods=["GET"]),
    Route("/exhibitors/{slug:str}", pages.showroom, methods=["GET"]),
    Route("/exhibitors/{slug:str}/contact", pages.contact, methods=["POST"]),
    Route("/exhibitor-area/showroom", editor.edit_showroom, methods=["GET", "POST"]),
    Route("/exhibitor-area/innovations/new", editor.new_innovation, methods=["GET", "POST"]),
    Route(
        "/exhibitor-area/innovations/{innovation_id:int}/edit",
        editor.edit_innovation,
        methods=["GET", "POST"],
    ),
    Route(
        "/exhibitor-area/innovations/{innovation_id:int}/delete", editor.delete_innovation, methods=["POST"]
    ),
    Route("/exhibitor-area/innovations/{innovation_id:int}/move", editor.move_innovation, methods=["POST"]),
    Route("/exhibitor-area/team", team_pages.team, methods=["GET"]),
    Route("/exhibitor-area/team/invite", team_pages.invite, methods=["POST"]),
    Route("/exhibitor-area/team/members/{user_id:int}/remove", team_pages.remove_member, methods=["POST"]),
    Route(
        "/exhibitor-area/team/invitations/{invitation_id:int}/revoke",
        team_pages.revoke_invitation,
        methods=["POST"],
    ),
    Route("/invitations/{token:str}", team_pages.invitation, methods=["GET", "POST"]),
    Route("/exhibitor-area/leads", lead_pages.lead_list, methods=["GET"]),
    Route("/exhibitor-area/leads.csv", lead_pages.leads_csv, methods=["GET"]),
    Route("/organiser/showrooms", organiser_pages.showroom_list, methods=["GET"]),
    Route("/organiser/showrooms/{company_id:int}/edit", editor.edit_showroom, methods=["GET", "POST"]),
    Route("/organiser/showrooms/{company_id:int}/approve", organiser_pages.set_approval, methods=["POST"]),
    Route("/organiser/showrooms/{company_id:int}/unapprove", organiser_pages.set_approval, methods=["POST"]),
]
