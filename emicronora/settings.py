"""Every setting, read once from the environment (EMICRONORA_*), typed, with safe defaults.

`Settings.from_env` derives what it reads from the dataclass itself: every field is settable as
EMICRONORA_<FIELD NAME> (or the name in its metadata), parsed by its type and checked against its range, so a
new field cannot be forgotten. A plain dataclass rather than pydantic-settings: some thirty scalars do not
justify a dependency of that size, and the checks that need care (URLs, time zone, the mail sender) are ours
either way."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints
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


def _range(low: int, high: int, env: str = "") -> dict[str, Any]:
    return {"range": (low, high), **({"env": env} if env else {})}


MINUTES_IN_A_WEEK = 7 * 24 * 60


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'var' / 'emicronora.sqlite3'}"
    secret_key: str = field(default="", repr=False)
    site_url: str = "http://127.0.0.1:8000"
    # The proxies (addresses or networks, comma-separated; * for any) whose X-Forwarded-For and -Proto uvicorn
    # believes: the client address that login throttling counts is only as true as this list.
    forwarded_allow_ips: str = "127.0.0.1"
    contact_email: str = "contact@e-micronora.example"
    # memory:// (one process) or redis://host:port/db (several workers or hosts).
    broadcast_url: str = "memory://"
    # Jitsi Meet servers whose rooms may be embedded on session pages (a self-hosted one can be added).
    jitsi_hosts: tuple[str, ...] = ("meet.jit.si",)
    # Prefixes the Redis channel and presence keys, so that several sites can share one Redis.
    broadcast_channel: str = "emicronora:events"
    media_dir: str = str(PROJECT_ROOT / "var" / "media")
    max_video_mb: int = field(default=500, metadata=_range(1, 1_000_000))
    max_image_mb: int = field(default=8, metadata=_range(1, 1_000))
    company_quota_mb: int = field(default=2000, metadata=_range(1, 100_000_000))
    # B2B meetings get a video room: this address plus a random room name.
    meeting_room_url: str = "https://meet.jit.si/"
    event_timezone: str = field(default="Europe/Paris", metadata={"env": "TIMEZONE"})
    default_locale: str = "fr"
    debug: bool = False
    # Sessions: organisers hold power, so an unattended organiser tab logs out quickly.
    session_idle_minutes_organiser: int = field(default=30, metadata=_range(1, MINUTES_IN_A_WEEK))
    session_idle_minutes: int = field(default=12 * 60, metadata=_range(1, MINUTES_IN_A_WEEK))
    session_absolute_hours: int = field(default=12, metadata=_range(1, 24 * 90))
    login_max_failures_per_account: int = field(default=5, metadata=_range(1, 1_000))
    login_max_failures_per_ip: int = field(default=20, metadata=_range(1, 100_000))
    login_window_minutes: int = field(default=15, metadata=_range(1, 24 * 60))
    # Registrations (valid forms) from one address and for one e-mail address: each costs a password hash and
    # a message, and the per-address count also caps the mail that the owner of a known address receives.
    registration_max_per_ip: int = field(default=20, metadata=_range(1, 100_000))
    registration_max_per_address: int = field(default=3, metadata=_range(1, 1_000))
    registration_window_minutes: int = field(default=60, metadata=_range(1, 24 * 60))
    # Forms, including an image or two; video uploads stream past this limit with their own cap.
    max_body_bytes: int = field(default=10 * 1024 * 1024, metadata=_range(1024, 1024**3))
    # At least what the argon2 library recommends (RFC 9106's second choice); tests lower them.
    argon2_time_cost: int = field(default=3, metadata=_range(1, 100))
    argon2_memory_kib: int = field(default=65536, metadata=_range(8, 4 * 1024 * 1024))
    # How many argon2 hashes (of argon2_memory_kib each) a process computes at once; more logins wait.
    argon2_max_parallel: int = field(default=2, metadata=_range(1, 256))
    # smtp://user:pass@host:587?starttls=1, smtps://host or file:///folder; empty: <media_dir>/mail.
    smtp_url: str = field(default="", repr=False)
    mail_from: str = "e-Micronora <noreply@e-micronora.example>"
    # A running job whose worker has not renewed its lease for this long is taken up by another worker.
    job_lease_seconds: int = field(default=60, metadata=_range(2, 3600))
    # How often an idle worker looks for due jobs.
    job_poll_ms: int = field(default=1000, metadata=_range(10, 60_000))

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
        """The settings from `environ` (the process environment by default); SettingsError names the variable
        that cannot be used and why."""
        env = dict(os.environ if environ is None else environ)
        types = get_type_hints(cls)
        values: dict[str, Any] = {}
        for setting in fields(cls):
            name = env_name(setting.name, setting.metadata)
            if name not in env:
                continue
            raw = env[name]
            kind = types[setting.name]
            if kind is bool:
                values[setting.name] = _bool(raw, name)
            elif kind is int:
                number = _int(raw, name)
                low, high = setting.metadata.get("range", (None, None))
                if low is not None and not low <= number <= high:
                    raise SettingsError(f"{name} must be between {low} and {high}, not {number}")
                values[setting.name] = number
            elif kind == tuple[str, ...]:
                values[setting.name] = _hosts(raw, name)
            else:
                values[setting.name] = raw
        if not values.get("secret_key"):
            values["secret_key"] = _secret_key_from_file(PROJECT_ROOT / "var" / "secret_key")
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """The rules between and within settings that a type cannot express."""
        if len(self.secret_key) < 32:
            raise SettingsError("EMICRONORA_SECRET_KEY must be at least 32 characters long")
        try:
            ZoneInfo(self.event_timezone)
        except Exception:
            raise SettingsError(
                f"EMICRONORA_TIMEZONE is not a known time zone: {self.event_timezone!r}"
            ) from None
        if not self.broadcast_url.startswith(("memory://", "redis://", "rediss://")):
            raise SettingsError("EMICRONORA_BROADCAST_URL must start with memory://, redis:// or rediss://")
        if self.default_locale not in ("fr", "en"):
            raise SettingsError("EMICRONORA_DEFAULT_LOCALE must be fr or en")
        if not self.site_url.startswith(("http://", "https://")):
            raise SettingsError("EMICRONORA_SITE_URL must start with http:// or https://")
        if not _proxies(self.forwarded_allow_ips):
            raise SettingsError(
                "EMICRONORA_FORWARDED_ALLOW_IPS must be * or comma-separated IP addresses or networks, "
                f"not {self.forwarded_allow_ips!r}"
            )
        if not self.meeting_room_url.startswith("https://"):
            raise SettingsError("EMICRONORA_MEETING_ROOM_URL must start with https://")
        if not self.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                "EMICRONORA_DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        try:
            if self.smtp_url:
                parse_smtp_url(self.smtp_url)
        except MailConfigError as error:
            raise SettingsError(f"EMICRONORA_SMTP_URL cannot be used: {error}") from None
        try:
            check_sender(self.mail_from)
        except MailConfigError as error:
            raise SettingsError(f"EMICRONORA_MAIL_FROM cannot be used: {error}") from None
        if self.session_idle_minutes_organiser > self.session_absolute_hours * 60:
            raise SettingsError(
                "EMICRONORA_SESSION_IDLE_MINUTES_ORGANISER cannot be longer than "
                "EMICRONORA_SESSION_ABSOLUTE_HOURS"
            )


def _proxies(value: str) -> bool:
    """Whether uvicorn reads `value` as meant: it takes a mistyped address for a name that never matches."""
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if entries == ["*"]:
        return True
    try:
        for entry in entries:
            ipaddress.ip_network(entry)  # strict, as uvicorn reads it: 10.0.0.1/8 is no network
    except ValueError:
        return False
    return bool(entries)


def env_name(field_name: str, metadata: Any) -> str:
    """A setting's variable: EMICRONORA_ and the field's name, or the name its metadata gives."""
    return "EMICRONORA_" + (metadata.get("env") or field_name.upper())


def settable_variables() -> list[str]:
    """Every variable `from_env` reads, in the order of the fields (the README's table lists them all)."""
    return [env_name(setting.name, setting.metadata) for setting in fields(Settings)]
