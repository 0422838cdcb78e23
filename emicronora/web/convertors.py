"""Path parameters that the database can hold.

Ids are 32-bit integers in PostgreSQL: a path such as `/organiser/people/99999999999` would otherwise reach
the driver and fail with a 500. Starlette's `int` convertor is replaced, for every route, by one that only
matches up to nine digits, so a larger number is simply a page that does not exist (404)."""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor


class DatabaseIdConvertor(IntegerConvertor):
    regex = "[0-9]{1,9}"


# Routes compile their paths when they are built, at import: this runs first (from emicronora/__init__.py).
register_url_convertor("int", DatabaseIdConvertor())
