"""The shared reader of the organiser's date filters, with each caller's words and limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from emicronora import periods
from emicronora.dashboard import forms as dashboard_period
from emicronora.exports import forms as exports_period
from emicronora.forms import Form
from emicronora.i18n import current_locale
from tests.conftest import PARIS


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


@pytest.mark.parametrize("value", ["20200922", "2020-W39-2", "2020-266", "２０２０-09-22", " "])
def test_only_dates_written_yyyy_mm_dd_are_read(value: str) -> None:
    form = periods.query_form({"from": value})
    period = periods.read_period(form, PARIS, exports_period.RULES)
    if value.strip():
        assert form.errors == {"from": "Enter a date as YYYY-MM-DD."}
    else:
        assert form.ok
    assert period.first is None


def test_query_form_cuts_long_values_and_ignores_other_names() -> None:
    form = periods.query_form({"from": "2020-09-22" + "x" * 100, "kind": "leads"})
    assert form.values == {"from": "2020-09-22" + "x" * 10, "to": ""}


def test_the_dashboard_bounds_the_number_of_days() -> None:
    form, period = dashboard_period.read_period({"from": "2020-01-01", "to": "2020-12-31"}, PARIS)
    assert form.ok and period is not None
    assert (period.first, period.last) == (date(2020, 1, 1), date(2020, 12, 31))
    form, period = dashboard_period.read_period({"from": "2020-01-01", "to": "2021-01-01"}, PARIS)
    assert (form.errors, period) == ({"to": "Choose at most 366 days."}, None)


def test_the_exports_take_any_length_and_keep_the_period_of_a_wrong_form() -> None:
    form = Form(values={"from": "2000-01-01", "to": "2100-12-31"})
    assert exports_period.read_period(form, PARIS).is_bounded and form.ok
    form = Form(values={"from": "2020-09-22", "to": "2101-01-01"})
    period = exports_period.read_period(form, PARIS)
    assert form.errors == {"to": "Enter a date between 2000 and 2100."}
    assert (period.first, period.last) == (date(2020, 9, 22), None)
