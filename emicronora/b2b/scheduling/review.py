"""What the organiser reviews after a run: the meetings placed and not placed (with the run's reasons), breaks
per participant and how many meetings each participant has, always computed from the current slots so that
hand adjustments show at once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.scheduling import engine, queries
from emicronora.b2b.scheduling.queries import Person
from emicronora.i18n import _
from emicronora.models import Meeting, SolveRun


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    first: Person
    second: Person
    starts_at: datetime | None
    ends_at: datetime | None
    reason: str = ""


@dataclass(frozen=True)
class Bar:
    """One bar of the histogram, in SVG user units."""

    meetings: int
    participants: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class Histogram:
    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_width: int
    base: int


@dataclass(frozen=True)
class Review:
    placed: list[MeetingLine]
    not_placed: list[MeetingLine]
    breaks: list[tuple[Person, int, int]]
    histogram: Histogram


BAR_WIDTH = 36
BAR_GAP = 8
CHART_HEIGHT = 140
LABEL_SPACE = 20


def histogram(meetings_per_participant: list[int]) -> Histogram:
    counts = Counter(meetings_per_participant)
    top = max(counts, default=0)
    tallest = max(counts.values(), default=0) or 1
    bars = []
    for index, meetings in enumerate(range(top + 1)):
        participants = counts.get(meetings, 0)
        height = round(CHART_HEIGHT * participants / tallest)
        bars.append(
            Bar(
                meetings=meetings,
                participants=participants,
                x=BAR_GAP + index * (BAR_WIDTH + BAR_GAP),
                y=LABEL_SPACE + CHART_HEIGHT - height,
                height=height,
            )
        )
    return Histogram(
        bars=tuple(bars),
        width=BAR_GAP + len(bars) * (BAR_WIDTH + BAR_GAP),
        height=CHART_HEIGHT + 2 * LABEL_SPACE,
        bar_width=BAR_WIDTH,
        base=LABEL_SPACE + CHART_HEIGHT,
    )


async def distribution(db: AsyncSession, tz: ZoneInfo) -> tuple[dict[int, int], dict[int, int]]:
    """(breaks, meetings) per participant, from the current slots."""
    breaks = engine.breaks_per_participant(await queries.all_slots(db), await queries.placements(db), tz)
    return breaks, await queries.meetings_per_participant(db)


def run_reasons(run: SolveRun | None) -> dict[int, str]:
    if run is None:
        return {}
    items = run.result.get("not_placed")
    if not isinstance(items, list):
        return {}
    return {int(item["meeting"]): str(item["reason"]) for item in items if isinstance(item, dict)}


async def review(db: AsyncSession, tz: ZoneInfo, run: SolveRun | None) -> Review:
    rows = await queries.meetings_with_slots(db)
    names = await queries.people(db)
    unknown = Person(0, "?", "")
    reasons = run_reasons(run)
    without_schedule = run is not None and run.result.get("solver_status") in ("infeasible", "no_solution")
    placed: list[MeetingLine] = []
    not_placed: list[MeetingLine] = []
    for meeting, slot in rows:
        first, second = names.get(meeting.first_id, unknown), names.get(meeting.second_id, unknown)
        code = reasons.get(meeting.id)
        if slot is not None:
            # A kept meeting that blocked the run is flagged where it stands.
            reason = engine.reason_text(code) if code == "lock_invalid" else ""
            placed.append(MeetingLine(meeting, first, second, slot.starts_at, slot.ends_at, reason))
            continue
        if code is None:
            reason = _("Not placed by the scheduler yet.")
        elif code == "not_placed" and without_schedule:
            reason = _("This run found no schedule, so it placed nothing.")
        else:
            reason = engine.reason_text(code)
        not_placed.append(MeetingLine(meeting, first, second, None, None, reason))
    breaks, counts = await distribution(db, tz)
    per_participant = sorted(
        ((names[pid], breaks.get(pid, 0), count) for pid, count in counts.items() if pid in names),
        key=lambda item: (-item[1], -item[2], item[0].name.lower()),
    )
    return Review(placed, not_placed, per_participant, histogram(list(counts.values())))
