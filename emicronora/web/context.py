"""Typed access to what the lifespan and the middleware put on each request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection

from emicronora.settings import Settings

if TYPE_CHECKING:
    from emicronora.media.storage import MediaStorage
    from emicronora.models import LoginSession, User


class LoginRequired(Exception):
    """Raised by a handler that needs a logged-in user; answered with a redirect to the login page."""


def settings_of(conn: HTTPConnection) -> Settings:
    return conn.state.settings


def sessionmaker_of(conn: HTTPConnection) -> async_sessionmaker[AsyncSession]:
    return conn.state.sessionmaker


def media_of(conn: HTTPConnection) -> MediaStorage:
    return conn.state.media


def current_user(conn: HTTPConnection) -> User | None:
    return getattr(conn.state, "user", None)


def current_login_session(conn: HTTPConnection) -> LoginSession | None:
    return getattr(conn.state, "login_session", None)


def require_user(conn: HTTPConnection) -> User:
    user = current_user(conn)
    if user is None:
        raise LoginRequired()
    return user


def require_organiser(conn: HTTPConnection) -> User:
    user = require_user(conn)
    if not user.is_organiser:
        raise HTTPException(status_code=403)
    return user


def client_ip(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else ""
