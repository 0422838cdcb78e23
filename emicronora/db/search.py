"""Search that ignores case and accents, the same on SQLite and PostgreSQL.

Both databases have a function `em_fold(text)`: on PostgreSQL `lower(unaccent(text))`, created by a migration
with the `unaccent` extension; on SQLite a Python function registered on each connection (`db/engine.py`).
The searched text is folded in Python the same way, and SQLAlchemy's `autoescape` makes `%` and `_` in it
plain characters, so "metrologie" finds "Métrologie" and "50%" finds only "50%"."""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, cast, func, or_
from sqlalchemy.sql.expression import ColumnOperators

from emicronora.text import fold

FOLD_FUNCTION = "em_fold"


def folded(column: ColumnOperators) -> ColumnElement[str]:
    """The column lowercased without accents, in SQL."""
    fold_function: ColumnElement[str] = getattr(func, FOLD_FUNCTION)(column, type_=String)
    return fold_function


def contains_folded(column: ColumnOperators, text: str) -> ColumnElement[bool]:
    """The column contains `text`, ignoring case and accents."""
    return folded(column).contains(fold(text), autoescape=True)


def any_contains_folded(columns: list[ColumnOperators], text: str) -> ColumnElement[bool]:
    """One of the columns contains `text`, ignoring case and accents."""
    return or_(*(contains_folded(column, text) for column in columns))


def json_list_contains(column: ColumnOperators, value: str) -> ColumnElement[bool]:
    """A JSON list of slugs holds `value` as a whole element (slugs hold no quote or backslash).

    Matching the quoted value in the JSON text works alike on SQLite and PostgreSQL, which both keep
    json.dumps' output."""
    return cast(column, String).contains(f'"{value}"', autoescape=True)
