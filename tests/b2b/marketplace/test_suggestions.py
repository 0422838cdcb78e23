"""Suggested partners: the pure scoring on hand-made profiles (exact scores and reasons), and the page a
participant sees, in English."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.b2b.marketplace.suggestions import (
    Candidate,
    Item,
    compatible,
    overlap,
    phrase_key,
    reason,
    suggest,
    word_key,
    words,
)
from emicronora.i18n import current_locale
from emicronora.models import User
from tests.b2b.profile_world import People, add_profile, give_company, log_in_as, make_people


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Domain functions called outside a request speak the default locale: these tests read English."""
    token = current_locale.set("en")
    yield
    current_locale.reset(token)


THEMES = {"laser": "Laser processes", "metrology": "Metrology"}
SECTORS = {"health": "Health and medical devices", "aeronautics": "Aeronautics"}

MY_NEED = Item(
    10,
    "need",
    "Laser welding of hermetic medical housings",
    themes=("laser",),
    sectors=("health",),
    keywords=("laser welding", "hermetic"),
)
WELDER = Item(
    20,
    "offer",
    "Laser welding of titanium housings",
    themes=("laser",),
    sectors=("health", "aeronautics"),
    keywords=("Laser-Welding", "titanium"),
)
MACHINIST = Item(50, "offer", "Micro-machining of medical parts", sectors=("health",))


def buyer(*items: Item, profile_id: int = 1) -> Candidate:
    return Candidate(profile_id=profile_id, role="buyer", items=items)


# --- words ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Étalonnage", "etalonnage"),
        ("housings", "housing"),  # plurals fold
        ("process", "process"),  # but not a double s
        ("gas", "gas"),  # nor a short word
        ("the", None),  # English stop word
        ("être", None),  # French stop word, written with its accent
        ("partenaires", None),  # what every brokerage item says
        ("42", None),
        ("x", None),
        ("3D", "3d"),
    ],
)
def test_word_key_folds_case_accents_and_plurals(word: str, key: str | None) -> None:
    assert word_key(word) == key


def test_words_keep_the_first_spelling_in_order() -> None:
    assert words("Soudage laser des boîtiers; LASERS et boîtier") == {
        "soudage": "soudage",
        "laser": "laser",
        "boitier": "boîtiers",
    }


def test_phrase_key_ignores_punctuation_and_case() -> None:
    assert phrase_key("Laser-Welding") == phrase_key("laser  welding") == "laser welding"


@pytest.mark.parametrize(
    ("role", "other", "expected"),
    [
        ("buyer", "supplier", True),
        ("supplier", "buyer", True),
        ("buyer", "buyer", False),
        ("supplier", "supplier", False),
        ("both", "buyer", True),
        ("both", "supplier", True),
        ("buyer", "both", True),
        ("both", "both", True),
    ],
)
def test_compatible_roles(role: str, other: str, expected: bool) -> None:
    assert compatible(role, other) is expected


# --- scoring ----------------------------------------------------------------------------------------------


def test_overlap_of_a_need_and_an_offer() -> None:
    shared = overlap(MY_NEED, WELDER)
    assert shared.keywords == ("laser welding",)
    assert shared.themes == ("laser",)
    assert shared.sectors == ("health",)
    # Mine: laser welding hermetic medical housing; theirs: laser welding titanium housing.
    assert shared.words == ("laser", "welding", "housings")
    assert shared.similarity == 3 / 6
    # 3 (keyword) + 2 (theme) + 1 (sector) + 10 x 0.5 (words).
    assert shared.score == 11.0


def test_suggest_ranks_partners_with_the_reason() -> None:
    others = [
        Candidate(2, "supplier", (WELDER,)),
        Candidate(3, "supplier", (Item(30, "offer", "Dimensional metrology", themes=("metrology",)),)),
        Candidate(5, "both", (MACHINIST,)),
    ]
    found = suggest(buyer(MY_NEED), others)
    assert [(s.profile_id, s.score, s.pairs) for s in found] == [(2, 11.0, 1), (5, 2.25, 1)]
    assert found[0].match.mine == MY_NEED
    assert found[0].match.theirs == WELDER
    assert reason(found[0].match.overlap, THEMES, SECTORS) == (
        "both: laser welding, laser processes, health and medical devices, housings"
    )
    # "medical" is already said by the sector: the reason does not repeat it.
    assert found[1].match.overlap.words == ("medical",)
    assert reason(found[1].match.overlap, THEMES, SECTORS) == "both: health and medical devices"


def test_suggest_never_suggests_oneself_an_inactive_profile_or_the_same_role() -> None:
    others = [
        Candidate(1, "supplier", (WELDER,)),  # my own profile id
        Candidate(6, "supplier", (WELDER,), is_active=False),
        Candidate(4, "buyer", (WELDER,)),  # two buyers
    ]
    assert suggest(buyer(MY_NEED), others) == []


def test_suggest_matches_needs_with_offers_only() -> None:
    other_need = Item(21, "need", WELDER.title, themes=WELDER.themes, keywords=WELDER.keywords)
    assert suggest(buyer(MY_NEED), [Candidate(2, "supplier", (other_need,))]) == []


