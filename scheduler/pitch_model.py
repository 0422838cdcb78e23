"""The CP-SAT model of the pitch programme: variables, then one builder per constraint family, then the
objective.

Decision variables: `assign[pitch, slot]` is true when the pitch takes that slot. They exist only for the
candidate slots of the analysis (the pitch's theme, its speaker free; the locked slot alone for a locked
pitch), so theme routing and speaker webinars need no constraint of their own.

Objective, maximised, with weights large enough to make it lexicographic:
1. the placed pitches, each weighted by its priority;
2. minus the same-sector neighbours: consecutive pitches of one sector in a session's running order;
3. minus the sum of the slot indexes taken: every session fills from its first slot, so its running order
   has no hole unless a webinar or a lock forces one, and the pitches of a theme spread over its sessions.
Neighbours are counted across empty slots, so that a hole never pays for itself by separating two sectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.pitch_analysis import PitchAnalysis
from scheduler.pitch_data import Id, PitchProblem, SlotRef

Assign = Mapping[tuple[Id, SlotRef], cp_model.IntVar]


@dataclass(frozen=True, slots=True)
class PitchModel:
    model: cp_model.CpModel
    assign: Assign


def build_pitch_model(problem: PitchProblem, analysis: PitchAnalysis) -> PitchModel:
    model = cp_model.CpModel()
    assign = new_assignment_vars(model, analysis)
    add_one_slot_per_pitch(model, assign)
    add_one_pitch_per_slot(model, assign)
    add_locks(model, assign, analysis)
    add_company_no_overlap(model, assign, problem, analysis)
    neighbours = add_same_sector_neighbours(model, assign, problem, analysis)
    set_objective(model, assign, neighbours, problem, analysis)
    return PitchModel(model=model, assign=assign)


def new_assignment_vars(model: cp_model.CpModel, analysis: PitchAnalysis) -> Assign:
    """One boolean per (pitch, candidate slot)."""
    return {
        (pitch_id, ref): model.new_bool_var(f"assign[{pitch_id},{ref.session_id},{ref.slot_index}]")
        for pitch_id, refs in analysis.candidates.items()
        for ref in refs
    }


def add_one_slot_per_pitch(model: cp_model.CpModel, assign: Assign) -> None:
    """A pitch takes at most one slot."""
    for variables in _group(assign, by_pitch=True).values():
        model.add_at_most_one(variables)


def add_one_pitch_per_slot(model: cp_model.CpModel, assign: Assign) -> None:
    """A slot holds at most one pitch."""
    for variables in _group(assign, by_pitch=False).values():
        model.add_at_most_one(variables)


def add_locks(model: cp_model.CpModel, assign: Assign, analysis: PitchAnalysis) -> None:
    """A pitch whose lock holds takes its locked slot (the analysis already refused the locks that cannot)."""
    for pitch_id, ref in analysis.locks.items():
        model.add(assign[pitch_id, ref] == 1)


def add_company_no_overlap(
    model: cp_model.CpModel, assign: Assign, problem: PitchProblem, analysis: PitchAnalysis
) -> None:
    """Two pitches of one company never overlap in time, in any sessions.

    Any two overlapping slots both contain the later one's start, so one at-most-one per start instant, over
    the company's candidate slots covering that instant, forbids every overlapping pair.
    """
    company = {pitch.id: pitch.company for pitch in problem.pitches}
    by_company: dict[Id, list[tuple[Id, SlotRef]]] = {}
    for key in assign:
        by_company.setdefault(company[key[0]], []).append(key)
    for keys in by_company.values():
        if len({pitch_id for pitch_id, _ in keys}) < 2:
            continue
        seen: set[frozenset[tuple[Id, SlotRef]]] = set()
        for instant in sorted({analysis.slots[ref].starts_at for _, ref in keys}):
            covering = [
                (pitch_id, ref)
                for pitch_id, ref in keys
                if analysis.slots[ref].starts_at <= instant < analysis.slots[ref].ends_at
            ]
            clique = frozenset(covering)
            if len({pitch_id for pitch_id, _ in covering}) > 1 and clique not in seen:
                seen.add(clique)
                model.add_at_most_one(assign[key] for key in covering)


def add_same_sector_neighbours(
    model: cp_model.CpModel, assign: Assign, problem: PitchProblem, analysis: PitchAnalysis
) -> list[cp_model.IntVar]:
    """Follow each session's running order slot by slot, for every sector that two of its candidate
    pitches share, and return one `neighbour[k, sector]` boolean per slot k after the first of that sector:
    true when slot k holds the sector and so did the latest pitch before it (empty slots carry it over).

    `latest[k, sector]` stands for "the latest pitch at or before slot k is of this sector":
        latest[k] >= holds[k]                  slot k holds the sector
        latest[k] >= latest[k-1] - used[k]     an empty slot carries the previous pitch's sector over
        neighbour[k] >= holds[k] + latest[k-1] - 1
    Lower bounds are enough: the objective pushes the neighbours, hence the `latest` booleans, down.
    """
    sector = {pitch.id: pitch.sector for pitch in problem.pitches}
    load: dict[SlotRef, list[cp_model.IntVar]] = {}
    of_sector: dict[tuple[Id, str], dict[int, list[cp_model.IntVar]]] = {}
    pitches_of_sector: dict[tuple[Id, str], set[Id]] = {}
    for (pitch_id, ref), variable in assign.items():
        load.setdefault(ref, []).append(variable)
        pitch_sector = sector[pitch_id]
        if pitch_sector is not None:
            key = (ref.session_id, pitch_sector)
            of_sector.setdefault(key, {}).setdefault(ref.slot_index, []).append(variable)
            pitches_of_sector.setdefault(key, set()).add(pitch_id)

    neighbours: list[cp_model.IntVar] = []
    for (session_id, pitch_sector), per_slot in of_sector.items():
        if len(pitches_of_sector[session_id, pitch_sector]) < 2:
            continue
        latest: cp_model.IntVar | None = None
        for index in range(min(per_slot), max(per_slot) + 1):
            name = f"{session_id},{index},{pitch_sector}"
            holds = cp_model.LinearExpr.sum(per_slot.get(index, []))
            if latest is not None and index in per_slot:
                neighbour = model.new_bool_var(f"neighbour[{name}]")
                model.add(neighbour >= holds + latest - 1)
                neighbours.append(neighbour)
            if index == max(per_slot):
                break
            current = model.new_bool_var(f"latest[{name}]")
            model.add(current >= holds)
            if latest is not None:
                used = cp_model.LinearExpr.sum(load.get(SlotRef(session_id, index), []))
                model.add(current >= latest - used)
            latest = current
    return neighbours


def set_objective(
    model: cp_model.CpModel,
    assign: Assign,
    neighbours: list[cp_model.IntVar],
    problem: PitchProblem,
    analysis: PitchAnalysis,
) -> None:
    """Maximise placements, then minimise neighbours, then slot indexes (see the module docstring).

    Each weight exceeds the largest possible total of everything below it: the slot indexes add up to at most
    `index_max`, and a session of n slots has at most n - 1 neighbours.
    """
    counts: dict[Id, int] = {}
    for ref in analysis.slots:
        counts[ref.session_id] = counts.get(ref.session_id, 0) + 1
    index_max = sum(n * (n - 1) // 2 for n in counts.values())
    neighbours_max = sum(n - 1 for n in counts.values())
    neighbour_weight = index_max + 1
    place_weight = neighbour_weight * (neighbours_max + 1)

    priority = {pitch.id: pitch.priority for pitch in problem.pitches}
    variables = list(assign.values())
    gains = [place_weight * priority[pitch_id] - ref.slot_index for pitch_id, ref in assign]
    model.maximize(
        cp_model.LinearExpr.weighted_sum(variables, gains)
        - neighbour_weight * cp_model.LinearExpr.sum(neighbours)
    )


def _group(assign: Assign, *, by_pitch: bool) -> dict[object, list[cp_model.IntVar]]:
    groups: dict[object, list[cp_model.IntVar]] = {}
    for (pitch_id, ref), variable in assign.items():
        groups.setdefault(pitch_id if by_pitch else ref, []).append(variable)
    return groups
