from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select

from emicronora.models import LoginSession, OutboxEmail, User
from tests.conftest import CSRF_PATTERN, PASSWORD, login, post_form

VALID = {
    "name": "Jeanne Buyer",
    "email": "Jeanne@Example.org",
    "company": "AéroBesançon",
    "country": "FR",
    "password": PASSWORD,
    "password_confirm": PASSWORD,
    "terms": "on",
}


async def test_registration_creates_account_mails_the_confirmation_and_hashes_with_argon2id(
    client: httpx.AsyncClient, sessionmaker
) -> None:
    response = await post_form(client, "/register", VALID)
    assert response.status_code == 200
    assert 'data-testid="registration-sent"' in response.text
    # Nobody is logged in by the form: the answer is the same for an address that has an account.
    assert "em_session" not in response.headers.get("set-cookie", "")
    async with sessionmaker() as db:
        user = await db.scalar(select(User))
        assert user.email == "jeanne@example.org"
        assert user.password_hash.startswith("$argon2id$")
        assert await db.scalar(select(func.count()).select_from(LoginSession)) == 0
        mail = (await db.scalars(select(OutboxEmail))).one()
    assert (mail.kind, mail.to_address) == ("confirm_account", "jeanne@example.org")
    await login(client, "jeanne@example.org")
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


def without_csrf_token(page: str) -> str:
    return CSRF_PATTERN.sub("", page)


async def test_registration_of_a_known_address_answers_as_for_a_new_one_and_mails_its_owner(
    client: httpx.AsyncClient, make_user, sessionmaker
) -> None:
    owner = await make_user("jeanne@example.org")
    new = await post_form(client, "/register", {**VALID, "email": "nouvelle@example.org"}, "/register")
    known = await post_form(client, "/register", VALID, "/register")
    assert known.status_code == new.status_code == 200
    assert without_csrf_token(known.text) == without_csrf_token(new.text)
    assert known.headers.get("set-cookie") == new.headers.get("set-cookie")
    async with sessionmaker() as db:
        assert await db.scalar(select(func.count()).select_from(User)) == 2
        mails = {mail.to_address: mail for mail in await db.scalars(select(OutboxEmail))}
        assert (await db.get_one(User, owner.id)).password_hash == owner.password_hash
    assert mails["nouvelle@example.org"].kind == "confirm_account"
    told = mails["jeanne@example.org"]
    # In the owner's language (French, the fair's default: the owner chose none).
    assert (told.kind, told.locale) == ("account_exists", "fr")
    assert told.subject == "Vous avez déjà un compte e-Micronora"
    assert "Vous avez déjà un compte avec elle" in told.body_text
    assert "http://127.0.0.1:8000/account/forgot" in told.body_text


async def test_registration_with_errors_does_not_tell_whether_the_address_is_registered(
    client: httpx.AsyncClient, make_user
) -> None:
    await make_user("jeanne@example.org")
    bad = {**VALID, "password": "short", "password_confirm": "short"}
    known = await post_form(client, "/register", bad, "/register")
    unknown = await post_form(client, "/register", {**bad, "email": "nouvelle@example.org"}, "/register")
    assert known.status_code == unknown.status_code == 400
    assert "Un compte existe déjà" not in known.text
    assert without_csrf_token(known.text) == without_csrf_token(
        unknown.text.replace("nouvelle@example.org", "Jeanne@Example.org")
    )


async def test_registration_is_throttled_per_address_and_per_connection(
    make_app, sessionmaker, settings
) -> None:
    app = make_app(registration_max_per_address=2, registration_max_per_ip=3)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://testserver"
        ) as http,
    ):
        statuses = [(await post_form(http, "/register", VALID, "/register")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        other = await post_form(http, "/register", {**VALID, "email": "autre@example.org"}, "/register")
        assert other.status_code == 200
        blocked = await post_form(http, "/register", {**VALID, "email": "troisieme@example.org"}, "/register")
        assert blocked.status_code == 429
        assert "Trop d’inscriptions depuis cette connexion ou pour cette adresse." in blocked.text
    async with sessionmaker() as db:
        emails = set(await db.scalars(select(User.email)))
        # Two accepted forms for Jeanne: her account, then the message that she has one.
        kinds = sorted(await db.scalars(select(OutboxEmail.kind)))
    assert emails == {"jeanne@example.org", "autre@example.org"}
    assert kinds == ["account_exists", "confirm_account", "confirm_account"]


async def test_registration_refuses_mismatched_and_empty_fields(client: httpx.AsyncClient) -> None:
    response = await post_form(
        client, "/register", {**VALID, "name": "", "company": "", "password_confirm": "other one here"}
    )
    assert response.status_code == 400
    assert response.text.count("Ce champ est obligatoire.") == 2
    assert "Les deux mots de passe diffèrent." in response.text
