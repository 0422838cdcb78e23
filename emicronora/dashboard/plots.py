"""Server-rendered SVG plots: horizontal bars and lines, drawn with ElementTree so that every label is escaped
and the markup is well-formed. Each plot is an image with a title and a description (role="img"); every data
point is one element of class "mark" with its own <title>, which browsers show on hover; the page renders the
table behind each plot beside it. Colours and fonts come from the stylesheet (classes), since the
Content-Security-Policy allows no inline style."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 720
LABEL_WIDTH = 230
VALUE_ROOM = 60
BAR_HEIGHT = 14
ROW_GAP = 10
TOP = 28
LEGEND_HEIGHT = 22
LINE_HEIGHT = 260
LINE_LEFT = 48
LINE_BOTTOM = 40
MAX_X_LABELS = 8
MAX_LABEL_CHARS = 34


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]


def _short(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, title: str, description: str, height: int) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "class": "plot",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": str(WIDTH),
            "height": str(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "id": chart_id,
            "data-testid": "plot",
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = description
    return svg


def _legend(svg: ET.Element, series: Sequence[Series], y: int) -> None:
    if len(series) < 2:
        return
    x = LABEL_WIDTH
    for index, one in enumerate(series):
        group = ET.SubElement(svg, "g", {"class": f"legend series-{index}"})
        ET.SubElement(group, "rect", {"x": str(x), "y": str(y), "width": "12", "height": "12"})
        ET.SubElement(group, "text", {"x": str(x + 16), "y": str(y + 11)}).text = one.name
        x += 24 + 8 * len(one.name)


def _markup(svg: ET.Element) -> Markup:
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704 - built by ElementTree, which escapes


def bar_chart(
    chart_id: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """One row per label, one bar per series in each row; the value is written after each bar."""
    per_row = BAR_HEIGHT * len(series) + ROW_GAP
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    height = TOP + legend + per_row * len(labels) + 8
    svg = _svg(chart_id, title, description, height)
    _legend(svg, series, 4)
    top = max((max(one.values, default=0) for one in series), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - VALUE_ROOM) / top
    y = TOP + legend - 8
    for row, label in enumerate(labels):
        group = ET.SubElement(svg, "g", {"class": "row"})
        ET.SubElement(
            group,
            "text",
            {"class": "label", "x": str(LABEL_WIDTH - 8), "y": str(y + per_row // 2), "text-anchor": "end"},
        ).text = _short(label)
        for index, one in enumerate(series):
            value = one.values[row]
            bar_y = y + index * BAR_HEIGHT
            width = value * scale
            rect = ET.SubElement(
                group,
                "rect",
                {
                    "class": f"mark series-{index}",
                    "x": str(LABEL_WIDTH),
                    "y": str(bar_y),
                    "width": _fmt(max(width, 1 if value else 0)),
                    "height": str(BAR_HEIGHT - 2),
                    "data-value": str(value),
                },
            )
            ET.SubElement(rect, "title").text = f"{label} · {one.name}: {value}"
            ET.SubElement(
                group,
                "text",
                {"class": "value", "x": _fmt(LABEL_WIDTH + width + 4), "y": str(bar_y + BAR_HEIGHT - 3)},
            ).text = str(value)
        y += per_row
    return _markup(svg)


def line_chart(
    chart_id: str, title: str, description: str, labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """Points evenly spaced along x (hours or days), one line per series, a dot on every point."""
    legend = LEGEND_HEIGHT if len(series) > 1 else 0
    height = LINE_HEIGHT + legend
    svg = _svg(chart_id, title, description, height)
    _legend(svg, series, 4)
    top = max((max(one.values, default=0) for one in series), default=0) or 1
    plot_top = TOP + legend
    base = height - LINE_BOTTOM
    span = base - plot_top
    right = WIDTH - 16
    count = len(labels)
    step = (right - LINE_LEFT) / (count - 1) if count > 1 else 0

    def x_of(index: int) -> float:
        return LINE_LEFT + index * step if count > 1 else (LINE_LEFT + right) / 2

    def y_of(value: int) -> float:
        return base - value * span / top

    axes = ET.SubElement(svg, "g", {"class": "axes"})
    for value in (0, top):
        y = _fmt(y_of(value))
        ET.SubElement(
            axes, "line", {"class": "grid", "x1": str(LINE_LEFT), "x2": str(right), "y1": y, "y2": y}
        )
        ET.SubElement(
            axes, "text", {"class": "tick", "x": str(LINE_LEFT - 6), "y": y, "text-anchor": "end"}
        ).text = str(value)
    every = max(1, -(-count // MAX_X_LABELS))
    for index in range(0, count, every):
        # The last label ends at its point rather than overflowing the right edge.
        anchor = "end" if index == count - 1 and count > 1 else "middle"
        ET.SubElement(
            axes,
            "text",
            {"class": "tick", "x": _fmt(x_of(index)), "y": str(base + 18), "text-anchor": anchor},
        ).text = labels[index]
    for index, one in enumerate(series):
        group = ET.SubElement(svg, "g", {"class": f"series series-{index}"})
        points = " ".join(f"{_fmt(x_of(i))},{_fmt(y_of(v))}" for i, v in enumerate(one.values))
        ET.SubElement(group, "polyline", {"class": "line", "points": points, "fill": "none"})
        for i, value in enumerate(one.values):
            dot = ET.SubElement(
                group,
                "circle",
                {
                    "class": f"mark series-{index}",
                    "cx": _fmt(x_of(i)),
                    "cy": _fmt(y_of(value)),
                    "r": "3",
                    "data-value": str(value),
                },
            )
            ET.SubElement(dot, "title").text = f"{labels[i]} · {one.name}: {value}"
    return _markup(svg)
