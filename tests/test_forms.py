"""The shared Form: one-line fields lose line breaks and NUL, textareas keep their lines, ids stay bounded."""

from __future__ import annotations

import pytest

from emicronora.forms import Form


def test_a_one_line_field_loses_cr_lf_and_nul() -> None:
    form = Form(values={"name": " Zoé\r\nÉlectro\nnique\x00\r "})
    assert form.text("name", max_length=20) == "ZoéÉlectronique"
    assert form.ok


def test_a_textarea_keeps_its_lines_with_lf_and_loses_nul() -> None:
    form = Form(values={"abstract": "Ligne 1\r\nLigne 2\rLigne\x00 3\n\nFin\r\n"})
    assert form.text("abstract", max_length=100, multiline=True) == "Ligne 1\nLigne 2\nLigne 3\n\nFin"


def test_a_browser_textarea_at_its_maxlength_fits() -> None:
    # Browsers count a line break as one character for maxlength but send CRLF.
    form = Form(values={"message": "a\r\n" * 5 + "b"})
    assert form.text("message", max_length=11, multiline=True) == "a\n" * 5 + "b"
    assert form.ok


def test_a_field_of_only_nul_and_line_breaks_is_empty() -> None:
    form = Form(values={"title": "\x00\r\n\x00"})
    assert form.text("title", max_length=10) == ""
    assert list(form.errors) == ["title"]


@pytest.mark.parametrize(
    "raw",
    [
        "1180591620717411303424",
        "2147483648",
        "1," + "9" * 5000,
        "0",
        "-3",
        "1_000",
        "１２",
        "abc",
        "+4",
    ],
)
def test_ids_out_of_range_or_not_numbers_are_a_field_error(raw: str) -> None:
    form = Form(values={"speaker_ids": raw})
    form.ids("speaker_ids")
    assert list(form.errors) == ["speaker_ids"]


def test_ids_within_range_are_read_in_order() -> None:
    form = Form(values={"speaker_ids": " 3, 1,,2147483647 "})
    assert form.ids("speaker_ids") == [3, 1, 2147483647]
    assert form.ok
