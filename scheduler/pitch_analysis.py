"""Plain-Python reasoning around the pitch solve: the slots each pitch could take and the locks that hold
(before), and why a pitch got no slot and how many same-sector neighbours the running order has (after).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from scheduler.pitch_data import (
    Id,
    Interval,
    Param,
    Pitch,
    PitchProblem,
    PitchSession,
    SlotRef,
    Unplaced,
    UnplacedReason,
)


@dataclass(frozen=True, slots=True)
class PitchAnalysis:
    """What is known before the solve.

    `slots` lists every slot (sessions in input order, then slot index). `candidates` maps each pitch sent to
    the solver to the slots it may take: its theme's slots where its speaker is free, or just its slot when
    its lock holds (`locks`). `rejected` holds the pitches settled before the solve, `competing` the number
    of pitches of each theme sent to the solver.
    """

    slots: Mapping[SlotRef, Interval]
    theme_slots: Mapping[Id, tuple[SlotRef, ...]]
    candidates: Mapping[Id, tuple[SlotRef, ...]]
    locks: Mapping[Id, SlotRef]
    rejected: Mapping[Id, Unplaced]
    competing: Mapping[Id, int]


def analyse_pitches(problem: PitchProblem) -> PitchAnalysis:
    sessions = {session.id: session for session in problem.sessions}
    slots = {
        SlotRef(session.id, index): session.slot(index)
        for session in problem.sessions
        for index in range(session.slot_count)
    }
    theme_slots: dict[Id, list[SlotRef]] = {}
    for ref in slots:
        theme_slots.setdefault(sessions[ref.session_id].theme, []).append(ref)

    rejected: dict[Id, Unplaced] = {}
    locks = _valid_locks(problem, sessions, slots, rejected)
    candidates: dict[Id, tuple[SlotRef, ...]] = {}
    for pitch in problem.pitches:
        if pitch.id in rejected:
            continue
        if pitch.id in locks:
            candidates[pitch.id] = (locks[pitch.id],)
            continue
        refs = theme_slots.get(pitch.theme, [])
        if not refs:
            rejected[pitch.id] = _no_session_for_theme(pitch, problem)
            continue
        free = tuple(ref for ref in refs if not _speaker_busy(pitch, slots[ref]))
        if not free:
            rejected[pitch.id] = _unplaced(
                pitch,
                UnplacedReason.SPEAKER_ALWAYS_BUSY,
                f"the speaker is in a webinar during every one of the {len(refs)} slots of theme "
                f"{pitch.theme!r}",
                ("theme", pitch.theme),
                ("slots", len(refs)),
            )
            continue
        candidates[pitch.id] = free

    competing = Counter(pitch.theme for pitch in problem.pitches if pitch.id in candidates)
    return PitchAnalysis(
        slots=slots,
        theme_slots={theme: tuple(refs) for theme, refs in theme_slots.items()},
        candidates=candidates,
        locks=locks,
        rejected=rejected,
        competing=dict(competing),
    )


def _speaker_busy(pitch: Pitch, slot: Interval) -> bool:
    return any(busy.overlaps(slot) for busy in pitch.speaker_busy)


def _unplaced(pitch: Pitch, reason: UnplacedReason, detail: str, *params: Param) -> Unplaced:
    return Unplaced(pitch_id=pitch.id, reason_code=reason, detail=detail, params=params)


def _no_session_for_theme(pitch: Pitch, problem: PitchProblem) -> Unplaced:
    sessions = sum(1 for session in problem.sessions if session.theme == pitch.theme)
    detail = (
        f"the {sessions} session(s) of theme {pitch.theme!r} are shorter than one slot"
        if sessions
        else f"there is no pitch session for theme {pitch.theme!r}"
    )
    return _unplaced(pitch, UnplacedReason.NO_SESSION_FOR_THEME, detail, ("theme", pitch.theme))


def _valid_locks(
    problem: PitchProblem,
    sessions: Mapping[Id, PitchSession],
    slots: Mapping[SlotRef, Interval],
    rejected: dict[Id, Unplaced],
) -> dict[Id, SlotRef]:
    """Check every lock; the ones that cannot hold go to `rejected` and their pitches stay out.

    Locks are taken by priority, then input order: when two locks clash, the later one is refused.
    """
    order = sorted(
        ((index, pitch) for index, pitch in enumerate(problem.pitches) if pitch.locked is not None),
        key=lambda item: (-item[1].priority, item[0]),
    )
    accepted: dict[Id, SlotRef] = {}
    holder: dict[SlotRef, Pitch] = {}
    for _, pitch in order:
        ref = pitch.locked
        assert ref is not None
        where = f"locked to slot {ref.slot_index} of session {ref.session_id!r}"
        session = sessions.get(ref.session_id)
        refusal: tuple[str, str, tuple[Param, ...]] | None = None
        if session is None:
            refusal = ("unknown_session", f"locked to session {ref.session_id!r}, which does not exist", ())
        elif session.theme != pitch.theme:
            refusal = (
                "wrong_theme",
                f"{where}, a session of theme {session.theme!r}; the pitch is for theme {pitch.theme!r}",
                (("theme", pitch.theme), ("session_theme", session.theme)),
            )
        elif ref not in slots:
            refusal = (
                "slot_out_of_range",
                f"{where}, which has slots 0 to {session.slot_count - 1}",
                (("slots", session.slot_count),),
            )
        elif _speaker_busy(pitch, slots[ref]):
            refusal = ("speaker_busy", f"{where}, when the speaker is in a webinar", ())
        elif ref in holder:
            other = holder[ref]
            refusal = (
                "slot_taken",
                f"{where}, already locked for pitch {other.id!r}",
                (("other", other.id),),
            )
        else:
            for other_ref, other in holder.items():
                if other.company == pitch.company and slots[other_ref].overlaps(slots[ref]):
                    refusal = (
                        "company_clash",
                        f"{where}, which overlaps pitch {other.id!r} of the same company, also locked",
                        (("other", other.id),),
                    )
                    break
        if refusal is None:
            accepted[pitch.id] = ref
            holder[ref] = pitch
            continue
        cause, detail, extra = refusal
        rejected[pitch.id] = _unplaced(
            pitch,
            UnplacedReason.LOCK_INVALID,
            detail,
            ("cause", cause),
            ("session_id", ref.session_id),
            ("slot_index", ref.slot_index),
            *extra,
        )
    return accepted


def explain_unplaced(
    problem: PitchProblem, analysis: PitchAnalysis, placed: Mapping[Id, SlotRef]
) -> tuple[Unplaced, ...]:
    """Every pitch without a slot in `placed` (a solution), with the reason, in input order.

    A pitch the solver could have placed is `capacity` when every slot it could take holds another pitch,
    `company_clash` when each of those still free overlaps a placed pitch of its company, and `not_placed`
    otherwise (which only a solve stopped by the time limit leaves).
    """
    occupied = set(placed.values())
    by_company: dict[Id, list[tuple[Id, Interval]]] = {}
    for pitch in problem.pitches:
        if pitch.id in placed:
            by_company.setdefault(pitch.company, []).append((pitch.id, analysis.slots[placed[pitch.id]]))

    result: list[Unplaced] = []
    for pitch in problem.pitches:
        if pitch.id in placed:
            continue
        if pitch.id in analysis.rejected:
            result.append(analysis.rejected[pitch.id])
            continue
        free = [ref for ref in analysis.candidates[pitch.id] if ref not in occupied]
        if not free:
            slots = len(analysis.theme_slots[pitch.theme])
            competing = analysis.competing[pitch.theme]
            could = len(analysis.candidates[pitch.id])
            result.append(
                _unplaced(
                    pitch,
                    UnplacedReason.CAPACITY,
                    f"theme {pitch.theme!r} has {slots} slots for {competing} pitches; the {could} slot(s) "
                    "this pitch could take all hold other pitches",
                    ("theme", pitch.theme),
                    ("slots", slots),
                    ("pitches", competing),
                    ("candidate_slots", could),
                )
            )
            continue
        clashing = _company_pitches_in_the_way(free, by_company.get(pitch.company, []), analysis.slots)
        if clashing:
            names = ", ".join(repr(other) for other in clashing)
            result.append(
                _unplaced(
                    pitch,
                    UnplacedReason.COMPANY_CLASH,
                    f"every free slot this pitch could take overlaps pitch(es) {names} of the same company",
                    ("others", ", ".join(str(other) for other in clashing)),
                )
            )
            continue
        result.append(
            _unplaced(
                pitch, UnplacedReason.NOT_PLACED, "the solver stopped at its time limit before placing it"
            )
        )
    return tuple(result)


def _company_pitches_in_the_way(
    free: list[SlotRef], company_placed: list[tuple[Id, Interval]], slots: Mapping[SlotRef, Interval]
) -> list[Id]:
    """The company's placed pitches overlapping the free slots, or [] if one free slot overlaps none."""
    in_the_way: list[Id] = []
    for ref in free:
        others = [other_id for other_id, span in company_placed if span.overlaps(slots[ref])]
        if not others:
            return []
        in_the_way.extend(other for other in others if other not in in_the_way)
    return in_the_way


def unplaced_without_solution(
    problem: PitchProblem, analysis: PitchAnalysis, detail: str
) -> tuple[Unplaced, ...]:
    """Every pitch, when the solver returned no schedule: verdicts reached before the solve stand."""
    return tuple(
        analysis.rejected.get(pitch.id) or _unplaced(pitch, UnplacedReason.NOT_PLACED, detail)
        for pitch in problem.pitches
    )


def count_same_sector_neighbours(problem: PitchProblem, placed: Mapping[Id, SlotRef]) -> int:
    """Consecutive pitches of one sector in a session's running order (empty slots do not separate them)."""
    sector = {pitch.id: pitch.sector for pitch in problem.pitches}
    running: dict[Id, list[tuple[int, str | None]]] = {}
    for pitch_id, ref in placed.items():
        running.setdefault(ref.session_id, []).append((ref.slot_index, sector[pitch_id]))
    count = 0
    for order in running.values():
        order.sort(key=lambda item: item[0])
        count += sum(1 for (_, a), (_, b) in pairwise(order) if a is not None and a == b)
    return count
