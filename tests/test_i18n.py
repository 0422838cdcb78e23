"""Every user-facing string is in the French catalogue, and pages render in both languages."""

from __future__ import annotations

import httpx
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from emicronora.i18n import TRANSLATIONS_DIR
from emicronora.settings import PROJECT_ROOT

METHOD_MAP = [
    ("emicronora/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),  # the plain-text parts of e-mails
]
_JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
OPTIONS = {"templates/**.html": _JINJA_OPTIONS, "templates/**.txt": _JINJA_OPTIONS}
KEYWORDS = {"_": None, "gettext": None, "gettext_": None, "ngettext": (1, 2), "lazy": None}


def _extracted_messages() -> set[str]:
    messages: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, METHOD_MAP, OPTIONS, KEYWORDS
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


def test_french_catalogue_translates_every_message_of_the_code_and_templates() -> None:
    with (TRANSLATIONS_DIR / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalogue = read_po(po_file, locale="fr")
    extracted = _extracted_messages()
    assert len(extracted) > 100
    missing = sorted(m for m in extracted if m not in catalogue or not catalogue[m].string)
    fuzzy = sorted(str(m.id) for m in catalogue if m.id and m.fuzzy)
    assert missing == []
    assert fuzzy == []


async def test_pages_speak_french_by_default_and_english_on_request(
    client: httpx.AsyncClient, make_programme
) -> None:
    await make_programme()
    french = await client.get("/programme")
    assert '<html lang="fr">' in french.text
    assert "Tous les jours" in french.text
    assert "mardi 22 septembre 2020" in french.text
    assert "10:00" in french.text
    client.cookies.set("em_lang", "en")
    english = await client.get("/programme")
    assert '<html lang="en">' in english.text
    assert "All days" in english.text
    assert "Tuesday, September 22, 2020" in english.text
    assert "10:00\u202fAM" in english.text


async def test_browser_language_is_not_used_when_french_is_the_default(client: httpx.AsyncClient) -> None:
    # French by default (the fair is French); English only by the switch, kept in a cookie or on the account.
    page = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="fr">' in page.text
