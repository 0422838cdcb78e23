from __future__ import annotations

import httpx
from sqlalchemy import func, select

from emicronora.models import Company, PitchCall, PitchProposal, Video
from tests.conftest import login, post_form

PAGE = "/exhibitor-area/pitches"


def proposal(theme_id: int, **changes: str) -> dict[str, str]:
    return {
        "theme_id": str(theme_id),
        "title": "Soudage laser sans contact",
        "summary": "Un procédé breveté.",
        "speaker_name": "Marie Dupont",
        "video_id": "",
        **changes,
    }


async def count(sessionmaker) -> int:
    async with sessionmaker() as db:
        return await db.scalar(select(func.count()).select_from(PitchProposal))


async def test_exhibitor_submits_a_proposal_and_reads_the_organisers_decision(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker
) -> None:
    programme = await make_programme()
    laser = programme["themes"][0]
    await make_user("expo@example.org", exhibitor=True, name="Eve Exhibitor")
    client.cookies.set("em_lang", "en")
    await login(client, "expo@example.org")
    response = await post_form(client, PAGE, proposal(laser.id), token_from=PAGE)
    assert response.status_code == 303
    page = (await client.get(PAGE)).text
    assert "Soudage laser sans contact" in page and "Submitted" in page
    async with sessionmaker() as db:
        stored = await db.scalar(select(PitchProposal))
    await post_form(client, "/logout", {}, token_from=PAGE)

    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    refused = await post_form(
        client,
        f"/organiser/pitches/{stored.id}/review",
        {"decision": "reject", "message": ""},
        token_from="/organiser/pitches",
    )
    assert refused.status_code == 400
    assert "This field is required." in refused.text  # a rejection says why
    accepted = await post_form(
        client,
        f"/organiser/pitches/{stored.id}/review",
        {"decision": "accept", "message": "Bienvenue !"},
        token_from="/organiser/pitches",
    )
    assert accepted.status_code == 303
    await post_form(client, "/logout", {}, token_from="/organiser/pitches")

    await login(client, "expo@example.org")
    page = (await client.get(PAGE)).text
    assert "Accepted" in page and "Bienvenue !" in page


async def test_proposal_bad_inputs_are_shown_next_to_fields_and_nothing_is_stored(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker
) -> None:
    programme = await make_programme()
    laser, metrology = programme["themes"]
    async with sessionmaker() as db, db.begin():
        db.add(PitchCall(theme_id=metrology.id, is_open=False))
        other = Company(name="Other", country="FR", is_exhibitor=True)
        db.add(other)
        await db.flush()
        foreign_video = Video(company_id=other.id, title="Not yours", source="youtube")
        db.add(foreign_video)
    await make_user("expo@example.org", exhibitor=True)
    client.cookies.set("em_lang", "en")
    await login(client, "expo@example.org")
    cases = [
        (proposal(laser.id, title=""), "This field is required."),
        (proposal(metrology.id), "The call for pitches of this theme is closed."),
        (proposal(999999), "This theme does not exist."),
        (proposal(laser.id, video_id=str(foreign_video.id)), "Choose one of your own videos."),
        (proposal(laser.id, summary="x" * 3001), "At most 3000 characters."),
    ]
    for data, message in cases:
        response = await post_form(client, PAGE, data, token_from=PAGE)
        assert response.status_code == 400, message
        assert message in response.text
    assert await count(sessionmaker) == 0


async def test_only_exhibitors_propose_and_only_organisers_review(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker
) -> None:
    programme = await make_programme()
    await make_user("ada@example.org")
    await login(client, "ada@example.org")
    assert (await client.get(PAGE)).status_code == 403
    assert (await client.get("/organiser/pitches")).status_code == 403
    await post_form(client, "/logout", {}, token_from="/")
    await make_user("expo@example.org", exhibitor=True)
    await login(client, "expo@example.org")
    await post_form(client, PAGE, proposal(programme["themes"][0].id), token_from=PAGE)
    async with sessionmaker() as db:
        stored = await db.scalar(select(PitchProposal))
    review = await post_form(
        client, f"/organiser/pitches/{stored.id}/review", {"decision": "accept"}, token_from=PAGE
    )
    assert review.status_code == 403
    await post_form(client, "/logout", {}, token_from="/")
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    assert (
        await post_form(client, "/organiser/pitches/424242/review", {"decision": "accept"})
    ).status_code == 404


async def test_organiser_closes_and_reopens_a_call(
    client: httpx.AsyncClient, make_programme, make_user, sessionmaker
) -> None:
    programme = await make_programme()
    laser = programme["themes"][0]
    await make_user("org@example.org", organiser=True)
    await login(client, "org@example.org")
    await post_form(
        client, f"/organiser/pitches/calls/{laser.id}", {"open": "0"}, token_from="/organiser/pitches"
    )
    async with sessionmaker() as db:
        assert await db.scalar(select(PitchCall.is_open).where(PitchCall.theme_id == laser.id)) is False
    await post_form(
        client, f"/organiser/pitches/calls/{laser.id}", {"open": "1"}, token_from="/organiser/pitches"
    )
    async with sessionmaker() as db:
        assert await db.scalar(select(PitchCall.is_open).where(PitchCall.theme_id == laser.id)) is True