def test_suggest_matches_my_offers_with_their_needs_too() -> None:
    my_offer = Item(11, "offer", WELDER.title, themes=WELDER.themes, keywords=WELDER.keywords)
    me = Candidate(1, "both", (my_offer,))
    found = suggest(me, [Candidate(2, "buyer", (MY_NEED,))])
    assert [(s.profile_id, s.match.mine.id, s.match.theirs.id) for s in found] == [(2, 11, 10)]
    # Reason in my own spelling of the keyword.
    assert reason(found[0].match.overlap, THEMES, SECTORS) == "both: Laser-Welding, laser processes, housings"


def test_suggest_needs_two_shared_words_when_nothing_else_is_shared() -> None:
    need = Item(10, "need", "Ceramic injection moulding")
    one_word = Item(20, "offer", "Ceramic coatings")
    two_words = Item(30, "offer", "Injection moulding of ceramic parts")
    found = suggest(
        buyer(need), [Candidate(2, "supplier", (one_word,)), Candidate(3, "supplier", (two_words,))]
    )
    assert [s.profile_id for s in found] == [3]
    # ceramic injection moulding shared, of 4 words (part is theirs only).
    assert found[0].score == 7.5
    assert reason(found[0].match.overlap, THEMES, SECTORS) == "both: ceramic, injection, moulding"


def test_suggest_folds_accents_and_plurals() -> None:
    need = Item(10, "need", "Étalonnage de capteurs")
    offer = Item(20, "offer", "Etalonnages et capteur")
    found = suggest(buyer(need), [Candidate(2, "supplier", (offer,))])
    assert [(s.profile_id, s.score) for s in found] == [(2, 10.0)]
    assert reason(found[0].match.overlap, THEMES, SECTORS) == "both: étalonnage, capteurs"


def test_suggest_orders_ties_by_matching_pairs_then_profile() -> None:
    need = Item(10, "need", "Anything", themes=("laser",))
    other_need = Item(11, "need", "Else", themes=("laser",))
    offer = Item(20, "offer", "Something", themes=("laser",))
    others = [
        Candidate(7, "supplier", (offer,)),
        Candidate(3, "supplier", (offer,)),
        Candidate(9, "supplier", (offer, Item(21, "offer", "More", themes=("laser",)))),
    ]
    found = suggest(buyer(need, other_need), others)
    assert [(s.profile_id, s.score, s.pairs) for s in found] == [(9, 2.0, 4), (3, 2.0, 2), (7, 2.0, 2)]
    assert [s.profile_id for s in suggest(buyer(need), others, limit=2)] == [9, 3]


# --- the page ---------------------------------------------------------------------------------------------


@pytest.fixture
async def people(
    make_user: Callable[..., Awaitable[User]], sessionmaker: async_sessionmaker[AsyncSession]
) -> People:
    """Paula (supplier) offers laser welding; Otto (buyer) needs it; Sam, another supplier, and Nina, a
    buyer with nothing in common, are never suggested to Paula."""
    people = await make_people(make_user, sessionmaker)
    sam = await make_user("sam.supplier@example.org", name="Sam Supplier")
    await add_profile(
        sessionmaker,
        sam.id,
        "supplier",
        "Laser",
        items=[{"kind": "need", "title": "Laser welding of titanium housings", "themes": ["laser"]}],
    )
    nina = await make_user("nina.nothing@example.org", name="Nina Nothing")
    await give_company(sessionmaker, nina.id, "Nothing SA", "CH")
    await add_profile(
        sessionmaker, nina.id, "buyer", "Packaging", items=[{"kind": "need", "title": "Cardboard boxes"}]
    )
    return people


def texts(page: str, testid: str) -> list[str]:
    return [" ".join(part.split("</p>")[0].split()) for part in page.split(f'data-testid="{testid}">')[1:]]


async def test_suggestions_page_shows_partners_with_reason(people: People, client: httpx.AsyncClient) -> None:
    await log_in_as(client, "participant")
    page = (await client.get("/b2b/suggestions")).text
    assert f'<h2><a href="/b2b/participants/{people.otto_profile.id}">Aerotech GmbH</a></h2>' in page
    assert texts(page, "pair") == [
        "Your offer “Laser welding of titanium housings” and their need “Hermetic sensor housings”"
    ]
    assert texts(page, "reason") == ["both: laser welding, laser processes, housings, hermetic"]
    assert f'<a class="button small" href="/b2b/requests/new?to={people.otto_profile.id}">' in page


async def test_suggestions_page_for_a_buyer_and_in_french(people: People, client: httpx.AsyncClient) -> None:
    await log_in_as(client, "other_participant")
    page = (await client.get("/b2b/suggestions")).text
    assert texts(page, "pair") == [
        "Your need “Hermetic sensor housings” and their offer “Laser welding of titanium housings”"
    ]
    assert texts(page, "reason") == ["both: laser welding, laser processes, hermetic, housings"]
    client.cookies.set("em_lang", "fr")
    page = (await client.get("/b2b/suggestions")).text
    # Theme names come from the programme, in the visitor's language.
    assert "procédés laser" in texts(page, "reason")[0]


async def test_suggestions_page_asks_to_join_or_to_add_items(
    people: People, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await log_in_as(client, "attendee")
    page = (await client.get("/b2b/suggestions")).text
    assert 'data-testid="suggestions-join"' in page
    await add_profile(sessionmaker, people.ada.id, "buyer", "No items yet")
    page = (await client.get("/b2b/suggestions")).text
    assert 'data-testid="suggestions-items"' in page
    assert 'data-testid="suggestion"' not in page
