from __future__ import annotations

import asyncio
from pathlib import Path

import icalendar
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from emicronora.cli import main
from emicronora.models import User
from tests.conftest import login, post_form


@pytest.fixture
def cli_env(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMICRONORA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("EMICRONORA_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("EMICRONORA_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("EMICRONORA_ARGON2_MEMORY_KIB", "8192")


def run_cli(*args: str, env: dict[str, str] | None = None):
    # The commands run their own event loop: keep them off the test's loop.
    return asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


async def test_create_organiser_makes_an_account_that_can_use_the_organiser_area(
    cli_env, client, sessionmaker
) -> None:
    result = await run_cli(
        "create-organiser",
        "Boss@Example.org",
        "--name",
        "Boss",
        env={"EMICRONORA_NEW_PASSWORD": "organiser pass phrase"},
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Organiser boss@example.org created.\n"
    async with sessionmaker() as db:
        user = await db.scalar(select(User))
        assert (user.email, user.is_organiser) == ("boss@example.org", True)
    await login(client, "boss@example.org", "organiser pass phrase")
    assert (await client.get("/organiser/")).status_code == 200


async def test_create_organiser_refuses_bad_input(cli_env) -> None:
    bad_email = await run_cli("create-organiser", "not-an-email", env={"EMICRONORA_NEW_PASSWORD": "x" * 20})
    assert bad_email.exit_code == 2
    assert "not a valid e-mail address" in bad_email.output
    weak = await run_cli("create-organiser", "boss@example.org", env={"EMICRONORA_NEW_PASSWORD": "short"})
    assert weak.exit_code == 1
    assert "Utilisez au moins 12 caractères." in weak.output  # the default locale, French


async def test_export_ics_writes_the_programme_and_each_participant(
    cli_env, client, make_programme, make_user, tmp_path: Path
) -> None:
    programme = await make_programme()
    await make_user("ada@example.org", name="Ada Lovelace")
    await login(client, "ada@example.org")
    await post_form(client, f"/sessions/{programme['welding'].id}/star", {}, token_from="/agenda")
    result = await run_cli("export-ics", "--out", str(tmp_path), "--locale", "en")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "participants").iterdir())
    assert len(files) == 1 and files[0].startswith("ada-lovelace-")
    ada = icalendar.Calendar.from_ical((tmp_path / "participants" / files[0]).read_bytes())
    assert [str(e["summary"]) for e in ada.walk("VEVENT")] == ["Soudage laser de boîtiers titane"]
    whole = icalendar.Calendar.from_ical((tmp_path / "programme.ics").read_bytes())
    assert len(whole.walk("VEVENT")) == 3
    unknown = await run_cli("export-ics", "--out", str(tmp_path / "x"), "--participant", "nobody@example.org")
    assert unknown.exit_code == 1
    assert "No active participant with the e-mail address nobody@example.org." in unknown.output
