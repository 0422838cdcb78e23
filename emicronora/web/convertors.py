"""Path parameters that the database can hold.

Ids are 32-bit integers in PostgreSQL: a path such as `/organiser/people/99999999999` would otherwise reach
the driver and fail with a 500. Starlette's `int` convertor is replaced, for every route, by one that turns
a number too large for the column into 0, which no row has (ids start at 1): each handler then answers its
own "not found", as for any other unknown id."""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor

from emicronora.models.base import MAX_ROW_ID


class DatabaseIdConvertor(IntegerConvertor):
    def convert(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ROW_ID else 0


# Routes compile their paths when they are built, at import: this runs first (from emicronora/__init__.py).
register_url_convertor("int", DatabaseIdConvertor())
