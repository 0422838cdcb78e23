"""French and English through gettext catalogues (Babel). English msgids; French is the default locale.

The catalogues are read from the .po files and compiled in memory at start-up, so there is no build step
and no stale .mo file. The active locale lives in a context variable set once per request.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> gettext.NullTranslations:
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_(message: str, **variables: object) -> str:
    text = translations(current_locale.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(current_locale.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext_


def lazy(message: str) -> str:
    """Marks a string for extraction where it is defined; translate it with `_()` where it is shown."""
    return message


def install_gettext(env: Environment) -> None:
    """Templates translate into the locale of the request (or of the mail's reader) being served."""
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n at run time
        gettext=lambda message: translations(current_locale.get()).gettext(message),
        ngettext=lambda s, p, n: translations(current_locale.get()).ngettext(s, p, n),
        newstyle=True,
    )


def babel_locale(locale: str | None = None) -> Locale:
    return Locale.parse(locale or current_locale.get())


def format_day(value: date, fmt: str = "full") -> str:
    return format_date(value, format=fmt, locale=babel_locale())


def format_clock(value: datetime, tz: ZoneInfo) -> str:
    return format_time(value.astimezone(tz), format="short", locale=babel_locale())


def format_moment(value: datetime, tz: ZoneInfo, fmt: str = "medium") -> str:
    return format_datetime(value.astimezone(tz), format=fmt, tzinfo=tz, locale=babel_locale())
