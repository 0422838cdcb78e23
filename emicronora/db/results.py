"""What a write statement tells back."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched (`execute` is typed as giving rows, not a cursor)."""
    return cast("CursorResult[Any]", result).rowcount or 0
