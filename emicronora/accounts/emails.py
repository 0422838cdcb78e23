"""E-mail addresses as accounts hold them: the shape accepted, the form they are stored and compared in."""

from __future__ import annotations

import re

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MAX_EMAIL = 254


def normalise_email(email: str) -> str:
    return email.strip().lower()
