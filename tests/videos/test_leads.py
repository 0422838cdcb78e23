"""'Contact this exhibitor' on a video: the visitor sees and sends what is shared, the lead is stored for
the video's company, and nobody else ever sees it."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from emicronora.models import Lead, Video
from tests.conftest import post_form
from tests.media.samples import mp4
from tests.videos.factories import People, act_as, add_video, store_file

MESSAGE = "Pouvez-vous percer 10 000 micro-trous par heure ?"


async def published(sessionmaker, settings, people: People) -> Video:
    media = await store_file(sessionmaker, settings, people.company_id, mp4(500))
    return await add_video(sessionmaker, people.company_id, media=media, published=True)


async def leads(sessionmaker) -> list[Lead]:
    async with sessionmaker() as db:
        return list((await db.scalars(select(Lead).order_by(Lead.id))).all())


async def test_the_form_is_prefilled_and_says_what_is_shared(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await published(sessionmaker, settings, people)
    await act_as(client, "visitor")
    page = await client.get(f"/videos/{video.id}")
    assert 'value="Vera Visitor"' in page.text
    assert 'value="vera.visitor@example.org"' in page.text
    assert "Send my name, company, e-mail and this message to Laser Précision SA" in page.text


async def test_a_lead_is_stored_for_the_company_with_the_video(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await published(sessionmaker, settings, people)
    await act_as(client, "visitor")
    page = f"/videos/{video.id}"
    response = await post_form(
        client,
        f"/videos/{video.id}/contact",
        {
            "name": "Vera Visitor",
            "company": "Aéro Sud",
            "email": "Vera.Visitor@Example.org",
            "message": MESSAGE,
        },
        token_from=page,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/videos/{video.id}?sent=1#contact"
    [lead] = await leads(sessionmaker)
    assert (lead.company_id, lead.visitor_id, lead.video_id) == (
        people.company_id,
        people.visitor.id,
        video.id,
    )
    assert (lead.name, lead.company_name, lead.email, lead.message) == (
        "Vera Visitor",
        "Aéro Sud",
        "vera.visitor@example.org",
        MESSAGE,
    )
    confirmed = await client.get(response.headers["location"])
    assert "Your message has been sent to Laser Précision SA." in confirmed.text
    assert MESSAGE not in confirmed.text


async def test_a_wrong_field_is_shown_next_to_it_and_nothing_is_stored(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await published(sessionmaker, settings, people)
    await act_as(client, "visitor")
    response = await post_form(
        client,
        f"/videos/{video.id}/contact",
        {"name": "", "email": "not-an-address", "message": MESSAGE},
        token_from=f"/videos/{video.id}",
    )
    assert response.status_code == 400
    assert '<p class="error" id="e-name">This field is required.</p>' in response.text
    assert '<p class="error" id="e-email">Enter a valid e-mail address.</p>' in response.text
    assert MESSAGE in response.text  # kept for the visitor to correct
    assert await leads(sessionmaker) == []


async def test_the_lead_is_shown_to_nobody_but_the_company(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await published(sessionmaker, settings, people)
    await act_as(client, "visitor")
    await post_form(
        client,
        f"/videos/{video.id}/contact",
        {"name": "Vera Visitor", "email": "vera.visitor@example.org", "message": MESSAGE},
        token_from=f"/videos/{video.id}",
    )
    for actor in ("anonymous", "visitor", "other", "organiser", "member"):
        await act_as(client, actor)
        for path in (f"/videos/{video.id}", "/videos", "/exhibitor-area/videos",
                     f"/exhibitor-area/videos?company={people.company_id}"):  # fmt: skip
            assert MESSAGE not in (await client.get(path)).text
    # The company's team sees how many contacts the video brought; the organisers do not.
    own = await client.get("/exhibitor-area/videos")
    assert f'<td data-testid="leads-{video.id}">1</td>' in own.text
    await act_as(client, "organiser")
    assert (
        'data-testid="leads-'
        not in (await client.get(f"/exhibitor-area/videos?company={people.company_id}")).text
    )


async def test_contacting_needs_a_login_and_a_published_video(
    client: httpx.AsyncClient, people: People, sessionmaker, settings
) -> None:
    video = await published(sessionmaker, settings, people)
    draft = await add_video(sessionmaker, people.company_id)
    await act_as(client, "anonymous")
    page = await client.get(f"/videos/{video.id}")
    assert "Log in to contact this exhibitor" in page.text
    anonymous = await post_form(
        client, f"/videos/{video.id}/contact", {"name": "X", "email": "x@example.org"}, token_from="/videos"
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    await act_as(client, "organiser")
    refused = await post_form(
        client, f"/videos/{draft.id}/contact", {"name": "X", "email": "x@example.org"}, token_from="/videos"
    )
    assert refused.status_code == 404
    assert await leads(sessionmaker) == []
