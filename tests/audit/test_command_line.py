"""Organiser rights given from the command line are in the audit log too, with no acting organiser."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.models import User
from tests.audit.conftest import audit_entries
from tests.test_cli import cli_env, run_cli

__all__ = ["cli_env"]


async def test_create_organiser_is_audited(
    cli_env: None,
    client: httpx.AsyncClient,
    make_user: Callable[..., Awaitable[User]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    pat = await make_user("pat@example.org", name="Pat")
    env = {"EMICRONORA_NEW_PASSWORD": "organiser pass phrase"}
    assert (await run_cli("create-organiser", "boss@example.org", env=env)).exit_code == 0
    assert (await run_cli("create-organiser", "pat@example.org")).exit_code == 0
    # Already an organiser: nothing changes, nothing is logged.
    assert (await run_cli("create-organiser", "pat@example.org")).exit_code == 0
    entries = await audit_entries(sessionmaker)
    assert [(e.action, e.actor_id, e.actor_email, e.details) for e in entries] == [
        ("user.create_organiser", None, "", {"email": "boss@example.org"}),
        ("user.organiser_grant", None, "", {"email": "pat@example.org"}),
    ]
    assert entries[1].target_id == str(pat.id)
