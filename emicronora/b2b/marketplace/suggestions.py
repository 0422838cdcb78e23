"""Suggested partners: a participant's needs matched against the offers of others, and their offers against
the needs of others, scored on shared keywords, themes, sectors and words, with the reason shown
("both: laser welding, medical").

The scoring is a pure function of plain dataclasses (`suggest`); `suggested_partners` reads the
participants from the database and names the overlaps in the visitor's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from emicronora.b2b.marketplace import queries
from emicronora.b2b.marketplace.queries import Participant
from emicronora.i18n import _
from emicronora.models import B2BProfile, CooperationItem
from emicronora.text import fold

DEFAULT_LIMIT = 10
# What an overlap weighs. A keyword is chosen by the participant to describe the item, so it says most;
# a theme or a sector is broad; text similarity (Jaccard, 0 to 1) is scaled to weigh like a few keywords.
KEYWORD_WEIGHT = 3.0
THEME_WEIGHT = 2.0
SECTOR_WEIGHT = 1.0
TEXT_WEIGHT = 10.0
# Two items sharing neither keyword, theme nor sector match on their words only when they share this
# many: one common word ("high", "parts") says little.
MIN_SHARED_WORDS = 2
MAX_REASON_TOPICS = 5
SCORE_DIGITS = 3

WORD = re.compile(r"\w+")
ENGLISH_STOP_WORDS = """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not now
    of off on once only or other our ours out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what when
    where which while who whom why will with within would you your yours
"""
# Written without accents: words are compared folded (emicronora.text.fold).
FRENCH_STOP_WORDS = """
    au aux avec ce ces cet cette dans de des du elle elles en et etre ete est sont sommes etes eux il ils
    je la le les leur leurs lui ma mais me meme mes moi mon ne ni nos notre nous on ou par pas pour qu que
    qui sa se ses son sur ta te tes toi ton tu un une vos votre vous y plus tres tout tous toute toutes
    comme afin ainsi dont entre sans sous chez vers ont avons avez fait faire peut
"""
# The words every brokerage item uses ("looking for a partner", "nous proposons"): counted, they would make
# every need look like every offer.
BROKERAGE_WORDS = """
    looking seek seeking search searching partner partners need needs needed offer offers offering
    provide provides providing propose company companies supplier suppliers buyer buyers
    recherche recherchons cherche cherchons partenaire partenaires besoin besoins offre offres
    proposons entreprise entreprises societe fournisseur fournisseurs client clients
"""
STOP_WORDS = frozenset((ENGLISH_STOP_WORDS + FRENCH_STOP_WORDS + BROKERAGE_WORDS).split())


# --- words ------------------------------------------------------------------------------------------------


def word_key(word: str) -> str | None:
    """A word as compared: folded, a plural "s" dropped; None for stop words, numbers and single letters."""
    folded = fold(word)
    if len(folded) < 2 or folded.isdigit() or folded in STOP_WORDS:
        return None
    if len(folded) > 3 and folded.endswith("s") and not folded.endswith("ss"):
        folded = folded[:-1]
    return folded


def words(text: str) -> dict[str, str]:
    """The text's significant words: key -> the word as first written (lowercase), in order of appearance."""
    found: dict[str, str] = {}
    for word in WORD.findall(text):
        key = word_key(word)
        if key is not None and key not in found:
            found[key] = word.lower()
    return found


def phrase_key(phrase: str) -> str:
    """A keyword as compared: its significant words; "Laser-Welding" and "laser welding" are one."""
    keys = [key for key in (word_key(word) for word in WORD.findall(phrase)) if key is not None]
    return " ".join(keys) if keys else fold(phrase).strip()


# --- scoring ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """An offer or a need, as the scoring sees it."""

    id: int
    kind: str
    title: str
    description: str = ""
    themes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: CooperationItem) -> Item:
        return cls(
            id=item.id,
            kind=item.kind,
            title=item.title,
            description=item.description,
            themes=tuple(item.themes or ()),
            sectors=tuple(item.sectors or ()),
            keywords=tuple(item.keywords or ()),
        )

    def words(self) -> dict[str, str]:
        return words(" ".join([self.title, *self.keywords, self.description]))


@dataclass(frozen=True)
class Candidate:
    profile_id: int
    role: str
    items: tuple[Item, ...]
    is_active: bool = True


@dataclass(frozen=True)
class Overlap:
    """What two items share, in the order of the first item (the viewer's), in its spelling."""

    keywords: tuple[str, ...]
    themes: tuple[str, ...]
    sectors: tuple[str, ...]
    words: tuple[str, ...]
    similarity: float

    @property
    def score(self) -> float:
        total = (
            KEYWORD_WEIGHT * len(self.keywords)
            + THEME_WEIGHT * len(self.themes)
            + SECTOR_WEIGHT * len(self.sectors)
            + TEXT_WEIGHT * self.similarity
        )
        return round(total, SCORE_DIGITS)

    @property
    def counts(self) -> bool:
        return bool(self.keywords or self.themes or self.sectors) or len(self.words) >= MIN_SHARED_WORDS


