"""Text helpers every area shares: accent folding (for search and word matching) and slugs for addresses."""

from __future__ import annotations

import re
import unicodedata

# Letters that Unicode does not decompose but that PostgreSQL's `unaccent` spells out: folding must give the
# same text on both databases, or a search would find different things on SQLite and PostgreSQL.
_SPELLED_OUT = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d"}
)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase without accents: "Étalonnage", "ETALONNAGE" and "etalonnage" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def slugify(name: str, *, max_length: int = 80, fallback: str = "item") -> str:
    """An address part from a name: accents dropped, lowercase a-z0-9 words joined by hyphens."""
    slug = _NOT_SLUG.sub("-", fold(name).encode("ascii", "ignore").decode("ascii")).strip("-")
    # Cut on a hyphen when possible so that the address does not end in half a word.
    if len(slug) > max_length:
        slug = slug[:max_length]
        slug = slug.rsplit("-", 1)[0] if "-" in slug else slug
    return slug.strip("-") or fallback
