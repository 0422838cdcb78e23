from __future__ import annotations

from collections import Counter

import pytest

from scheduler.b2b_generate import generate_fair
from scheduler.b2b_json import problem_from_json, problem_to_json


def test_generate_fair_has_the_requested_shape() -> None:
    fair = generate_fair(100, 600, 32, unavailable=0.25, cap=12, seed=7)
    assert (len(fair.participants), len(fair.meetings), len(fair.slots)) == (100, 600, 32)
    assert {slot.day for slot in fair.slots} == {1, 2, 3, 4}
    assert Counter(slot.half for slot in fair.slots) == {"morning": 16, "afternoon": 16}
    assert all(len(p.unavailable) == 8 and p.max_meetings == 12 for p in fair.participants)
    pairs = [m.participants for m in fair.meetings]
    assert len(set(pairs)) == 600
    assert all(a.startswith("b") and b.startswith("s") for a, b in pairs)
    assert {m.weight for m in fair.meetings} == {1, 2, 3}
    assert {m.window for m in fair.meetings} == {"any", "morning", "afternoon"}


def test_generate_fair_is_skewed_and_follows_the_seed() -> None:
    fair = generate_fair(300, 2400, 32, seed=1)
    per_supplier = Counter(b for _, b in (m.participants for m in fair.meetings))
    assert max(per_supplier.values()) >= 3 * (2400 / 180)
    assert generate_fair(300, 2400, 32, seed=1) == fair
    assert generate_fair(300, 2400, 32, seed=2) != fair


def test_generate_fair_round_trips_through_json() -> None:
    fair = generate_fair(20, 60, 8, seed=3, tables=5)
    assert problem_from_json(problem_to_json(fair)) == fair


def test_generate_fair_rejects_too_many_requests() -> None:
    with pytest.raises(ValueError, match="at most 6 distinct requests"):
        generate_fair(5, 7, 8)
