"""Who acts in a request, as the audit log records them: the logged-in user and the address they came from."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from emicronora.audit.entries import Actor
from emicronora.web.context import client_ip, current_user


def actor_of(conn: HTTPConnection) -> Actor:
    return Actor(current_user(conn), client_ip(conn))
