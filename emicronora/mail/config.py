"""Where mail goes, read from one URL: `smtp://user:pass@host:587?starttls=1`, `smtps://host`, or
`file:///folder` (development: one .eml file per message).

It imports nothing from the application, so that `emicronora.settings` can check the URL at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class MailConfigError(ValueError):
    """The URL cannot be used; the message says why, without the password."""


@dataclass(frozen=True)
class MailServer:
    scheme: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False
    timeout: float = 30.0
    folder: Path | None = None


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise MailConfigError(f"{name} must be 1 or 0, not {value!r}")


def parse_smtp_url(url: str) -> MailServer:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise MailConfigError(f"it is not a valid URL ({error})") from None
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise MailConfigError("a file URL needs an absolute folder: file:///path/to/folder")
        return MailServer(scheme="file", folder=Path(unquote(parts.path)))
    if parts.scheme not in DEFAULT_PORTS:
        raise MailConfigError(f"the scheme must be smtp, smtps or file, not {parts.scheme!r}")
    if not parts.hostname:
        raise MailConfigError("the mail server's host name is missing, e.g. smtp://mail.example.org:587")
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise MailConfigError(f"its options cannot be read: {parts.query!r}") from None
    unknown = set(query) - {"starttls", "timeout"}
    if unknown:
        raise MailConfigError(f"unknown option(s) {', '.join(sorted(unknown))}; known: starttls, timeout")
    starttls = _flag(query["starttls"][-1], "starttls") if "starttls" in query else False
    if starttls and parts.scheme == "smtps":
        raise MailConfigError("smtps:// is already encrypted; use smtp://...?starttls=1 for STARTTLS")
    timeout = 30.0
    if "timeout" in query:
        try:
            timeout = float(query["timeout"][-1])
        except ValueError:
            raise MailConfigError("timeout must be a number of seconds") from None
        if not 0 < timeout <= 600:
            raise MailConfigError("timeout must be between 0 and 600 seconds")
    if parts.password is not None and not parts.username:
        raise MailConfigError("a password is given without a user name")
    return MailServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        starttls=starttls,
        timeout=timeout,
    )


def check_sender(value: str) -> str:
    """`Name <address>` or a bare address; returns it unchanged when usable."""
    _name, address = parseaddr(value)
    local, _at, domain = address.partition("@")
    if not local or "." not in domain or any(c in value for c in "\r\n"):
        raise MailConfigError(
            f"it must be an address such as 'e-Micronora <noreply@example.org>', not {value!r}"
        )
    return value
