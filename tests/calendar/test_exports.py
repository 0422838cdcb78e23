"""The organiser's agenda export names each participant's file after them (the shared slugify)."""

from __future__ import annotations

from emicronora.calendar.exports import ParticipantAgenda, file_name


def agenda(name: str, user_id: int = 12) -> ParticipantAgenda:
    return ParticipantAgenda(user_id=user_id, name=name, email="", company="", items=())


def test_file_name_is_the_ascii_slug_of_the_name_and_the_id() -> None:
    assert file_name(agenda("Camille Acheteuse")) == "camille-acheteuse-12.ics"
    assert file_name(agenda("Zoé Œuvray-Électronique")) == "zoe-oeuvray-electronique-12.ics"


def test_file_name_of_a_name_without_letters_falls_back_to_participant() -> None:
    assert file_name(agenda("李小龙", 7)) == "participant-7.ics"


def test_file_name_of_a_long_name_stays_within_sixty_characters_before_the_id() -> None:
    name = file_name(agenda("Anne-Marie " * 12, 3))
    slug = name.removesuffix("-3.ics")
    assert len(slug) <= 60 and not slug.endswith("-") and slug.startswith("anne-marie-anne-marie")
