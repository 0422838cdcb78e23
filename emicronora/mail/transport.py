"""Handing messages to the mail server (smtplib, in a worker thread) or to a folder, and sorting each
outcome into sent, try again later, bounced (the server refused the recipient for good) or failed."""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr

from emicronora.mail.config import MailServer

SENT, RETRY, BOUNCE, FAIL = "sent", "retry", "bounce", "fail"
# Not offered to the server: the batch ran out of time (see `deliver`); due again at once, no attempt spent.
UNTRIED = "untried"


@dataclass(frozen=True)
class Outgoing:
    email_id: int
    to_address: str
    message: EmailMessage


@dataclass(frozen=True)
class Outcome:
    email_id: int
    result: str
    error: str = ""


def _describe(code: int, reply: bytes | str) -> str:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    return f"{code} {text}".strip()[:1000]


def _connect(server: MailServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.starttls:
            smtp.starttls(context=context)
    if server.username:
        smtp.login(server.username, server.password)
    return smtp


def _send_one(smtp: smtplib.SMTP, sender: str, item: Outgoing) -> Outcome:
    try:
        smtp.send_message(item.message, from_addr=sender, to_addrs=[item.to_address])
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = error.recipients.get(item.to_address, (0, b"refused"))
        # 5xx on RCPT: the mailbox does not exist or will never take mail; 4xx: greylisting, full queue.
        return Outcome(item.email_id, BOUNCE if code >= 500 else RETRY, _describe(code, reply))
    except smtplib.SMTPDataError as error:
        # The server refused this message's content for good (too big, spam): another try gives the same.
        result = FAIL if error.smtp_code >= 500 else RETRY
        return Outcome(item.email_id, result, _describe(error.smtp_code, error.smtp_error))
    return Outcome(item.email_id, SENT)


# Told of each message the server took or refused for good, before the next one is offered: the caller records
# it at once, so that a worker killed mid-batch sends none of those again.
OnOutcome = Callable[[Outcome], None]


def _send_smtp(
    server: MailServer,
    sender: str,
    batch: list[Outgoing],
    budget_s: float | None = None,
    on_outcome: OnOutcome | None = None,
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    smtp: smtplib.SMTP | None = None
    # An address refused for good is not offered again in the same batch.
    bounced: dict[str, str] = {}
    started = time.monotonic()
    try:
        for index, item in enumerate(batch):
            if index and budget_s is not None and time.monotonic() - started > budget_s:
                # A slow server: the rest is left to the next round, before the claim's lease runs out and
                # another worker, taking the messages for abandoned, sends them a second time.
                outcomes += [Outcome(rest.email_id, UNTRIED) for rest in batch[index:]]
                break
            if item.to_address in bounced:
                outcomes.append(Outcome(item.email_id, BOUNCE, bounced[item.to_address]))
                continue
            try:
                if smtp is None:
                    smtp = _connect(server)
                outcome = _send_one(smtp, sender, item)
                if outcome.result == BOUNCE:
                    bounced[item.to_address] = outcome.error
                outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
            except (smtplib.SMTPException, OSError) as error:
                # The server is unreachable, refuses us (sender, login) or dropped the line: nothing in this
                # batch can go now, and every message is tried again later.
                reason = (
                    _describe(error.smtp_code, error.smtp_error)
                    if isinstance(error, smtplib.SMTPResponseException)
                    else f"{type(error).__name__}: {error}"[:1000]
                )
                outcomes += [Outcome(rest.email_id, RETRY, reason) for rest in batch[index:]]
                break
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return outcomes


def _write_files(
    server: MailServer, batch: list[Outgoing], now: datetime, on_outcome: OnOutcome | None = None
) -> list[Outcome]:
    assert server.folder is not None
    outcomes: list[Outcome] = []
    try:
        server.folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return [Outcome(item.email_id, RETRY, f"{type(error).__name__}: {error}") for item in batch]
    for item in batch:
        path = server.folder / f"{now:%Y%m%dT%H%M%S}-{item.email_id}.eml"
        try:
            path.write_bytes(item.message.as_bytes())
        except OSError as error:
            outcomes.append(Outcome(item.email_id, RETRY, f"{type(error).__name__}: {error}"))
        else:
            outcomes.append(Outcome(item.email_id, SENT))
            if on_outcome is not None:
                on_outcome(outcomes[-1])
    return outcomes


def deliver(
    server: MailServer,
    mail_from: str,
    batch: list[Outgoing],
    now: datetime,
    budget_s: float | None = None,
    on_outcome: OnOutcome | None = None,
) -> list[Outcome]:
    """Blocking: run it in a worker thread. One connection for the batch; no new message is started once
    `budget_s` seconds have passed (the first one always is)."""
    if server.scheme == "file":
        return _write_files(server, batch, now, on_outcome)
    return _send_smtp(server, parseaddr(mail_from)[1], batch, budget_s, on_outcome)
