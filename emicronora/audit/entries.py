"""What an audit entry holds: who acted, and the details of a change as a person reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from emicronora.models import User

# Details are for a person reading the log, not a copy of the data: long texts are cut.
MAX_DETAIL_TEXT = 200

Detail = str | int | float | bool | None | list[Any]


@dataclass(frozen=True)
class Actor:
    """Who did it: the user (None from the command line) and the address the action came from."""

    user: User | None
    ip: str = ""


def _plain(value: object) -> Detail:
    """A JSON-safe, short form of a value: ids and flags as they are, dates in ISO, the rest as text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    text = str(value)
    return text if len(text) <= MAX_DETAIL_TEXT else text[: MAX_DETAIL_TEXT - 1] + "…"


def plain_details(details: Mapping[str, object]) -> dict[str, Detail]:
    return {key: _plain(value) for key, value in details.items()}


def changes(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, Detail]:
    """{field: [before, after]} for the fields that differ; a new object (empty `before`) lists its values."""
    if not before:
        return {key: _plain(value) for key, value in after.items() if value not in ("", None)}
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in {**before, **after}
        if before.get(key) != after.get(key)
    }


def detail_lines(details: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, "before → after") or (field, value) pairs, for the page."""
    lines = []
    for key, value in sorted(details.items()):
        if isinstance(value, list) and len(value) == 2:
            lines.append((key, f"{_shown(value[0])} → {_shown(value[1])}"))
        else:
            lines.append((key, _shown(value)))
    return lines


def _shown(value: object) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value)
    return str(value)
