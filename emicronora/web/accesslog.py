"""Secret links out of the access log: the personal calendar feed, e-mail confirmation, password reset and
team invitation addresses carry a token that opens something on its own, which uvicorn's access log
(`uvicorn.access`) would keep in every log file and log shipper. A filter on that logger writes the path
with the token replaced, whoever started uvicorn (`emicronora serve`, or the Procfile through the app's
lifespan)."""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
# Each is followed by a token (up to the next "/", ".", "?" or "#"): /calendar/u/<token>.ics and so on.
SECRET_PATHS = ("/calendar/u/", "/account/confirm/", "/account/reset/", "/invitations/")
REDACTED = "[redacted]"
_SECRET = re.compile("(" + "|".join(re.escape(prefix) for prefix in SECRET_PATHS) + r")[^/.?#\s]+")


def redact(path: str) -> str:
    """The path (with its query) with every secret token replaced."""
    return _SECRET.sub(lambda match: match.group(1) + REDACTED, path)


class RedactSecrets(logging.Filter):
    """uvicorn logs an access with (client, method, path and query, HTTP version, status): the path is
    redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def install() -> None:
    """Adds the filter to uvicorn's access logger, once however often it is called."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())
