"""Every setting, read once from the environment (EMICRONORA_*), typed, with safe defaults."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from emicronora.mail.config import MailConfigError, MailServer, check_sender, parse_smtp_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A setting from the environment cannot be used; the message says which and why."""


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None


HOST_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){HOST_LABEL}(\.{HOST_LABEL})+$")


def _hosts(value: str, name: str) -> tuple[str, ...]:
    hosts = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    for host in hosts:
        if not HOSTNAME.match(host):
            raise SettingsError(f"{name} must be a comma-separated list of host names, not {host!r}")
    return hosts


def _secret_key_from_file(path: Path) -> str:
    # A development secret that survives restarts, so sessions and CSRF tokens stay valid across `make run`s.
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'emicronora.sqlite3'}"
    secret_key: str = field(default="", repr=False)
    site_url: str = "http://127.0.0.1:8000"
    contact_email: str = "contact@e-micronora.example"
    # memory:// (one process) or redis://host:port/db (several workers or hosts).
    broadcast_url: str = "memory://"
    # Jitsi Meet servers whose rooms may be embedded on session pages (a self-hosted one can be added).
    jitsi_hosts: tuple[str, ...] = ("meet.jit.si",)
    # Prefixes the Redis channel and presence keys, so that several sites can share one Redis.
    broadcast_channel: str = "emicronora:events"
    media_dir: str = str(PROJECT_ROOT / "var" / "media")
    max_video_mb: int = 500
    max_image_mb: int = 8
    company_quota_mb: int = 2000
    # B2B meetings get a video room: this address plus a random room name.
    meeting_room_url: str = "https://meet.jit.si/"
    event_timezone: str = "Europe/Paris"
    default_locale: str = "fr"
    debug: bool = False
    # Sessions: organisers hold power, so an unattended organiser tab logs out quickly.
    session_idle_minutes_organiser: int = 30
    session_idle_minutes: int = 12 * 60
    session_absolute_hours: int = 12
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    login_window_minutes: int = 15
    # Forms, including an image or two; video uploads stream past this limit with their own cap.
    max_body_bytes: int = 10 * 1024 * 1024
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # smtp://user:pass@host:587?starttls=1, smtps://host or file:///folder; empty: <media_dir>/mail.
    smtp_url: str = field(default="", repr=False)
    mail_from: str = "e-Micronora <noreply@e-micronora.example>"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.event_timezone)

    @property
    def mail_server(self) -> MailServer:
        return parse_smtp_url(self.smtp_url or (Path(self.media_dir) / "mail").as_uri())

    @property
    def https(self) -> bool:
        return self.site_url.startswith("https://")

    @property
    def site_origin(self) -> str:
        return self.site_url.rstrip("/")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        defaults = cls()

        def get(name: str, default: str) -> str:
            return env.get(f"EMICRONORA_{name}", default)

        secret = get("SECRET_KEY", "")
        if not secret:
            secret = _secret_key_from_file(PROJECT_ROOT / "var" / "secret_key")
        if len(secret) < 32:
            raise SettingsError("EMICRONORA_SECRET_KEY must be at least 32 characters long")
        tz_name = get("TIMEZONE", defaults.event_timezone)
        try:
            ZoneInfo(tz_name)
        except Exception:
            raise SettingsError(f"EMICRONORA_TIMEZONE is not a known time zone: {tz_name!r}") from None
        broadcast_url = get("BROADCAST_URL", defaults.broadcast_url)
        if not broadcast_url.startswith(("memory://", "redis://", "rediss://")):
            raise SettingsError("EMICRONORA_BROADCAST_URL must start with memory://, redis:// or rediss://")
        locale = get("DEFAULT_LOCALE", defaults.default_locale)
        if locale not in ("fr", "en"):
            raise SettingsError("EMICRONORA_DEFAULT_LOCALE must be fr or en")
        smtp_url = get("SMTP_URL", "")
        mail_from = get("MAIL_FROM", defaults.mail_from)
        try:
            if smtp_url:
                parse_smtp_url(smtp_url)
        except MailConfigError as error:
            raise SettingsError(f"EMICRONORA_SMTP_URL cannot be used: {error}") from None
        try:
            check_sender(mail_from)
        except MailConfigError as error:
            raise SettingsError(f"EMICRONORA_MAIL_FROM cannot be used: {error}") from None
        return cls(
            database_url=get("DATABASE_URL", defaults.database_url),
            secret_key=secret,
            site_url=get("SITE_URL", defaults.site_url),
            contact_email=get("CONTACT_EMAIL", defaults.contact_email),
            broadcast_url=broadcast_url,
            broadcast_channel=get("BROADCAST_CHANNEL", defaults.broadcast_channel),
            media_dir=get("MEDIA_DIR", defaults.media_dir),
            meeting_room_url=get("MEETING_ROOM_URL", defaults.meeting_room_url),
            max_video_mb=_int(get("MAX_VIDEO_MB", str(defaults.max_video_mb)), "EMICRONORA_MAX_VIDEO_MB"),
            max_image_mb=_int(get("MAX_IMAGE_MB", str(defaults.max_image_mb)), "EMICRONORA_MAX_IMAGE_MB"),
            company_quota_mb=_int(
                get("COMPANY_QUOTA_MB", str(defaults.company_quota_mb)), "EMICRONORA_COMPANY_QUOTA_MB"
            ),
            jitsi_hosts=_hosts(get("JITSI_HOSTS", ",".join(defaults.jitsi_hosts)), "EMICRONORA_JITSI_HOSTS"),
            event_timezone=tz_name,
            default_locale=locale,
            debug=_bool(get("DEBUG", "false"), "EMICRONORA_DEBUG"),
            session_idle_minutes_organiser=_int(
                get("SESSION_IDLE_MINUTES_ORGANISER", str(defaults.session_idle_minutes_organiser)),
                "EMICRONORA_SESSION_IDLE_MINUTES_ORGANISER",
            ),
            session_absolute_hours=_int(
                get("SESSION_ABSOLUTE_HOURS", str(defaults.session_absolute_hours)),
                "EMICRONORA_SESSION_ABSOLUTE_HOURS",
            ),
            max_body_bytes=_int(
                get("MAX_BODY_BYTES", str(defaults.max_body_bytes)), "EMICRONORA_MAX_BODY_BYTES"
            ),
            argon2_time_cost=_int(
                get("ARGON2_TIME_COST", str(defaults.argon2_time_cost)), "EMICRONORA_ARGON2_TIME_COST"
            ),
            argon2_memory_kib=_int(
                get("ARGON2_MEMORY_KIB", str(defaults.argon2_memory_kib)), "EMICRONORA_ARGON2_MEMORY_KIB"
            ),
            smtp_url=smtp_url,
            mail_from=mail_from,
        )
