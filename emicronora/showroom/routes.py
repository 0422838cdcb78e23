"""Exhibitor showrooms: company pages, the directory, innovations, team and leads. The URL table.

`routes` are the public and exhibitor-area paths; `organiser_routes` are mounted under /organiser."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.showroom.views import display, exhibitor, leads, organiser, team

AREA = "/exhibitor-area"
INNOVATION = AREA + "/innovations/{innovation_id:int}"

routes: list[BaseRoute] = [
    Route("/exhibitors", display.directory, methods=["GET"]),
    Route("/exhibitors/{slug:str}", display.showroom, methods=["GET"]),
    Route("/exhibitors/{slug:str}/contact", display.contact, methods=["POST"]),
    Route(AREA + "/showroom", exhibitor.edit_showroom, methods=["GET", "POST"]),
    Route(AREA + "/innovations/new", exhibitor.new_innovation, methods=["GET", "POST"]),
    Route(INNOVATION + "/edit", exhibitor.edit_innovation, methods=["GET", "POST"]),
    Route(INNOVATION + "/delete", exhibitor.delete_innovation, methods=["POST"]),
    Route(INNOVATION + "/move", exhibitor.move_innovation, methods=["POST"]),
    Route(AREA + "/team", team.team, methods=["GET"]),
    Route(AREA + "/team/invite", team.invite, methods=["POST"]),
    Route(AREA + "/team/members/{user_id:int}/remove", team.remove_member, methods=["POST"]),
    Route(AREA + "/team/invitations/{invitation_id:int}/revoke", team.revoke_invitation, methods=["POST"]),
    Route("/invitations/{token:str}", team.invitation, methods=["GET", "POST"]),
    Route(AREA + "/leads", leads.lead_list, methods=["GET"]),
    Route(AREA + "/leads.csv", leads.leads_csv, methods=["GET"]),
]

organiser_routes: list[BaseRoute] = [
    Route("/showrooms", organiser.showroom_list, methods=["GET"]),
    Route("/showrooms/{company_id:int}/edit", exhibitor.edit_showroom, methods=["GET", "POST"]),
    Route("/showrooms/{company_id:int}/approve", organiser.set_approval, methods=["POST"]),
    Route("/showrooms/{company_id:int}/unapprove", organiser.set_approval, methods=["POST"]),
]
