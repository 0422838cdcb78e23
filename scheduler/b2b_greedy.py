"""The constructive schedule: fast, always available, and the solver's first hint.

Meetings are taken one at a time (locked ones first, then mandatory ones, then by the order the caller
gives, by default heaviest first) and put in the slot where both participants are free that adds the fewest
breaks, preferring a slot next to their other meetings. A meeting that finds no slot gets a second chance by
moving one meeting that blocks it to another free slot (an ejection of depth one).
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.b2b_instance import Instance


class PlanState:
    """A plan under construction: who is busy when, how full each slot is, how many meetings each has."""

    def __init__(self, instance: Instance, slot: Sequence[int] | None = None) -> None:
        self.instance = instance
        self.slot = [-1] * instance.n_meetings
        self.holder: list[dict[int, int]] = [{} for _ in range(instance.n_participants)]
        self.used = [0] * instance.n_slots
        self.count = [0] * instance.n_participants
        if slot is not None:
            for m, t in enumerate(slot):
                if t >= 0:
                    self.place(m, t)

    def place(self, m: int, t: int) -> None:
        a, b = self.instance.ends[m]
        self.slot[m] = t
        self.holder[a][t] = m
        self.holder[b][t] = m
        self.used[t] += 1
        self.count[a] += 1
        self.count[b] += 1

    def remove(self, m: int) -> None:
        t = self.slot[m]
        a, b = self.instance.ends[m]
        self.slot[m] = -1
        del self.holder[a][t]
        del self.holder[b][t]
        self.used[t] -= 1
        self.count[a] -= 1
        self.count[b] -= 1

    def has_room(self, t: int) -> bool:
        capacity = self.instance.capacity[t]
        return capacity is None or self.used[t] < capacity

    def under_cap(self, p: int) -> bool:
        cap = self.instance.cap[p]
        return cap is None or self.count[p] < cap

    def order_allows(self, m: int, t: int) -> bool:
        slot = self.slot
        return all(slot[k] < 0 or slot[k] < t for k in self.instance.before[m]) and all(
            slot[k] < 0 or slot[k] > t for k in self.instance.after[m]
        )

    def can_place(self, m: int, t: int) -> bool:
        a, b = self.instance.ends[m]
        return (
            t not in self.holder[a]
            and t not in self.holder[b]
            and self.has_room(t)
            and self.order_allows(m, t)
        )

    def added_breaks(self, p: int, t: int) -> int:
        """How many breaks participant p gains (or loses, negative) if it becomes busy at slot t."""
        busy = self.holder[p]
        day = self.instance.days[self.instance.day_of[t]]
        left_idle = t > day.start and (t - 1) not in busy
        right_idle = t + 1 < day.stop and (t + 1) not in busy
        earlier = any(s in busy for s in range(day.start, t))
        later = any(s in busy for s in range(t + 1, day.stop))
        if earlier and later:
            return int(left_idle) + int(right_idle) - 1
        if earlier:
            return int(left_idle)
        if later:
            return int(right_idle)
        return 0

    def adjacency(self, p: int, t: int) -> int:
        busy = self.holder[p]
        day = self.instance.days[self.instance.day_of[t]]
        return int(t > day.start and (t - 1) in busy) + int(t + 1 < day.stop and (t + 1) in busy)

    def best_slot(self, m: int) -> int:
        """The free slot for m that adds the fewest breaks, then touches most meetings, then comes first."""
        a, b = self.instance.ends[m]
        if not (self.under_cap(a) and self.under_cap(b)):
            return -1
        best, best_key = -1, None
        for t in self.instance.candidates[m]:
            if not self.can_place(m, t):
                continue
            key = (
                self.added_breaks(a, t) + self.added_breaks(b, t),
                -self.adjacency(a, t) - self.adjacency(b, t),
                t,
            )
            if best_key is None or key < best_key:
                best, best_key = t, key
        return best

    def eject_and_place(self, m: int) -> bool:
        """Place m by moving the meetings that block one of its slots elsewhere; True when it worked."""
        instance = self.instance
        a, b = instance.ends[m]
        if not (self.under_cap(a) and self.under_cap(b)):
            return False
        for t in instance.candidates[m]:
            if not self.has_room(t) or not self.order_allows(m, t):
                continue
            blockers = {self.holder[p][t] for p in (a, b) if t in self.holder[p]}
            if any(instance.locked[k] is not None for k in blockers):
                continue
            moves = []
            for k in blockers:
                self.remove(k)
                moves.append(k)
            targets: list[tuple[int, int]] = []
            for k in moves:
                target = next((s for s in instance.candidates[k] if s != t and self.can_place(k, s)), -1)
                if target < 0:
                    break
                self.place(k, target)
                targets.append((k, target))
            if len(targets) == len(moves) and self.can_place(m, t):
                self.place(m, t)
                return True
            for k, _ in targets:
                self.remove(k)
            for k in moves:
                self.place(k, t)
        return False


def greedy_plan(instance: Instance, order: Sequence[int] | None = None) -> list[int]:
    """A plan built meeting by meeting; `order` (default: heaviest and most constrained first) sets the turns.

    Locked meetings always go first, at their slot when it is free; mandatory meetings go before the rest.
    """
    state = PlanState(instance)
    for m, t in enumerate(instance.locked):
        if t is not None and t in instance.candidates[m] and state.can_place(m, t):
            state.place(m, t)
    if order is None:
        order = default_order(instance)
    rest = [m for m in order if instance.locked[m] is None]
    rest.sort(key=lambda m: not instance.mandatory[m])
    missed = []
    for m in rest:
        t = state.best_slot(m)
        if t >= 0:
            state.place(m, t)
        else:
            missed.append(m)
    for m in missed:
        state.eject_and_place(m)
    return state.slot


def default_order(instance: Instance) -> list[int]:
    """Heaviest first; then meetings of the busiest participants, grouped by participant, so that a busy
    participant's meetings are placed one after the other into one block; fewest candidates first."""
    degree = [len(ms) for ms in instance.meetings_of]

    def key(m: int) -> tuple[int, int, int, int]:
        a, b = instance.ends[m]
        hub = a if (degree[a], -a) >= (degree[b], -b) else b
        return (-instance.weight[m], -degree[hub], hub, len(instance.candidates[m]))

    return sorted(range(instance.n_meetings), key=key)
