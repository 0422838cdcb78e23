"""Programme writes shared by the organiser area and the CLI: validate a Form, then change the database.

Each function runs inside the caller's transaction. Every check runs before the first change, so an invalid
form writes nothing and leaves one message per wrong field. A session's `sequence` grows whenever its time,
day or status changes: calendar apps replace their copy of an event only when the sequence grows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal, Protocol, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from emicronora.forms import Form, combine
from emicronora.i18n import _
from emicronora.live.embeds import DEFAULT_JITSI_HOSTS, EmbedError, replay_link, stream_embed
from emicronora.models import SESSION_KINDS, Day, Session, Speaker, Theme, session_speakers
from emicronora.programme import queries

Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down")

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOCK_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_TITLE = 200
MAX_ABSTRACT = 10_000
MAX_BIO = 5_000


class Positioned(Protocol):
    id: int
    position: int


P = TypeVar("P", bound=Positioned)
M = TypeVar("M", Day, Theme)


# --- themes ---------------------------------------------------------------------------------------------


async def save_theme(db: AsyncSession, form: Form, theme: Theme | None = None) -> Theme | None:
    """Creates a theme (theme=None) or updates one from the fields slug, name_fr and name_en."""
    slug = form.text("slug", max_length=60)
    if slug and not SLUG_PATTERN.match(slug):
        form.error("slug", _("Use lowercase letters, digits and hyphens (for example laser-processes)."))
    name_fr = form.text("name_fr", max_length=120)
    name_en = form.text("name_en", max_length=120)
    if "slug" not in form.errors:
        clash = await db.scalar(select(Theme.id).where(Theme.slug == slug))
        if clash is not None and (theme is None or clash != theme.id):
            form.error("slug", _("Another theme already uses this slug."))
    if not form.ok:
        return None
    if theme is None:
        theme = Theme(position=await _next_position(db, Theme.position))
        db.add(theme)
    theme.slug, theme.name_fr, theme.name_en = slug, name_fr, name_en
    await db.flush()
    return theme


async def delete_theme(db: AsyncSession, theme: Theme, form: Form) -> bool:
    """Only an unused theme goes: days and sessions keep a required link to theirs."""
    days = await db.scalar(select(func.count()).select_from(Day).where(Day.theme_id == theme.id))
    sessions = await db.scalar(select(func.count()).select_from(Session).where(Session.theme_id == theme.id))
    if days or sessions:
        form.error("delete", _("Days or sessions use this theme: give them another theme first."))
        return False
    await db.delete(theme)
    await db.flush()
    return True


# --- days -----------------------------------------------------------------------------------------------


async def save_day(
    db: AsyncSession, form: Form, day: Day | None = None, *, tz: tzinfo, now: datetime
) -> Day | None:
    """Creates or updates a day from the fields date (YYYY-MM-DD) and theme_id. Changing the date of a day
    moves its sessions with it, at the same clock times."""
    on = form.date("date")
    theme = await _existing(db, form, "theme_id", Theme, _("This theme does not exist."))
    if on is not None:
        clash = await db.scalar(select(Day.id).where(Day.date == on))
        if clash is not None and (day is None or clash != day.id):
            form.error("date", _("A day already exists on this date."))
    if not form.ok or on is None or theme is None:
        return None
    if day is None:
        day = Day(position=await _next_position(db, Day.position))
        db.add(day)
    elif on != day.date:
        await _shift_sessions(db, day, on - day.date, tz, now)
    day.date = on
    day.theme = theme
    await db.flush()
    return day


async def _shift_sessions(db: AsyncSession, day: Day, delta: timedelta, tz: tzinfo, now: datetime) -> None:
    for session in await queries.list_sessions(db, day_id=day.id):
        # Shifting local clock times keeps 10:00 at 10:00 even across a change of summer time.
        session.starts_at = _shift_local(session.starts_at, delta, tz)
        session.ends_at = _shift_local(session.ends_at, delta, tz)
        _touch(session, now, rescheduled=True)


def _shift_local(moment: datetime, delta: timedelta, tz: tzinfo) -> datetime:
    local = moment.astimezone(tz).replace(tzinfo=None) + delta
    return local.replace(tzinfo=tz).astimezone(UTC)


async def cancel_day(db: AsyncSession, day: Day, now: datetime) -> int:
    """Cancels every session of the day; returns how many changed."""
    return sum(cancel_session(s, now) for s in await queries.list_sessions(db, day_id=day.id))


async def restore_day(db: AsyncSession, day: Day, now: datetime) -> int:
    """Restores every cancelled session of the day; returns how many changed."""
    return sum(restore_session(s, now) for s in await queries.list_sessions(db, day_id=day.id))


async def delete_day(db: AsyncSession, day: Day, form: Form) -> bool:
    """Only a day without sessions goes: cancelled sessions stay, calendar feeds still announce them."""
    sessions = await db.scalar(select(func.count()).select_from(Session).where(Session.day_id == day.id))
    if sessions:
        form.error("delete", _("Sessions (cancelled ones included) take place on this day: move them first."))
        return False
    await db.delete(day)
    await db.flush()
    return True


# --- speakers -------------------------------------------------------------------------------------------


async def save_speaker(db: AsyncSession, form: Form, speaker: Speaker | None = None) -> Speaker | None:
    """Creates or updates a speaker from the fields name, affiliation and bio."""
    name = form.text("name", max_length=120)
    affiliation = form.text("affiliation", max_length=200, required=False)
    bio = form.text("bio", max_length=MAX_BIO, required=False)
    if not form.ok:
        return None
    if speaker is None:
        speaker = Speaker(position=await _next_position(db, Speaker.position))
        db.add(speaker)
    speaker.name, speaker.affiliation, speaker.bio = name, affiliation, bio
    await db.flush()
    return speaker


async def delete_speaker(db: AsyncSession, speaker: Speaker, now: datetime) -> None:
    """Removes the speaker from their sessions, which count as modified (not rescheduled)."""
    linked = select(session_speakers.c.session_id).where(session_speakers.c.speaker_id == speaker.id)
    await db.execute(
        update(Session)
        .where(Session.id.in_(linked))
        .values(updated_at=now)
        .execution_options(synchronize_session="fetch")
    )
    await db.execute(delete(session_speakers).where(session_speakers.c.speaker_id == speaker.id))
    await db.delete(speaker)
    await db.flush()


# --- sessions -------------------------------------------------------------------------------------------


async def save_session(
    db: AsyncSession,
    form: Form,
    session: Session | None = None,
    *,
    tz: tzinfo,
    now: datetime,
    jitsi_hosts: tuple[str, ...] = DEFAULT_JITSI_HOSTS,
) -> Session | None:
    """Creates or updates a session from the fields kind, title, abstract, day_id, theme_id, starts_at and
    ends_at (HH:MM in the event zone `tz`, on the day's date), speaker_ids (comma-separated ids), and the
    optional stream_url (a provider's address, see live.embeds) and replay_url (any https address). A new
    stream address is a new place: it bumps the sequence like a new time."""
    kind = form.choice("kind", SESSION_KINDS)
    title = form.text("title", max_length=MAX_TITLE)
    abstract = form.text("abstract", max_length=MAX_ABSTRACT, required=False)
    stream_url = _address(form, "stream_url", lambda url: stream_embed(url, jitsi_hosts))
    replay_url = _address(form, "replay_url", replay_link)
    day = await _existing(db, form, "day_id", Day, _("This day does not exist."))
    theme = await _existing(db, form, "theme_id", Theme, _("This theme does not exist."))
    start_clock, end_clock = _clock(form, "starts_at"), _clock(form, "ends_at")
    speakers = await _speakers(db, form, "speaker_ids")
    starts_at = _event_moment(form, "starts_at", day.date, start_clock, tz) if day and start_clock else None
    ends_at = _event_moment(form, "ends_at", day.date, end_clock, tz) if day and end_clock else None
    if starts_at and ends_at and ends_at <= starts_at:
        form.error("ends_at", _("The end must be after the start."))
    if not form.ok or day is None or theme is None or starts_at is None or ends_at is None:
        return None

    if session is None:
        session = Session(sequence=0, is_cancelled=False, created_at=now, updated_at=now)
        session.position = await _next_session_position(db, day.id)
        db.add(session)
        rescheduled = modified = False
    else:
        rescheduled = (session.day_id, session.starts_at, session.ends_at, session.stream_url) != (
            day.id,
            starts_at,
            ends_at,
            stream_url,
        )
        modified = (session.kind, session.title, session.abstract, session.theme_id, session.replay_url) != (
            kind,
            title,
            abstract,
            theme.id,
            replay_url,
        ) or [s.id for s in session.speakers] != [s.id for s in speakers]
        if session.day_id != day.id:
            session.position = await _next_session_position(db, day.id)
    session.kind, session.title, session.abstract = kind, title, abstract
    session.day, session.theme = day, theme
    session.starts_at, session.ends_at = starts_at, ends_at
    session.stream_url, session.replay_url = stream_url, replay_url
    session.speakers = speakers
    if rescheduled or modified:
        _touch(session, now, rescheduled=rescheduled)
    await db.flush()
    return session


def cancel_session(session: Session, now: datetime) -> bool:
    """Cancels the session (it stays in feeds, marked cancelled); False when it already was."""
    if session.is_cancelled:
        return False
    session.is_cancelled = True
    _touch(session, now, rescheduled=True)
    return True


def restore_session(session: Session, now: datetime) -> bool:
    if not session.is_cancelled:
        return False
    session.is_cancelled = False
    _touch(session, now, rescheduled=True)
    return True


def _touch(session: Session, now: datetime, *, rescheduled: bool) -> None:
    if rescheduled:
        session.sequence = (session.sequence or 0) + 1
    session.updated_at = now


def _address(form: Form, name: str, check: Callable[[str], object]) -> str:
    """An optional address: empty, or one that `check` accepts (it raises EmbedError with the reason)."""
    value = form.values.get(name, "").strip()
    if not value:
        return ""
    try:
        check(value)
    except EmbedError as error:
        form.error(name, error.message)
    return value


def _clock(form: Form, name: str) -> time | None:
    value = form.values.get(name, "").strip()
    match = CLOCK_PATTERN.match(value)
    if match is None:
        form.error(name, _("Enter a time as HH:MM.") if value else _("This field is required."))
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _event_moment(form: Form, name: str, on: date, clock: time, tz: tzinfo) -> datetime | None:
    moment = combine(on, clock, tz)
    # A clock time skipped when summer time starts does not exist: refuse it rather than guess.
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != moment.replace(tzinfo=None):
        form.error(name, _("This time does not exist on this day (the clocks change)."))
        return None
    return moment.astimezone(UTC)


async def _speakers(db: AsyncSession, form: Form, name: str) -> list[Speaker]:
    wanted = list(dict.fromkeys(form.ids(name)))
    if not wanted:
        return []
    found = list((await db.scalars(select(Speaker).where(Speaker.id.in_(wanted)))).all())
    if len(found) != len(wanted):
        form.error(name, _("This speaker does not exist."))
    return sorted(found, key=lambda s: (s.position, s.name))


# --- order ----------------------------------------------------------------------------------------------


async def move_theme(db: AsyncSession, theme: Theme, direction: Direction) -> bool:
    return _swap(await queries.list_themes(db), theme, direction)


async def move_day(db: AsyncSession, day: Day, direction: Direction) -> bool:
    return _swap(await queries.list_days(db), day, direction)


async def move_speaker(db: AsyncSession, speaker: Speaker, direction: Direction) -> bool:
    return _swap(await queries.list_speakers(db), speaker, direction)


async def move_session(db: AsyncSession, session: Session, direction: Direction) -> bool:
    """Sessions follow their start time; `position` orders the parallel sessions of one time slot, so a
    session moves among the sessions of its day that start at the same time."""
    query = (
        select(Session)
        .where(Session.day_id == session.day_id, Session.starts_at == session.starts_at)
        .order_by(Session.position, Session.id)
    )
    return _swap(list((await db.scalars(query)).unique().all()), session, direction)


def _swap(ordered: Sequence[P], item: P, direction: Direction) -> bool:
    """Swaps `item` with its neighbour; False at either end. Positions may tie (imported data), so they are
    renumbered first: otherwise swapping two equal positions would change nothing."""
    for index, each in enumerate(ordered):
        each.position = index
    index = [each.id for each in ordered].index(item.id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index].position, ordered[other].position = other, index
    return True


# --- helpers --------------------------------------------------------------------------------------------


async def _existing(db: AsyncSession, form: Form, name: str, model: type[M], message: str) -> M | None:
    identifier = form.integer(name)
    if identifier is None:
        return None
    found = await db.get(model, identifier)
    if found is None:
        form.error(name, message)
    return found


async def _next_position(db: AsyncSession, column: InstrumentedAttribute[int]) -> int:
    highest = await db.scalar(select(func.max(column)))
    return 0 if highest is None else highest + 1


async def _next_session_position(db: AsyncSession, day_id: int) -> int:
    highest = await db.scalar(select(func.max(Session.position)).where(Session.day_id == day_id))
    return 0 if highest is None else highest + 1
