"""Validating what a participant types into their B2B profile and its offers and needs: each function
returns the clean values, or None with one message per wrong field in the Form."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from emicronora.forms import Form
from emicronora.i18n import _
from emicronora.models import B2B_ROLES, ITEM_KINDS, B2BProfile, CooperationItem
from emicronora.showroom import domain

MAX_HEADLINE = 200
MAX_DESCRIPTION = 5_000
MAX_ITEM_TITLE = 200
MAX_ITEM_DESCRIPTION = 5_000
# Enough for a company's real offers and needs; beyond that a profile reads like a catalogue.
MAX_ITEMS = 10
MAX_KEYWORDS = 10
MAX_KEYWORD_LENGTH = 40
MAX_MEETINGS = 50
KEYWORD_SEPARATORS = re.compile(r"[,;\n]")
# Where the "too many items" message goes: it concerns the profile, not one field of the item form.
ITEMS_ERROR = "items"


@dataclass(frozen=True)
class ProfileFields:
    role: str
    headline: str
    description: str
    max_meetings: int | None


def profile_values(profile: B2BProfile) -> dict[str, str]:
    return {
        "role": profile.role,
        "headline": profile.headline,
        "description": profile.description,
        "max_meetings": "" if profile.max_meetings is None else str(profile.max_meetings),
    }


def validate_profile(form: Form) -> ProfileFields | None:
    """The profile's new values (fields role, headline, description, max_meetings), or None with one message
    per wrong field."""
    role = form.choice("role", B2B_ROLES)
    headline = form.text("headline", max_length=MAX_HEADLINE)
    description = form.text("description", max_length=MAX_DESCRIPTION, required=False, multiline=True)
    max_meetings = form.integer("max_meetings", required=False)
    if max_meetings is not None and not 1 <= max_meetings <= MAX_MEETINGS:
        form.error("max_meetings", _("Enter a number from %(low)s to %(high)s.", low=1, high=MAX_MEETINGS))
    if not form.ok:
        return None
    return ProfileFields(role=role, headline=headline, description=description, max_meetings=max_meetings)


# --- cooperation items ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemFields:
    kind: str
    title: str
    description: str
    themes: list[str]
    sectors: list[str]
    keywords: list[str]


def item_values(item: CooperationItem) -> dict[str, str]:
    return {
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "themes": ",".join(item.themes or []),
        "sectors": ",".join(item.sectors or []),
        "keywords": ", ".join(item.keywords or []),
    }


def parse_keywords(raw: str) -> list[str]:
    """Keywords as typed, separated by commas, semicolons or lines; inner spaces collapsed, duplicates
    (whatever their case) dropped, the first spelling kept."""
    seen: set[str] = set()
    keywords = []
    for part in KEYWORD_SEPARATORS.split(raw):
        keyword = " ".join(part.split())
        if keyword and keyword.casefold() not in seen:
            seen.add(keyword.casefold())
            keywords.append(keyword)
    return keywords


def _checked_slugs(form: Form, name: str, allowed: Collection[str]) -> list[str]:
    chosen = domain.parse_slugs(form.values.get(name, ""))
    if any(slug not in allowed for slug in chosen):
        form.error(name, _("Choose among the options listed."))
    return chosen


def validate_item(form: Form, theme_slugs: Collection[str]) -> ItemFields | None:
    """The item's values (fields kind, title, description, themes, sectors, keywords), or None with one
    message per wrong field. Themes are the programme's, sectors the showroom's (domain.SECTORS)."""
    kind = form.choice("kind", ITEM_KINDS)
    title = form.text("title", max_length=MAX_ITEM_TITLE)
    description = form.text("description", max_length=MAX_ITEM_DESCRIPTION, required=False, multiline=True)
    themes = _checked_slugs(form, "themes", theme_slugs)
    sectors = _checked_slugs(form, "sectors", domain.SECTORS)
    keywords = parse_keywords(form.values.get("keywords", ""))
    if len(keywords) > MAX_KEYWORDS:
        form.error("keywords", _("At most %(max)s keywords.", max=MAX_KEYWORDS))
    elif any(len(keyword) > MAX_KEYWORD_LENGTH for keyword in keywords):
        form.error("keywords", _("Each keyword has at most %(max)s characters.", max=MAX_KEYWORD_LENGTH))
    if not form.ok:
        return None
    return ItemFields(
        kind=kind, title=title, description=description, themes=themes, sectors=sectors, keywords=keywords
    )