@dataclass(frozen=True)
class Match:
    """One of the viewer's items (`mine`) meeting one of the partner's (`theirs`): a need and an offer."""

    mine: Item
    theirs: Item
    overlap: Overlap


@dataclass(frozen=True)
class Suggestion:
    profile_id: int
    score: float
    # The best pair of items, which the reason is about.
    match: Match
    # How many of the two participants' need-offer pairs match at all.
    pairs: int


def compatible(role: str, other: str) -> bool:
    """Buyers meet suppliers and the other way round; a participant who is both meets anyone."""
    return role == "both" or other == "both" or role != other


def overlap(mine: Item, theirs: Item) -> Overlap:
    their_keywords = {phrase_key(keyword) for keyword in theirs.keywords}
    my_words, their_words = mine.words(), theirs.words()
    shared = [key for key in my_words if key in their_words]
    union = len(my_words.keys() | their_words.keys())
    return Overlap(
        keywords=tuple(keyword for keyword in mine.keywords if phrase_key(keyword) in their_keywords),
        themes=tuple(slug for slug in mine.themes if slug in theirs.themes),
        sectors=tuple(slug for slug in mine.sectors if slug in theirs.sectors),
        words=tuple(my_words[key] for key in shared),
        similarity=len(shared) / union if union else 0.0,
    )


def _matches(mine: Iterable[Item], theirs: Iterable[Item]) -> list[Match]:
    their_items = list(theirs)
    found = []
    for my_item in mine:
        for their_item in their_items:
            # A need meets an offer; two offers (or two needs) make no business together.
            if my_item.kind == their_item.kind:
                continue
            shared = overlap(my_item, their_item)
            if shared.counts:
                found.append(Match(mine=my_item, theirs=their_item, overlap=shared))
    return found


def suggest(me: Candidate, others: Iterable[Candidate], limit: int = DEFAULT_LIMIT) -> list[Suggestion]:
    """The `limit` best partners for `me`: never `me`, never an inactive profile, never someone of the same
    single role. Best first: highest score of a pair of items, then most matching pairs, then oldest
    profile."""
    found = []
    for other in others:
        if other.profile_id == me.profile_id or not other.is_active or not compatible(me.role, other.role):
            continue
        matches = _matches(me.items, other.items)
        if not matches:
            continue
        # The first of equal pairs is kept: the viewer's items and the partner's in their stored order.
        best = max(matches, key=lambda match: match.overlap.score)
        found.append(
            Suggestion(profile_id=other.profile_id, score=best.overlap.score, match=best, pairs=len(matches))
        )
    found.sort(key=lambda suggestion: (-suggestion.score, -suggestion.pairs, suggestion.profile_id))
    return found[:limit]


def reason_topics(
    shared: Overlap, theme_names: Mapping[str, str], sector_names: Mapping[str, str]
) -> list[str]:
    """What to name in the reason, most telling first: keywords, themes, sectors, then the shared words
    that none of those already says."""
    topics = [
        *shared.keywords,
        *(theme_names.get(slug, slug).lower() for slug in shared.themes),
        *(sector_names.get(slug, slug).lower() for slug in shared.sectors),
    ]
    said = {key for topic in topics for key in words(topic)}
    topics.extend(word for word in shared.words if word_key(word) not in said)
    return list(dict.fromkeys(topics))[:MAX_REASON_TOPICS]


def reason(shared: Overlap, theme_names: Mapping[str, str], sector_names: Mapping[str, str]) -> str:
    """The reason shown, such as "both: laser welding, medical", in the visitor's language."""
    return _("both: %(topics)s", topics=", ".join(reason_topics(shared, theme_names, sector_names)))


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestedPartner:
    participant: Participant
    suggestion: Suggestion
    reason: str


def candidate(participant: Participant) -> Candidate:
    return Candidate(
        profile_id=participant.profile.id,
        role=participant.profile.role,
        items=tuple(Item.of(item) for item in participant.items),
        is_active=participant.profile.is_active and participant.user.is_active,
    )


async def suggested_partners(
    db: AsyncSession, profile: B2BProfile, locale: str, limit: int = DEFAULT_LIMIT
) -> list[SuggestedPartner]:
    """The best partners for the profile among the active participants, each with the reason."""
    others = await queries.active_participants(db)
    mine = await queries.items_of(db, profile.id)
    me = Candidate(profile_id=profile.id, role=profile.role, items=tuple(Item.of(item) for item in mine))
    found = suggest(me, (candidate(other) for other in others), limit)
    names = await queries.vocabulary(db, locale)
    by_id = {other.profile.id: other for other in others}
    return [
        SuggestedPartner(
            participant=by_id[suggestion.profile_id],
            suggestion=suggestion,
            reason=reason(suggestion.match.overlap, names.themes, names.sectors),
        )
        for suggestion in found
    ]
