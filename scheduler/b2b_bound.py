"""An upper bound on the weight any schedule can reach: a max-weight b-matching, solved as a min-cost flow.

Forget the slots: each participant p can take at most b(p) meetings, where b(p) is its cap and at most the
number of slots it could use at all; each slot holds at most its tables. The heaviest set of meetings within
those limits weighs at least as much as any schedule.

When the meetings form a bipartite graph (buyers meet suppliers), the flow runs from one side to the other
and its optimum is an integral b-matching: the bound is exact for this relaxation and the matched meetings
are a good set to schedule first. Otherwise the flow runs on the bipartite double cover (a left and a right
copy of each participant, each meeting as two arcs) and half its value is the fractional b-matching bound,
which is the LP relaxation of the same limits.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ortools.graph.python import min_cost_flow

from scheduler.b2b_instance import Instance


@dataclass(frozen=True, slots=True)
class WeightBound:
    weight: int
    """No schedule weighs more."""
    matched: frozenset[int]
    """Meetings in the flow's optimum (for a non-bipartite graph: those carried by both arcs)."""
    exact_relaxation: bool
    """True when the graph is bipartite, so that `matched` itself respects every participant's limit."""


def participant_limits(instance: Instance) -> list[int]:
    """b(p): the cap, and at most the number of distinct slots p's meetings could take."""
    usable: list[set[int]] = [set() for _ in range(instance.n_participants)]
    for m, (a, b) in enumerate(instance.ends):
        usable[a].update(instance.candidates[m])
        usable[b].update(instance.candidates[m])
    limits = []
    for p in range(instance.n_participants):
        limit = len(usable[p])
        cap = instance.cap[p]
        limits.append(limit if cap is None else min(limit, cap))
    return limits


def weight_bound(instance: Instance) -> WeightBound:
    meetings = [m for m in range(instance.n_meetings) if instance.candidates[m]]
    if not meetings:
        return WeightBound(0, frozenset(), True)
    limits = participant_limits(instance)
    side = _two_colouring(instance, meetings)
    tables = None
    if all(c is not None for c in instance.capacity):
        tables = sum(c for c in instance.capacity if c is not None)

    flow = min_cost_flow.SimpleMinCostFlow()
    n = instance.n_participants
    source, sink, hub = 0, 1, 2
    left = 3
    right = left + n if side is None else left
    units = 1 if side is not None else 2
    total = sum(limits)
    flow.add_arc_with_capacity_and_unit_cost(source, sink, units * total, 0)
    flow.add_arc_with_capacity_and_unit_cost(
        source, hub, units * (total if tables is None else min(total, tables)), 0
    )
    for p in range(n):
        if side is None or side[p] == 0:
            flow.add_arc_with_capacity_and_unit_cost(hub, left + p, limits[p], 0)
        if side is None or side[p] == 1:
            flow.add_arc_with_capacity_and_unit_cost(right + p, sink, limits[p], 0)
    arcs: list[tuple[int, int]] = []
    for m in meetings:
        a, b = instance.ends[m]
        w = instance.weight[m]
        if side is not None:
            if side[a] == 1:
                a, b = b, a
            arcs.append((m, flow.add_arc_with_capacity_and_unit_cost(left + a, right + b, 1, -w)))
        else:
            arcs.append((m, flow.add_arc_with_capacity_and_unit_cost(left + a, right + b, 1, -w)))
            arcs.append((m, flow.add_arc_with_capacity_and_unit_cost(left + b, right + a, 1, -w)))
    flow.set_node_supply(source, units * total)
    flow.set_node_supply(sink, -units * total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"the b-matching flow did not solve (status {status})")
    carried: dict[int, int] = {}
    for m, arc in arcs:
        carried[m] = carried.get(m, 0) + flow.flow(arc)
    weight = -flow.optimal_cost()
    matched = frozenset(m for m, f in carried.items() if f >= units)
    return WeightBound(weight // units, matched, side is not None)


def _two_colouring(instance: Instance, meetings: list[int]) -> list[int] | None:
    """A side (0 or 1) per participant so that every meeting joins both sides, or None if there is none."""
    neighbours: list[list[int]] = [[] for _ in range(instance.n_participants)]
    for m in meetings:
        a, b = instance.ends[m]
        neighbours[a].append(b)
        neighbours[b].append(a)
    side = [-1] * instance.n_participants
    for root in range(instance.n_participants):
        if side[root] >= 0:
            continue
        side[root] = 0
        queue = deque([root])
        while queue:
            p = queue.popleft()
            for q in neighbours[p]:
                if side[q] < 0:
                    side[q] = 1 - side[p]
                    queue.append(q)
                elif side[q] == side[p]:
                    return None
    return side
