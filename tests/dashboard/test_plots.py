"""The SVG plots: well-formed, accessible, one mark per data point, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from emicronora.dashboard.plots import Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - markup made by the code under test


def marks(svg: ET.Element) -> list[ET.Element]:
    return [el for el in svg.iter() if "mark" in (el.get("class") or "").split()]


def test_bar_chart_is_an_accessible_image_with_one_bar_per_value() -> None:
    svg = parse(
        bar_chart(
            "plot-x",
            "Leads <per> exhibitor",
            "Contact requests & more",
            ["Alpha <script>alert(1)</script>", "Beta & Co"],
            [Series("Leads", [3, 0]), Series("Views", [1, 7])],
        )
    )
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "plot-x-title plot-x-desc"
    assert svg.find(f"{SVG}title").text == "Leads <per> exhibitor"
    assert svg.find(f"{SVG}desc").text == "Contact requests & more"
    bars = marks(svg)
    assert [(bar.tag, bar.get("data-value")) for bar in bars] == [
        (f"{SVG}rect", v) for v in ("3", "1", "0", "7")
    ]
    # The largest value spans the whole bar area; a zero draws nothing; others are proportional.
    widths = [float(bar.get("width")) for bar in bars]
    assert widths[3] == max(widths) and widths[2] == 0
    assert widths[0] == pytest.approx(widths[3] * 3 / 7, abs=0.1)
    assert bars[0].find(f"{SVG}title").text == "Alpha <script>alert(1)</script> · Leads: 3"
    assert "<script>" not in str(bar_chart("p", "t", "d", ["<script>"], [Series("s", [1])]))


@pytest.mark.parametrize("count", [1, 2, 96])
def test_line_chart_has_one_dot_per_point_of_each_series(count: int) -> None:
    labels = [f"h{i}" for i in range(count)]
    svg = parse(
        line_chart(
            "plot-y",
            "Activity",
            "Per hour",
            labels,
            [Series("Chat", list(range(count))), Series("Questions", [0] * count)],
        )
    )
    dots = marks(svg)
    assert len(dots) == 2 * count
    assert [dot.get("data-value") for dot in dots[:count]] == [str(i) for i in range(count)]
    # Higher values are drawn higher (smaller y); a flat zero series lies on the axis.
    if count > 1:
        assert float(dots[count - 1].get("cy")) < float(dots[0].get("cy"))
    assert len({dot.get("cy") for dot in dots[count:]}) == 1
    assert len(svg.findall(f".//{SVG}polyline")) == 2


def test_plots_of_nothing_but_zeros_are_still_drawn() -> None:
    svg = parse(line_chart("z", "t", "d", ["a", "b"], [Series("s", [0, 0])]))
    assert len(marks(svg)) == 2
    svg = parse(bar_chart("z", "t", "d", ["a"], [Series("s", [0])]))
    assert marks(svg)[0].get("width") == "0"
