"""Local search on breaks. Two moves: put one meeting in a free slot where its two participants' agendas
get fewer breaks; swap the slots of two meetings of one participant (its own agenda stays, its two partners'
change). The set of scheduled meetings stays the same, so the weight does too.

Each participant's agenda is a bit mask over the slots; a day's breaks are its runs of busy slots minus one,
`popcount(day & ~(day << 1)) - 1`, so that a move is judged in constant time. It is the cheap first pass
of the breaks phase on large fairs, before the neighbourhoods of `scheduler.b2b_lns`.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter

from scheduler.b2b_instance import Instance

FLAT_ROUNDS = 8
"""Rounds of sideways moves without improvement before the search gives up."""


def day_breaks(day_mask: int) -> int:
    return (day_mask & ~(day_mask << 1)).bit_count() - 1 if day_mask else 0


class _Agendas:
    def __init__(self, instance: Instance, plan: list[int]) -> None:
        self.instance = instance
        self.mask = [0] * instance.n_participants
        self.used = [0] * instance.n_slots
        for m, t in enumerate(plan):
            if t >= 0:
                a, b = instance.ends[m]
                self.mask[a] |= 1 << t
                self.mask[b] |= 1 << t
                self.used[t] += 1
        self.day_bits = [((1 << len(day)) - 1) << day.start for day in instance.days]
        self.breaks = [self.participant_breaks(self.mask[p]) for p in range(instance.n_participants)]

    def participant_breaks(self, mask: int) -> int:
        return sum(
            day_breaks((mask & bits) >> day.start)
            for day, bits in zip(self.instance.days, self.day_bits, strict=True)
        )

    def days_breaks(self, mask: int, days: set[int]) -> int:
        return sum(day_breaks((mask & self.day_bits[d]) >> self.instance.days[d].start) for d in days)


def polish_breaks(
    instance: Instance,
    plan: list[int],
    *,
    deadline: float,
    stop: threading.Event | None = None,
    seed: int = 0,
    fairness: int | None = None,
) -> tuple[list[int], int]:
    """Improving moves until none is left, the deadline passes or `stop` is set; returns the plan and the
    breaks saved."""
    stop = stop or threading.Event()
    rng = random.Random(seed)
    agendas = _Agendas(instance, plan)
    plan = list(plan)
    spread = Counter(agendas.breaks)
    saved = 0
    improved = True
    flat_rounds = 0
    order = [m for m, t in enumerate(plan) if t >= 0 and instance.locked[m] is None]
    while flat_rounds < FLAT_ROUNDS and time.monotonic() < deadline and not stop.is_set():
        # a round without improvement moves sideways (to slots as good as the current one), to leave
        # the plateau; the breaks never go up
        sideways = not improved
        flat_rounds = flat_rounds + 1 if sideways else 0
        improved = False
        rng.shuffle(order)
        for count, m in enumerate(order):
            if count % 256 == 0 and (time.monotonic() >= deadline or stop.is_set()):
                break
            gain = _best_move(instance, agendas, plan, m, spread, fairness, rng if sideways else None)
            if gain > 0:
                saved += gain
                improved = True
        for p in rng.sample(range(instance.n_participants), instance.n_participants):
            if time.monotonic() >= deadline or stop.is_set():
                break
            gain = _best_swap(instance, agendas, plan, p, spread, fairness)
            if gain > 0:
                saved += gain
                improved = True
    return plan, saved


def _best_move(
    instance: Instance,
    agendas: _Agendas,
    plan: list[int],
    m: int,
    spread: Counter[int],
    fairness: int | None,
    sideways: random.Random | None = None,
) -> int:
    """Move m to the slot that saves most breaks (if any saves one; with `sideways`, else at random to one
    that saves none); returns the breaks saved."""
    t = plan[m]
    a, b = instance.ends[m]
    mask_a, mask_b = agendas.mask[a], agendas.mask[b]
    bit = 1 << t
    base_a, base_b = mask_a & ~bit, mask_b & ~bit
    day_t = instance.day_of[t]
    best_gain, best_slot, best_breaks = 0, -1, (0, 0)
    level: list[tuple[int, tuple[int, int]]] = []
    for s in instance.candidates[m]:
        if s == t or (base_a | base_b) >> s & 1:
            continue
        capacity = instance.capacity[s]
        if capacity is not None and agendas.used[s] >= capacity:
            continue
        if any(0 <= plan[k] >= s for k in instance.before[m]) or any(
            0 <= plan[k] <= s for k in instance.after[m]
        ):
            continue
        days = {day_t, instance.day_of[s]}
        new_a, new_b = base_a | 1 << s, base_b | 1 << s
        before = agendas.days_breaks(mask_a, days) + agendas.days_breaks(mask_b, days)
        after = agendas.days_breaks(new_a, days) + agendas.days_breaks(new_b, days)
        gain = before - after
        if gain == 0 and sideways is not None and best_slot < 0:
            level.append(
                (
                    s,
                    (
                        agendas.breaks[a]
                        - agendas.days_breaks(mask_a, days)
                        + agendas.days_breaks(new_a, days),
                        agendas.breaks[b]
                        - agendas.days_breaks(mask_b, days)
                        + agendas.days_breaks(new_b, days),
                    ),
                )
            )
        if gain > best_gain:
            breaks_a = (
                agendas.breaks[a] - agendas.days_breaks(mask_a, days) + agendas.days_breaks(new_a, days)
            )
            breaks_b = (
                agendas.breaks[b] - agendas.days_breaks(mask_b, days) + agendas.days_breaks(new_b, days)
            )
            if fairness is not None and not _fair(spread, agendas, a, b, breaks_a, breaks_b, fairness):
                continue
            best_gain, best_slot, best_breaks = gain, s, (breaks_a, breaks_b)
    if best_slot < 0 and level and sideways is not None and sideways.random() < 0.5:
        best_slot, best_breaks = sideways.choice(level)
        if fairness is not None and not _fair(spread, agendas, a, b, *best_breaks, fairness):
            return 0
    if best_slot < 0:
        return 0
    for p, value in ((a, best_breaks[0]), (b, best_breaks[1])):
        spread[agendas.breaks[p]] -= 1
        spread[value] += 1
        agendas.breaks[p] = value
    agendas.mask[a] = base_a | 1 << best_slot
    agendas.mask[b] = base_b | 1 << best_slot
    agendas.used[t] -= 1
    agendas.used[best_slot] += 1
    plan[m] = best_slot
    return best_gain


def _best_swap(
    instance: Instance, agendas: _Agendas, plan: list[int], p: int, spread: Counter[int], fairness: int | None
) -> int:
    """Swap the slots of two meetings of p when that saves its partners breaks; returns the breaks saved."""
    mine = [m for m in instance.meetings_of[p] if plan[m] >= 0 and instance.locked[m] is None]
    for i, m in enumerate(mine):
        t = plan[m]
        q = instance.ends[m][0] if instance.ends[m][1] == p else instance.ends[m][1]
        for k in mine[i + 1 :]:
            s = plan[k]
            r = instance.ends[k][0] if instance.ends[k][1] == p else instance.ends[k][1]
            if q == r or agendas.mask[q] >> s & 1 or agendas.mask[r] >> t & 1:
                continue
            if s not in instance.candidates[m] or t not in instance.candidates[k]:
                continue
            if instance.before[m] or instance.after[m] or instance.before[k] or instance.after[k]:
                continue
            days = {instance.day_of[t], instance.day_of[s]}
            new_q = agendas.mask[q] & ~(1 << t) | 1 << s
            new_r = agendas.mask[r] & ~(1 << s) | 1 << t
            old_q, old_r = (
                agendas.days_breaks(agendas.mask[q], days),
                agendas.days_breaks(agendas.mask[r], days),
            )
            gain = old_q + old_r - agendas.days_breaks(new_q, days) - agendas.days_breaks(new_r, days)
            if gain <= 0:
                continue
            breaks_q = agendas.breaks[q] - old_q + agendas.days_breaks(new_q, days)
            breaks_r = agendas.breaks[r] - old_r + agendas.days_breaks(new_r, days)
            if fairness is not None and not _fair(spread, agendas, q, r, breaks_q, breaks_r, fairness):
                continue
            for who, value in ((q, breaks_q), (r, breaks_r)):
                spread[agendas.breaks[who]] -= 1
                spread[value] += 1
                agendas.breaks[who] = value
            agendas.mask[q], agendas.mask[r] = new_q, new_r
            plan[m], plan[k] = s, t
            return gain
    return 0


def _fair(
    spread: Counter[int], agendas: _Agendas, a: int, b: int, new_a: int, new_b: int, bound: int
) -> bool:
    trial = Counter(spread)
    for p, value in ((a, new_a), (b, new_b)):
        trial[agendas.breaks[p]] -= 1
        trial[value] += 1
    values = [v for v, c in trial.items() if c > 0]
    return max(values) - min(values) <= bound
