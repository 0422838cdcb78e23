"""What a showroom is made of, apart from storage: sectors served, addresses (slugs), paragraphs, names."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from emicronora.i18n import _, babel_locale, lazy

# The sectors an exhibitor serves: the buyers' markets of Micronora. Labels are translated where shown.
SECTORS: dict[str, str] = {
    "aeronautics": lazy("Aeronautics"),
    "automotive": lazy("Automotive"),
    "health": lazy("Health and medical devices"),
    "equipment": lazy("Industrial equipment"),
    "energy": lazy("Energy"),
    "watchmaking": lazy("Watchmaking"),
    "luxury": lazy("Luxury goods"),
    "defence": lazy("Defence"),
    "space": lazy("Space"),
    "electronics": lazy("Electronics"),
    "research": lazy("Research"),
}

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
FALLBACK_SLUG = "exhibitor"
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def numbered_slug(base: str, number: int) -> str:
    """`base-2`, `base-3` ...: the next address to try when `base` is taken, still within MAX_SLUG."""
    suffix = f"-{number}"
    return base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix


def is_web_address(url: str) -> bool:
    """An http(s) address with a host and no spaces: what may be shown as a link to the company's site."""
    if any(char.isspace() for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and "." in (parts.hostname or "")


def paragraphs(text: str) -> list[list[str]]:
    """A long text cut into paragraphs (on blank lines), each a list of its lines, for escaped rendering."""
    result = []
    for block in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            result.append(lines)
    return result


def sector_label(slug: str) -> str:
    return _(SECTORS[slug]) if slug in SECTORS else slug


def country_name(code: str) -> str:
    """The country's name in the visitor's language (Babel), or the code when Babel does not know it."""
    return babel_locale().territories.get(code, code) if code else ""


def parse_slugs(raw: str) -> list[str]:
    """Checkbox values as read by `read_form` (repeated fields joined with commas), deduplicated in order."""
    return list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
