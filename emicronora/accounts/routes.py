"""The accounts area's URL table: registration, login, one's account, the links sent by mail."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from emicronora.accounts.views import account, login, recovery

routes: list[BaseRoute] = [
    Route("/register", login.register, methods=["GET", "POST"]),
    Route("/login", login.login, methods=["GET", "POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    Route("/account", account.account, methods=["GET"]),
    Route("/account/password", account.change_password, methods=["POST"]),
    Route("/lang", account.set_language, methods=["POST"]),
    Route("/account/confirm/{token}", recovery.confirm, methods=["GET", "POST"]),
    Route("/account/forgot", recovery.forgot, methods=["GET", "POST"]),
    Route("/account/reset/{token}", recovery.reset, methods=["GET", "POST"]),
]
