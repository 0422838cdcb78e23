"""A real SMTP server (aiosmtpd) on a free local port for every mail test, with a handler that can refuse a
recipient for good (550) or answer "try again later" (451) once; settings that send to it; and helpers to
deliver the outbox and read what arrived."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emicronora.mail.delivery import deliver_due
from emicronora.models import OutboxEmail
from emicronora.settings import Settings


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None, "no text/plain part"
        return part.get_content()

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None, "no text/html part"
        return part.get_content()


@dataclass
class MailServer:
    """The handler: what it received, and the recipients it refuses (550) or puts off once (451)."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    busy_once: set[str] = field(default_factory=set)
    rcpt_answers: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0
    # Cleared: DATA waits (a slow server); `in_data` tells the test that a message is being sent.
    go_on: threading.Event = field(default_factory=threading.Event)
    in_data: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.go_on.set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            answer = "550 5.1.1 No such mailbox here"
        elif address in self.busy_once:
            self.busy_once.discard(address)
            answer = "451 4.3.2 Please try again later"
        else:
            envelope.rcpt_tos.append(address)
            answer = "250 OK"
        self.rcpt_answers.append((address, answer[:3]))
        return answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.in_data.set()
        await asyncio.to_thread(self.go_on.wait, 30)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.envelope_to]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    handler = MailServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def settings(settings: Settings, smtp_server: MailServer) -> Settings:
    """Every mail test sends to the local SMTP server, the job worker included."""
    return replace(settings, smtp_url=f"smtp://127.0.0.1:{smtp_server.port}?timeout=5")


async def pending_count(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as db:
        return (
            await db.scalar(
                select(func.count()).select_from(OutboxEmail).where(OutboxEmail.status == "pending")
            )
            or 0
        )


async def deliver_all(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, within: float = 10.0
) -> None:
    """Delivers whatever is due now, alongside the job worker when it runs, until nothing is pending
    (a message waiting for a later retry counts as pending: use deliver_due with a later `now` for those)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while await pending_count(sessionmaker):
        await deliver_due(sessionmaker, settings)
        if loop.time() > deadline:
            raise AssertionError("the outbox did not empty")
        await asyncio.sleep(0.05)
