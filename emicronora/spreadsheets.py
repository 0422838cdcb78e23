"""CSV for spreadsheet apps: UTF-8 with a BOM (so that French accents open right) and formula-safe cells."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Spreadsheet apps run a cell that starts with a formula sign (CSV injection): such a cell is quoted."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
