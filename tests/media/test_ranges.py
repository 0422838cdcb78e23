"""Range headers: single ranges give their exact span, what cannot be satisfied is refused, anything else
means the whole file."""

from __future__ import annotations

import pytest

from emicronora.media.ranges import RangeNotSatisfiable, content_range, parse_range


@pytest.mark.parametrize(
    ("header", "span"),
    [
        ("bytes=0-", (0, 1000)),
        ("bytes=100-199", (100, 200)),
        ("bytes=-500", (500, 1000)),
        ("bytes=-5000", (0, 1000)),  # a suffix longer than the file is the whole file
        ("bytes=990-2000", (990, 1000)),  # the end is clipped to the file
        ("bytes=999-999", (999, 1000)),
        (" bytes = 10 - 19 ", (10, 20)),
    ],
)
def test_parse_range_gives_the_requested_span(header: str, span: tuple[int, int]) -> None:
    assert parse_range(header, 1000) == span


@pytest.mark.parametrize(
    "header",
    [None, "", "bytes=0-1,5-6", "bytes=200-100", "items=0-10", "bytes=-", "bytes=a-b", "bytes=0-10;x"],
)
def test_parse_range_ignores_what_it_does_not_serve(header: str | None) -> None:
    assert parse_range(header, 1000) is None


@pytest.mark.parametrize(
    ("header", "size"),
    [("bytes=1000-", 1000), ("bytes=5000-6000", 1000), ("bytes=-0", 1000), ("bytes=0-", 0), ("bytes=-10", 0)],
)
def test_parse_range_refuses_ranges_outside_the_file(header: str, size: int) -> None:
    with pytest.raises(RangeNotSatisfiable) as refused:
        parse_range(header, size)
    assert refused.value.size == size


def test_content_range_names_the_last_byte_inclusive() -> None:
    assert content_range(100, 200, 1000) == "bytes 100-199/1000"
