"""The one CSV writer: a cell a spreadsheet app would run as a formula is quoted, wherever its formula sign
hides (behind blanks, quotes or a full-width sign); numbers stay numbers and plain text stays as it is."""

from __future__ import annotations

import csv
import io

import pytest

from emicronora.spreadsheets import csv_bytes, safe_cell


@pytest.mark.parametrize(
    "value",
    [
        " =1+1",
        '   =HYPERLINK("http://evil.example","clic")',
        "\u00a0=1+1",
        "\u3000+1",
        "\"=cmd|' /C calc'!A0\"",
        "'=1+1",
        " '@SUM(A1:A9)",
        "`-2+3",
        "\n=1+1",
        "\x00=1+1",
        "\x00plain",
        "\nplain",
        "＝1+1",
        "＋33 1 23",
        "－1",
        "＠evil",
    ],
)
def test_a_formula_sign_behind_blanks_quotes_or_in_full_width_is_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["Métrologie", "a=1", "R&D - laser", "", "   ", "« citation »", "100 µm", "x@example.org"],
)
def test_plain_text_is_kept_as_it_is(value: str) -> None:
    assert safe_cell(value) == value


def test_numbers_stay_numbers_and_text_cells_are_quoted_in_the_file() -> None:
    body = csv_bytes(["n", "x", "text"], [[-3, -2.5, "  =1+1"], [7, 0.25, "\u00a0-2+3"]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["n", "x", "text"], ["-3", "-2.5", "'  =1+1"], ["7", "0.25", "'\u00a0-2+3"]]
