"""The organiser's programme forms checked: each function reads a Form and returns the checked values, or
None with one message per wrong field in `form.errors`.

Checks that need the database (a slug or a date already taken; a day, theme or speaker that must exist)
read through `programme.queries`; nothing here writes, so an invalid form leaves the database untouched."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.forms import Form, combine
from emicronora.i18n import _
from emicronora.live.embeds import DEFAULT_JITSI_HOSTS, EmbedError, replay_link, stream_embed
from emicronora.models import SESSION_KINDS, Day, Session, Speaker, Theme
from emicronora.programme import queries

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CLOCK_PATTERN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_SLUG = 60
MAX_THEME_NAME = 120
MAX_SPEAKER_NAME = 120
MAX_AFFILIATION = 200
MAX_TITLE = 200
MAX_ABSTRACT = 10_000
MAX_BIO = 5_000

M = TypeVar("M", Day, Theme)


@dataclass(frozen=True)
class ThemeFields:
    slug: str
    name_fr: str
    name_en: str


@dataclass(frozen=True)
class DayFields:
    date: date
    theme: Theme


@dataclass(frozen=True)
class SpeakerFields:
    name: str
    affiliation: str
    bio: str


@dataclass(frozen=True)
class SessionFields:
    kind: str
    title: str
    abstract: str
    day: Day
    theme: Theme
    starts_at: datetime
    ends_at: datetime
    speakers: list[Speaker]
    stream_url: str
    replay_url: str


async def theme_fields(db: AsyncSession, form: Form, theme: Theme | None) -> ThemeFields | None:
    """The fields slug (unique), name_fr and name_en of a new theme (theme=None) or of `theme`."""
    slug = form.text("slug", max_length=MAX_SLUG)
    if slug and not SLUG_PATTERN.match(slug):
        form.error("slug", _("Use lowercase letters, digits and hyphens (for example laser-processes)."))
    name_fr = form.text("name_fr", max_length=MAX_THEME_NAME)
    name_en = form.text("name_en", max_length=MAX_THEME_NAME)
    if "slug" not in form.errors:
        clash = await queries.get_theme_by_slug(db, slug)
        if clash is not None and (theme is None or clash.id != theme.id):
            form.error("slug", _("Another theme already uses this slug."))
    if not form.ok:
        return None
    return ThemeFields(slug=slug, name_fr=name_fr, name_en=name_en)


async def day_fields(db: AsyncSession, form: Form, day: Day | None) -> DayFields | None:
    """The fields date (YYYY-MM-DD, one day per date) and theme_id of a new day or of `day`."""
    on = form.date("date")
    theme = await _existing(db, form, "theme_id", queries.get_theme, _("This theme does not exist."))
    if on is not None:
        clash = await queries.get_day_by_date(db, on)
        if clash is not None and (day is None or clash.id != day.id):
            form.error("date", _("A day already exists on this date."))
    if not form.ok or on is None or theme is None:
        return None
    return DayFields(date=on, theme=theme)


def speaker_fields(form: Form) -> SpeakerFields | None:
    """The fields name, affiliation and bio (both optional)."""
    name = form.text("name", max_length=MAX_SPEAKER_NAME)
    affiliation = form.text("affiliation", max_length=MAX_AFFILIATION, required=False)
    bio = form.text("bio", max_length=MAX_BIO, required=False, multiline=True)
    if not form.ok:
        return None
    return SpeakerFields(name=name, affiliation=affiliation, bio=bio)


async def session_fields(
    db: AsyncSession, form: Form, *, tz: tzinfo, jitsi_hosts: tuple[str, ...] = DEFAULT_JITSI_HOSTS
) -> SessionFields | None:
    """The fields kind, title, abstract, day_id, theme_id, starts_at and ends_at (HH:MM in the event zone
    `tz`, on the day's date), speaker_ids (comma-separated ids), and the optional stream_url (a provider's
    address, see live.embeds) and replay_url (any https address)."""
    kind = form.choice("kind", SESSION_KINDS)
    title = form.text("title", max_length=MAX_TITLE)
    abstract = form.text("abstract", max_length=MAX_ABSTRACT, required=False, multiline=True)
    stream_url = _address(form, "stream_url", lambda url: stream_embed(url, jitsi_hosts))
    replay_url = _address(form, "replay_url", replay_link)
    day = await _existing(db, form, "day_id", queries.get_day, _("This day does not exist."))
    theme = await _existing(db, form, "theme_id", queries.get_theme, _("This theme does not exist."))
    start_clock, end_clock = _clock(form, "starts_at"), _clock(form, "ends_at")
    speakers = await _speakers(db, form, "speaker_ids")
    starts_at = _event_moment(form, "starts_at", day.date, start_clock, tz) if day and start_clock else None
    ends_at = _event_moment(form, "ends_at", day.date, end_clock, tz) if day and end_clock else None
    if starts_at and ends_at and ends_at <= starts_at:
        form.error("ends_at", _("The end must be after the start."))
    if not form.ok or day is None or theme is None or starts_at is None or ends_at is None:
        return None
    return SessionFields(
        kind=kind,
        title=title,
        abstract=abstract,
        day=day,
        theme=theme,
        starts_at=starts_at,
        ends_at=ends_at,
        speakers=speakers,
        stream_url=stream_url,
        replay_url=replay_url,
    )


def session_values(session: Session, tz: tzinfo) -> dict[str, str]:
    """A session as the fields of its form: what `session_fields` reads back unchanged."""
    return {
        "kind": session.kind,
        "title": session.title,
        "abstract": session.abstract,
        "day_id": str(session.day_id),
        "theme_id": str(session.theme_id),
        "starts_at": session.starts_at.astimezone(tz).strftime("%H:%M"),
        "ends_at": session.ends_at.astimezone(tz).strftime("%H:%M"),
        "speaker_ids": ",".join(str(s.id) for s in session.speakers),
        "stream_url": session.stream_url,
        "replay_url": session.replay_url,
    }


def theme_values(theme: Theme) -> dict[str, str]:
    return {"slug": theme.slug, "name_fr": theme.name_fr, "name_en": theme.name_en}


def day_values(day: Day) -> dict[str, str]:
    return {"date": day.date.isoformat(), "theme_id": str(day.theme_id)}


def speaker_values(speaker: Speaker) -> dict[str, str]:
    return {"name": speaker.name, "affiliation": speaker.affiliation, "bio": speaker.bio}


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
    found = await queries.get_speakers(db, wanted)
    if len(found) != len(wanted):
        form.error(name, _("This speaker does not exist."))
    return sorted(found, key=lambda s: (s.position, s.name))


async def _existing(
    db: AsyncSession,
    form: Form,
    name: str,
    get: Callable[[AsyncSession, int], Awaitable[M | None]],
    message: str,
) -> M | None:
    identifier = form.integer(name)
    if identifier is None:
        return None
    found = await get(db, identifier)
    if found is None:
        form.error(name, message)
    return found
