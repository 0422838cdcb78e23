"""Who may do what with a company's video: every action against every kind of visitor. A refusal about a
video the visitor may not know of is a 404; the exhibitor area itself answers 403 to non-exhibitors."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from emicronora.models import Video
from tests.conftest import csrf_token
from tests.media.samples import mp4
from tests.videos.factories import ACTORS, People, act_as, add_video, put_file, store_file

LOGIN = "login"  # a redirect to the login page


@dataclass
class Setting:
    client: httpx.AsyncClient
    people: People
    draft: Video
    published: Video
    media_key: str


@pytest.fixture
async def world(client: httpx.AsyncClient, people: People, sessionmaker, settings) -> Setting:
    media = await store_file(sessionmaker, settings, people.company_id, mp4(2000))
    draft = await add_video(sessionmaker, people.company_id, title="Brouillon secret", media=media)
    other_media = await store_file(sessionmaker, settings, people.company_id, mp4(2000))
    published = await add_video(
        sessionmaker, people.company_id, title="Vidéo publiée", published=True, media=other_media
    )
    return Setting(client, people, draft, published, media.key)


async def _post(client: httpx.AsyncClient, path: str, data: dict[str, str] | None = None) -> httpx.Response:
    token = await csrf_token(client, "/videos")
    return await client.post(path, data={"csrf_token": token, **(data or {})})


async def view_draft(w: Setting) -> httpx.Response:
    return await w.client.get(f"/videos/{w.draft.id}")


async def view_draft_media(w: Setting) -> httpx.Response:
    return await w.client.get(f"/media/{w.media_key}")


async def edit_page(w: Setting) -> httpx.Response:
    return await w.client.get(f"/exhibitor-area/videos/{w.draft.id}/edit")


async def edit(w: Setting) -> httpx.Response:
    return await _post(w.client, f"/exhibitor-area/videos/{w.draft.id}/edit", {"title": "Titre changé"})


async def upload(w: Setting) -> httpx.Response:
    return await put_file(w.client, w.draft.id, mp4(3000))


async def publish(w: Setting) -> httpx.Response:
    return await _post(w.client, f"/exhibitor-area/videos/{w.draft.id}/publish")


async def unpublish(w: Setting) -> httpx.Response:
    return await _post(w.client, f"/exhibitor-area/videos/{w.published.id}/unpublish")


async def delete(w: Setting) -> httpx.Response:
    return await _post(w.client, f"/exhibitor-area/videos/{w.draft.id}/delete")


async def create(w: Setting) -> httpx.Response:
    return await _post(w.client, "/exhibitor-area/videos/new", {"title": "Nouvelle", "kind": "upload"})


ACTIONS = {
    #                     anonymous  visitor  other  member  organiser
    view_draft: dict(zip(ACTORS, (404, 404, 404, 200, 200), strict=True)),
    view_draft_media: dict(zip(ACTORS, (404, 404, 404, 200, 200), strict=True)),
    edit_page: dict(zip(ACTORS, (LOGIN, 403, 404, 200, 200), strict=True)),
    edit: dict(zip(ACTORS, (LOGIN, 403, 404, 303, 303), strict=True)),
    upload: dict(zip(ACTORS, (401, 403, 404, 201, 201), strict=True)),
    publish: dict(zip(ACTORS, (LOGIN, 403, 404, 303, 303), strict=True)),
    unpublish: dict(zip(ACTORS, (LOGIN, 403, 404, 303, 303), strict=True)),
    delete: dict(zip(ACTORS, (LOGIN, 403, 404, 303, 303), strict=True)),
    # Another exhibitor creates a video too, for their own company; an organiser has no company to add to.
    create: dict(zip(ACTORS, (LOGIN, 403, 303, 303, 403), strict=True)),
}


async def _state(sessionmaker) -> list[tuple[object, ...]]:
    async with sessionmaker() as db:
        rows = await db.scalars(select(Video).order_by(Video.id))
        return [(v.id, v.company_id, v.title, v.is_published, v.media_id) for v in rows]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS), ids=lambda action: action.__name__)
async def test_video_actions_by_each_kind_of_visitor(
    world: Setting, sessionmaker, actor: str, action
) -> None:
    await act_as(world.client, actor)
    before = await _state(sessionmaker)
    response = await action(world)
    expected = ACTIONS[action][actor]
    if expected == LOGIN:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    else:
        assert response.status_code == expected, response.text
    if expected in (LOGIN, 401, 403, 404):
        # A refused action changed nothing.
        assert await _state(sessionmaker) == before
        assert "Brouillon secret" not in response.text


async def test_a_video_created_by_another_exhibitor_belongs_to_their_company(
    world: Setting, sessionmaker
) -> None:
    await act_as(world.client, "other")
    assert (await create(world)).status_code == 303
    async with sessionmaker() as db:
        created = await db.scalar(select(Video).where(Video.title == "Nouvelle"))
    assert created is not None and created.company_id == world.people.other.company_id


@pytest.mark.parametrize(("actor", "sees"), [("other", False), ("organiser", True)])
async def test_a_company_list_is_for_its_team_and_the_organisers(
    world: Setting, actor: str, sees: bool
) -> None:
    await act_as(world.client, actor)
    response = await world.client.get(f"/exhibitor-area/videos?company={world.people.company_id}")
    assert response.status_code == 200
    assert ("Brouillon secret" in response.text) is sees


async def test_organisers_pick_a_company_and_unknown_ones_are_404(world: Setting) -> None:
    await act_as(world.client, "organiser")
    picker = await world.client.get("/exhibitor-area/videos")
    assert picker.status_code == 200
    assert f'<option value="{world.people.company_id}">Laser Précision SA</option>' in picker.text
    assert (await world.client.get("/exhibitor-area/videos?company=99999")).status_code == 404
    assert (await world.client.get("/exhibitor-area/videos?company=abc")).status_code == 404


async def test_unknown_video_ids_are_404_everywhere(world: Setting) -> None:
    await act_as(world.client, "member")
    assert (await world.client.get("/videos/99999")).status_code == 404
    assert (await world.client.get("/exhibitor-area/videos/99999/edit")).status_code == 404
    assert (await _post(world.client, "/exhibitor-area/videos/99999/delete")).status_code == 404
    assert (await put_file(world.client, 99999, mp4(1000))).status_code == 404


async def test_ids_beyond_the_database_integers_are_404(world: Setting) -> None:
    await act_as(world.client, "organiser")
    huge = 2**40
    assert (await world.client.get(f"/videos/{huge}")).status_code == 404
    assert (await world.client.get(f"/exhibitor-area/videos/{huge}/edit")).status_code == 404
    assert (await world.client.get(f"/exhibitor-area/videos?company={huge}")).status_code == 404
