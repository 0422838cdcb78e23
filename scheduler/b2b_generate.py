"""Synthetic fairs shaped like real brokerage events, for benchmarks and tests.

Two fifths of the participants are buyers, the rest suppliers; every request joins a buyer and a supplier.
Popularity is skewed as in real events: suppliers are picked with Zipf-like weights (a few get many
requests) and buyers' activity is skewed the same way, more mildly. Slots form days of eight (four in the
morning, four in the afternoon) unless told otherwise. Each participant is away for a fraction of the slots,
in short runs (a call, a plant visit); most requests may take any slot, some ask for the morning or the
afternoon; weights 1-3 with 1 the most common. Everything follows from the seed.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable

from scheduler.b2b_data import B2BProblem, Half, Meeting, Participant, Slot, Window


def generate_fair(
    participants: int,
    requests: int,
    slots: int,
    *,
    unavailable: float = 0.15,
    cap: int | None = 16,
    slots_per_day: int = 8,
    buyers_share: float = 0.4,
    tables: int | None = None,
    seed: int = 0,
    time_limit_s: float = 10.0,
) -> B2BProblem:
    if participants < 2:
        raise ValueError("a fair needs at least two participants")
    if not 0 <= unavailable < 1:
        raise ValueError("unavailable is a fraction in [0, 1)")
    rng = random.Random(seed)
    n_buyers = max(1, min(participants - 1, round(participants * buyers_share)))
    n_suppliers = participants - n_buyers
    if requests > n_buyers * n_suppliers:
        raise ValueError(
            f"at most {n_buyers * n_suppliers} distinct requests between {participants} participants"
        )

    slot_list = []
    for t in range(slots):
        day, position = divmod(t, slots_per_day)
        half = Half.MORNING if position < (slots_per_day + 1) // 2 else Half.AFTERNOON
        slot_list.append(Slot(id=f"d{day + 1}s{position + 1}", day=day + 1, half=half, capacity=tables))

    people = []
    for index in range(participants):
        kind = "b" if index < n_buyers else "s"
        number = index + 1 if kind == "b" else index - n_buyers + 1
        away = _away(rng, slots, unavailable)
        people.append(
            Participant(
                id=f"{kind}{number}",
                unavailable=frozenset(slot_list[t].id for t in away),
                max_meetings=cap,
            )
        )

    buyer_pick = _skewed_picker(rng, n_buyers, exponent=0.2)
    supplier_pick = _skewed_picker(rng, n_suppliers, exponent=0.3)
    pairs: set[tuple[int, int]] = set()
    meetings: list[Meeting] = []
    while len(meetings) < requests:
        pair = (buyer_pick(), n_buyers + supplier_pick())
        if pair in pairs:
            continue
        pairs.add(pair)
        roll = rng.random()
        window = Window.ANY if roll < 0.7 else Window.MORNING if roll < 0.85 else Window.AFTERNOON
        weight = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
        meetings.append(
            Meeting(
                id=len(meetings) + 1,
                participants=(people[pair[0]].id, people[pair[1]].id),
                window=window,
                weight=weight,
            )
        )
    return B2BProblem(
        participants=tuple(people),
        slots=tuple(slot_list),
        meetings=tuple(meetings),
        time_limit_s=time_limit_s,
        seed=seed,
    )


def _away(rng: random.Random, slots: int, fraction: float) -> set[int]:
    """Slots a participant is away: runs of one to three slots until `fraction` of them is covered."""
    target = round(slots * fraction)
    away: set[int] = set()
    while len(away) < target:
        start = rng.randrange(slots)
        for t in range(start, min(slots, start + rng.randint(1, 3))):
            if len(away) < target:
                away.add(t)
    return away


def _skewed_picker(rng: random.Random, n: int, *, exponent: float) -> Callable[[], int]:
    """Draws 0..n-1 with weight 1 / (rank + 1) ** exponent, ranks shuffled so that ids carry no order."""
    ranks = list(range(n))
    rng.shuffle(ranks)
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in ranks))
    total = cumulative[-1]
    return lambda: min(n - 1, bisect.bisect_left(cumulative, rng.random() * total))
