"""Programme writes, shared by the organiser's pages and the CLI: check a Form (programme.forms), then change
the database.

Each function runs inside the caller's transaction. Every check runs before the first change, so an invalid
form writes nothing and leaves one message per wrong field. A session's `sequence` grows whenever its time,
day or status changes: calendar apps replace their copy of an event only when the sequence grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Literal, Protocol, TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.live import rights as live_rights
from emicronora.live.embeds import DEFAULT_JITSI_HOSTS
from emicronora.models import Day, Session, Speaker, Star, Theme, session_speakers
from emicronora.programme import forms, queries

Direction = Literal["up", "down"]
DIRECTIONS: tuple[Direction, ...] = ("up", "down")


class Positioned(Protocol):
    id: int
    position: int


P = TypeVar("P", bound=Positioned)


# --- themes ---------------------------------------------------------------------------------------------


async def save_theme(db: AsyncSession, form: Form, theme: Theme | None = None) -> Theme | None:
    """Creates a theme (theme=None) or updates one from the fields slug, name_fr and name_en."""
    fields = await forms.theme_fields(db, form, theme)
    if fields is None:
        return None
    if theme is None:
        theme = Theme(position=_after(await queries.highest_position(db, Theme.position)))
        db.add(theme)
    theme.slug, theme.name_fr, theme.name_en = fields.slug, fields.name_fr, fields.name_en
    await db.flush()
    return theme


async def delete_theme(db: AsyncSession, theme: Theme, form: Form) -> bool:
    """Only an unused theme goes: days and sessions keep a required link to theirs."""
    if await queries.count_theme_uses(db, theme.id):
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
    fields = await forms.day_fields(db, form, day)
    if fields is None:
        return None
    if day is None:
        day = Day(position=_after(await queries.highest_position(db, Day.position)))
        db.add(day)
    elif fields.date != day.date:
        await _shift_sessions(db, day, fields.date - day.date, tz, now)
    day.date = fields.date
    day.theme = fields.theme
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
    if await queries.count_sessions_of_day(db, day.id):
        form.error("delete", _("Sessions (cancelled ones included) take place on this day: move them first."))
        return False
    await db.delete(day)
    await db.flush()
    return True


# --- speakers -------------------------------------------------------------------------------------------


async def save_speaker(db: AsyncSession, form: Form, speaker: Speaker | None = None) -> Speaker | None:
    """Creates or updates a speaker from the fields name, affiliation and bio."""
    fields = forms.speaker_fields(form)
    if fields is None:
        return None
    if speaker is None:
        speaker = Speaker(position=_after(await queries.highest_position(db, Speaker.position)))
        db.add(speaker)
    speaker.name, speaker.affiliation, speaker.bio = fields.name, fields.affiliation, fields.bio
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
    """Creates or updates a session from its form (see forms.session_fields). A new stream address is a new
    place: it bumps the sequence like a new time."""
    fields = await forms.session_fields(db, form, tz=tz, jitsi_hosts=jitsi_hosts)
    if fields is None:
        return None
    day, theme, speakers = fields.day, fields.theme, fields.speakers
    if session is None:
        session = Session(sequence=0, is_cancelled=False, created_at=now, updated_at=now)
        session.position = _after(await queries.highest_session_position(db, day.id))
        db.add(session)
        rescheduled = modified = False
    else:
        rescheduled = (session.day_id, session.starts_at, session.ends_at, session.stream_url) != (
            day.id,
            fields.starts_at,
            fields.ends_at,
            fields.stream_url,
        )
        modified = (session.kind, session.title, session.abstract, session.theme_id, session.replay_url) != (
            fields.kind,
            fields.title,
            fields.abstract,
            theme.id,
            fields.replay_url,
        ) or [s.id for s in session.speakers] != [s.id for s in speakers]
        if session.day_id != day.id:
            session.position = _after(await queries.highest_session_position(db, day.id))
    session.kind, session.title, session.abstract = fields.kind, fields.title, fields.abstract
    session.day, session.theme = day, theme
    session.starts_at, session.ends_at = fields.starts_at, fields.ends_at
    session.stream_url, session.replay_url = fields.stream_url, fields.replay_url
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
    live_rights.session_cancelled(session)  # its live room closes once this commits
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
    return _swap(await queries.sessions_in_slot(db, session), session, direction)


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


def _after(highest: int | None) -> int:
    """The position after the last one (0 for the first item)."""
    return 0 if highest is None else highest + 1


# --- personal agenda ------------------------------------------------------------------------------------


async def star(db: AsyncSession, user_id: int, session_id: int) -> None:
    """Idempotent: starring twice (two tabs, a double click) keeps one star."""
    dialect = db.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await db.execute(insert(Star).values(user_id=user_id, session_id=session_id).on_conflict_do_nothing())


async def unstar(db: AsyncSession, user_id: int, session_id: int) -> None:
    await db.execute(delete(Star).where(Star.user_id == user_id, Star.session_id == session_id))
