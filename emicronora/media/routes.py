"""Stored files (uploaded videos, posters, logos, photos). The URL table."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.media import views

routes: list[BaseRoute] = [Route("/media/{key}", views.serve, methods=["GET", "HEAD"])]
