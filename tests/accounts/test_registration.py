from __future__ import annotations

import httpx
from sqlalchemy import func, select

from emicronora.models import LoginSession, User
from tests.conftest import PASSWORD, post_form

VALID = {
    "name": "Jeanne Buyer",
    "email": "Jeanne@Example.org",
    "company": "AéroBesançon",
    "country": "FR",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "terms": "on",
}


async def test_registration_creates_account_logs_in_and_hashes_with_argon2id(
    client: httpx.AsyncClient, sessionmaker
) -> None:
    response = await post_form(client, "/register", VALID)
    assert response.status_code == 303
    assert response.headers["location"] == "/programme"
    assert "HttpOnly" in response.headers["set-cookie"] and "SameSite=Lax" in response.headers["set-cookie"]
    async with sessionmaker() as db:
        user = await db.scalar(select(User))
        assert user.email == "jeanne@example.org"
        assert user.password_hash.startswith("$argon2id$")
        assert await db.scalar(select(func.count()).select_from(LoginSession)) == 1
    page = await client.get("/account")
    assert "jeanne@example.org" in page.text


async def test_registration_rerenders_values_with_one_message_per_wrong_field(
    client: httpx.AsyncClient, sessionmaker
) -> None:
    bad = {
        **VALID,
        "email": "not-an-email",
        "password": "short",
        "password_confirm": "short",
        "country": "XX",
    }
    del bad["terms"]
    response = await post_form(client, "/register", bad)
    assert response.status_code == 400
    assert 'value="Jeanne Buyer"' in response.text
    assert 'value="AéroBesançon"' in response.text
    assert "Saisissez une adresse e-mail valide." in response.text
    assert "Utilisez au moins 12 caractères." in response.text
    assert "Choisissez votre pays dans la liste." in response.text
    assert "Vous devez accepter les conditions d’utilisation pour vous inscrire." in response.text
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(User)) == 0


async def test_registration_refuses_an_email_already_registered(client: httpx.AsyncClient, make_user) -> None:
    await make_user("jeanne@example.org")
    response = await post_form(client, "/register", VALID)
    assert response.status_code == 400
    assert "Un compte existe déjà avec cette adresse e-mail." in response.text


async def test_registration_refuses_mismatched_and_empty_fields(client: httpx.AsyncClient) -> None:
    response = await post_form(
        client, "/register", {**VALID, "name": "", "company": "", "password_confirm": "other one here"}
    )
    assert response.status_code == 400
    assert response.text.count("Ce champ est obligatoire.") == 2
    assert "Les deux mots de passe diffèrent." in response.text
