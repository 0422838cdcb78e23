"""A message's words: subject, plain text and HTML rendered from templates/mail/<kind>.txt|.html in the
recipient's language, and the `EmailMessage` built from an outbox row when it is delivered."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from emicronora import i18n
from emicronora.calendar.items import site_host
from emicronora.i18n import _, lazy
from emicronora.models import OutboxEmail, User
from emicronora.settings import PROJECT_ROOT, Settings

TEMPLATES_DIR = PROJECT_ROOT / "templates"
# Sent whatever the user's preferences: without the links nobody could get into their account, and the
# notice of a password change is how the owner learns that someone else took it over (OWASP ASVS 2.2.3).
# So is the answer to someone registering the address of an existing account: the page does not tell.
ALWAYS_SENT = frozenset({"confirm_account", "password_reset", "password_changed", "account_exists"})
SUBJECTS = {
    "confirm_account": lazy("Confirm your e-mail address for e-Micronora"),
    "password_reset": lazy("Reset your e-Micronora password"),
    "password_changed": lazy("Your e-Micronora password was changed"),
    "account_exists": lazy("You already have an e-Micronora account"),
    "meeting_request_received": lazy("%(partner)s asks you for a B2B meeting"),
    "meeting_request_accepted": lazy("%(partner)s accepted your B2B meeting request"),
    "meeting_request_declined": lazy("%(partner)s declined your B2B meeting request"),
    "schedule_published": lazy("Your B2B meeting schedule is published"),
    "session_starting": lazy("Starting in 15 minutes: %(title)s"),
    "pitch_accepted": lazy("Your pitch proposal is accepted: %(title)s"),
    "pitch_rejected": lazy("Your pitch proposal was not accepted: %(title)s"),
}
# What each kind is called on the preferences page.
KIND_LABELS = {
    "meeting_request_received": lazy("Someone asks me for a B2B meeting"),
    "meeting_request_accepted": lazy("My B2B meeting request is accepted"),
    "meeting_request_declined": lazy("My B2B meeting request is declined"),
    "schedule_published": lazy("My B2B meeting schedule is published (with the calendar file)"),
    "session_starting": lazy("A session in my agenda starts in 15 minutes"),
    "pitch_accepted": lazy("A pitch proposal of my company is accepted"),
    "pitch_rejected": lazy("A pitch proposal of my company is not accepted"),
}
OPTIONAL_KINDS = tuple(KIND_LABELS)
MAX_SUBJECT = 300


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """Translations, dates and calendar texts in `locale` for the duration, whoever's request this is."""
    token = i18n.current_locale.set(locale)
    try:
        yield
    finally:
        i18n.current_locale.reset(token)


def recipient_locale(user: User, settings: Settings) -> str:
    return user.locale if user.locale in i18n.LOCALES else settings.default_locale


def _when(value: datetime, tz: ZoneInfo) -> str:
    return f"{i18n.format_day(value.astimezone(tz).date())}, {i18n.format_clock(value, tz)}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        # Plain-text parts are not HTML: escaping them would show "&amp;" to the reader.
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    i18n.install_gettext(env)
    env.filters.update(when=_when, clock=lambda value, tz: i18n.format_clock(value, tz))
    return env


def one_line(text: str) -> str:
    return " ".join(text.split())


def compose(kind: str, locale: str, context: dict[str, Any], settings: Settings) -> Composed:
    """Renders a kind in `locale`; the context's values reach the templates as they are (the HTML part
    escapes them)."""
    env = environment()
    full = {
        "site_url": settings.site_origin,
        "preferences_url": f"{settings.site_origin}/account/email",
        "optional": kind not in ALWAYS_SENT,
        "tz": settings.tz,
        "timezone": settings.event_timezone,
        "locale": locale,
        **context,
    }
    with in_locale(locale):
        # Not `_()`: a context key such as "message" would clash with its own parameter.
        subject = _(SUBJECTS[kind]) % {k: one_line(v) for k, v in context.items() if isinstance(v, str)}
        text = env.get_template(f"mail/{kind}.txt").render(full)
        html = env.get_template(f"mail/{kind}.html").render(full)
    return Composed(subject=one_line(subject)[:MAX_SUBJECT], text=text, html=html)


def build_message(row: OutboxEmail, settings: Settings, now: datetime) -> EmailMessage:
    """The MIME message of an outbox row: plain text first, HTML as the alternative, then attachments."""
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = settings.mail_from
    message["To"] = row.to_address
    message["Date"] = format_datetime(now)
    # Stable across retries, so that a message delivered twice after a lost reply is recognised as one.
    message["Message-ID"] = f"<outbox-{row.id}.{int(row.created_at.timestamp())}@{site_host(settings)}>"
    message["Auto-Submitted"] = "auto-generated"
    if row.kind not in ALWAYS_SENT:
        message["List-Unsubscribe"] = f"<{settings.site_origin}/account/email>"
    # Quoted-printable: accents pass every relay, even one without 8BITMIME.
    message.set_content(row.body_text, cte="quoted-printable")
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    for attachment in row.attachments or []:
        maintype, _slash, subtype = attachment["content_type"].partition("/")
        params = {"charset": "utf-8"} if maintype == "text" else {}
        if attachment.get("method"):
            params["method"] = attachment["method"]
        # As bytes, in base64: a calendar file keeps its CRLF line ends exactly.
        message.add_attachment(
            attachment["content"].encode(),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
            params=params,
        )
    # After the content: setting the content clears every Content-* header.
    message["Content-Language"] = row.locale
    return message
