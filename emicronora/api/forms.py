"""The API's query parameters checked. Every bad parameter is a `BadParameter` whose reason names it; unknown
parameters are ignored and an empty value means "no filter", so that a plain HTML form can drive the API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from emicronora.api.openapi import MAX_PARAMETER_LENGTH
from emicronora.i18n import _
from emicronora.models import SESSION_KINDS
from emicronora.programme.domain import STATUS_LABELS

SESSION_STATUSES = tuple(STATUS_LABELS)
# date.fromisoformat also takes 20200922 and week dates; the API promises exactly YYYY-MM-DD.
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(ValueError):
    """A query parameter the API refuses (a 400), with the reason for the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Parameters(Protocol):
    """A query string with repeated keys, as Starlette's QueryParams."""

    def getlist(self, key: Any) -> list[Any]: ...


@dataclass(frozen=True)
class SessionFilters:
    day: date | None
    theme: str | None
    kind: str | None
    status: str | None


def session_filters(params: Parameters) -> SessionFilters:
    """The filters of /api/sessions, checked in this order: the first bad one is the one reported."""
    return SessionFilters(
        day=date_parameter(params, "day"),
        theme=parameter(params, "theme"),
        kind=choice(params, "kind", SESSION_KINDS),
        status=choice(params, "status", SESSION_STATUSES),
    )


def parameter(params: Parameters, name: str) -> str | None:
    values: list[str] = params.getlist(name)
    if len(values) > 1:
        # Which of two values wins is arbitrary; saying so beats silently picking one.
        raise BadParameter(_("%(name)s is given more than once.", name=name))
    value = values[0] if values else ""
    if len(value) > MAX_PARAMETER_LENGTH:
        raise BadParameter(
            _("%(name)s is longer than %(max)s characters.", name=name, max=MAX_PARAMETER_LENGTH)
        )
    return value or None


def choice(params: Parameters, name: str, choices: tuple[str, ...]) -> str | None:
    value = parameter(params, name)
    if value is not None and value not in choices:
        raise BadParameter(_("%(name)s must be one of: %(choices)s.", name=name, choices=", ".join(choices)))
    return value


def date_parameter(params: Parameters, name: str) -> date | None:
    value = parameter(params, name)
    if value is None:
        return None
    try:
        if DATE_PATTERN.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise BadParameter(_("%(name)s must be a date written YYYY-MM-DD, such as 2020-09-22.", name=name))
