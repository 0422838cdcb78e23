"""Abuse of a real `emicronora serve`: huge bodies, login bursts, registration bursts; the code as issue 14
found it and the working tree, side by side in the same run.

    .venv/bin/python benchmarks/abuse.py                     # before (08217ff) and after (working tree)
    .venv/bin/python benchmarks/abuse.py --quick             # the working tree only, no before run
    .venv/bin/python benchmarks/abuse.py --only logins       # or body, chunked, registrations; repeatable
    .venv/bin/python benchmarks/abuse.py --before HEAD~3 --after HEAD --port 8765

Each side is the `emicronora serve` of one tree (the venv's Python with PYTHONPATH on that tree and the tree
as working directory; the before tree is `git archive` of --before, unpacked in a temporary folder), on
127.0.0.1 only, with the settings' defaults (argon2id t=3 m=64 MiB, login limits 5 per account and 20 per
IP, 10 MiB body cap). Each scenario gets a fresh server on a fresh copy of a SQLite database that
`emicronora migrate` and `emicronora create-organiser` prepared (two accounts: the target of the wrong
logins, demoted to a participant, and a second one whose correct logins calibrate the counts), so that its
peak memory (VmHWM) and its throttle counters are its own. Every request has a timeout, every server is
stopped at the end (killed at once if its RSS passes --rss-limit), and everything is deleted.

- body: six parallel POST /login of 150 MB each (Content-Length declared, a urlencoded form), the CSRF token
  of a real GET /login in the X-CSRF-Token header and its cookie. Target: peak RSS < 300 MiB, six 413, each
  answered within 1 s.
- chunked: the same bodies sent without a Content-Length (Transfer-Encoding: chunked): the cap must hold
  while the body streams. Same target.
- logins: 30 parallel wrong passwords for one account. Target: at most 5 passwords hashed, the rest 429.
- registrations: 20 parallel valid registrations (different addresses, one IP). Target: the hashes queue, so
  the peak stays within 160 MiB of the idle server (2 hashes of 64 MiB at once, the default of
  EMICRONORA_ARGON2_MAX_PARALLEL, and 32 MiB for the rest), and no 5xx. The statuses say how many were
  accepted and throttled (the default throttle allows 20 registrations per IP and hour: none is).

Columns: RSS is the idle server's VmRSS and its VmHWM (peak) after the burst; statuses count the answers per
code (reset: the connection was cut with no answer), and for registrations the accounts created (counted in
the database afterwards); the time to answer runs from the connection to the arrival of the status line (the
client keeps sending the body meanwhile, as a real one would), median and slowest. Hashes: argon2id with 64
MiB allocates (mmap) and touches fresh memory on every hash, so the server's minor page faults during the
burst divided by those of one correct login of the calibration account (same server, measured just before
the burst) count the hashes computed; the same ratio on the server's CPU time is printed beside it as a
cross-check (it also counts the cost of the requests refused without a hash, a few percent of a hash each).
The notes give the machine's load average when each burst began: above the CPU count, other jobs shared the
machine and times are longer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import shlex
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.trees import Side, free_port, unpack

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent
EMICRONORA = str(VENV / "emicronora")
MB = 1000 * 1000
MIB = 1024 * 1024
BODY_BYTES = 150 * MB
FIELD_BYTES = MB
TARGET_RSS_MIB = 300
TARGET_ANSWER_S = 1.0
TARGET_HASHES = 5
TARGET_HASH_MEMORY_MIB = 2 * 64 + 32
PASSWORD = "bench correct horse battery"  # noqa: S105
VICTIM = "victim@bench.example"
CALIBRATION = "calibration@bench.example"
BIG_TIMEOUT_S = 120.0
SMALL_TIMEOUT_S = 120.0
SCENARIOS = ("body", "chunked", "logins", "registrations")
TITLES = {
    "body": "6 x 150 MB POST /login, header token",
    "chunked": "same, chunked (no Content-Length)",
    "logins": "30 wrong logins, one account",
    "registrations": "20 registrations, one IP",
}
TARGETS = {
    "body": f"RSS < {TARGET_RSS_MIB}, 6x413 < {TARGET_ANSWER_S:g} s",
    "chunked": f"RSS < {TARGET_RSS_MIB}, 6x413 < {TARGET_ANSWER_S:g} s",
    "logins": f"<= {TARGET_HASHES} hashes, rest 429",
    "registrations": f"peak-idle < {TARGET_HASH_MEMORY_MIB}, no 5xx",
}
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


# --- the two trees and their servers ------------------------------------------------------------------------


def side_env(side: Side, database: Path, media: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMICRONORA_") and k != "PYTHONPATH"}
    return env | {
        "PYTHONPATH": str(side.tree),
        "EMICRONORA_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "EMICRONORA_SECRET_KEY": "abuse-bench-" + "k" * 40,
        "EMICRONORA_SITE_URL": f"http://127.0.0.1:{port}",
        "EMICRONORA_MEDIA_DIR": str(media),
    }


def prepare_database(side: Side, folder: Path) -> Path:
    """A migrated database with the two accounts, copied for every scenario of this side."""
    database = folder / f"{side.name}-template.sqlite3"
    env = side_env(side, database, folder / f"{side.name}-media", 0)
    commands = [[EMICRONORA, "migrate"]]
    commands += [
        [EMICRONORA, "create-organiser", email, "--name", "Bench"] for email in (VICTIM, CALIBRATION)
    ]
    for command in commands:
        done = subprocess.run(  # noqa: S603
            command,
            env=env | {"EMICRONORA_NEW_PASSWORD": PASSWORD},
            cwd=side.tree,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{shlex.join(command[1:])} failed on the {side.name} tree:\n{done.stderr[-2000:]}"
            )
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE users SET is_organiser = 0 WHERE email = ?", (VICTIM,))
    return database


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    rss_limit_kib: int
    peak_sampled_kib: int = 0
    killed_at_kib: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _sampler: threading.Thread | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def sample(self) -> None:
        """VmRSS every 10 ms; the server is killed at once past the limit (a shared machine)."""
        while not self._stop.wait(0.01):
            try:
                rss = status_kib(self.pid, "VmRSS")
            except (OSError, RuntimeError):
                return
            self.peak_sampled_kib = max(self.peak_sampled_kib, rss)
            if rss > self.rss_limit_kib:
                self.killed_at_kib = rss
                self.process.kill()
                return


def status_kib(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {name} for process {pid}")


@dataclass(frozen=True)
class Usage:
    cpu_s: float
    minor_faults: int


def usage(pid: int) -> Usage:
    """CPU time and minor page faults of the whole process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return Usage((int(fields[11]) + int(fields[12])) / ticks, int(fields[7]))


def settled_usage(pid: int, limit_s: float = 15.0) -> Usage:
    """The usage once the server has stopped spending CPU (hashes still running after their answer)."""
    deadline = time.monotonic() + limit_s
    last = usage(pid)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = usage(pid)
        if now.cpu_s == last.cpu_s:
            return now
        last = now
    return last


def start_server(
    side: Side, database: Path, media: Path, port: int, logs: Path, rss_limit_mib: int
) -> Server:
    log = logs / f"{side.name}-{database.stem}.log"
    process = subprocess.Popen(  # noqa: S603
        [EMICRONORA, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=side_env(side, database, media, port),
        cwd=side.tree,
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    server = Server(process, port, log, rss_limit_mib * 1024)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the {side.name} server exited at start:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            server._sampler = threading.Thread(target=server.sample, daemon=True)
            server._sampler.start()
            return server  # uvicorn listens once the lifespan has started
        time.sleep(0.1)
    stop_server(server)
    raise RuntimeError(f"the {side.name} server did not listen within 60 s:\n{log.read_text()[-2000:]}")


def stop_server(server: Server) -> None:
    server._stop.set()
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(10)
    if server._sampler is not None:
        server._sampler.join(5)


@contextlib.contextmanager
def running(side: Side, database: Path, media: Path, port: int, logs: Path, limit: int) -> Iterator[Server]:
    server = start_server(side, database, media, port, logs, limit)
    try:
        yield server
    finally:
        stop_server(server)


# --- a small HTTP/1.1 client that times the status line --------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: str  # the code, or timeout / reset / closed / error
    seconds: float  # from the connection to the status line (or to the failure)
    sent: int  # body bytes written when the status line arrived
    headers: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""


def head_of(method: str, path: str, port: int, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def big_pieces(first: bytes, total: int, chunked: bool) -> AsyncIterator[bytes]:
    """`total` bytes of a urlencoded form: `first`, then fields `&f=aaa...` of 1 MB each. A form parser keeps
    every field below 1 MiB and at most 200 fields, as the app asks Starlette to: 150 of them pass both."""

    def framed(piece: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece

    field_piece = b"&f=" + b"a" * (FIELD_BYTES - 3)
    whole = framed(field_piece)  # framed once: the client must cost less than the server it measures
    left = total - len(first)
    yield framed(first)
    while left > 0:
        yield whole if left >= len(field_piece) else framed(field_piece[:left])
        left -= len(field_piece)
    if chunked:
        yield b"0\r\n\r\n"


async def one_piece(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def exchange(
    port: int,
    method: str,
    path: str,
    headers: dict[str, str],
    pieces: AsyncIterator[bytes],
    limit_s: float,
    read_body: bool = False,
) -> Answer:
    """Sends the request while reading the answer; the time is taken when the status line arrives. A plain
    socket, so that a failed write (the server closed after its answer) does not hide the answer received."""
    loop = asyncio.get_running_loop()
    began = time.perf_counter()
    sent = 0

    def failed(status: str) -> Answer:
        return Answer(status, time.perf_counter() - began, sent)

    sock = socket.socket()
    sock.setblocking(False)

    async def push() -> None:
        nonlocal sent
        await loop.sock_sendall(sock, head_of(method, path, port, headers))
        async for piece in pieces:
            await loop.sock_sendall(sock, piece)
            sent += len(piece)

    pusher: asyncio.Task[None] | None = None
    try:
        async with asyncio.timeout(limit_s):
            try:
                await loop.sock_connect(sock, ("127.0.0.1", port))
            except OSError:
                return failed("refused")
            pusher = asyncio.create_task(push())
            received = b""
            while b"\r\n\r\n" not in received:
                data = await loop.sock_recv(sock, 65536)
                if not data:
                    return failed("closed")
                received += data
            seconds, at = time.perf_counter() - began, sent
            head, _, body = received.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            answer_headers: dict[str, list[str]] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                answer_headers.setdefault(name.strip().lower(), []).append(value.strip())
            if read_body:
                length = int(answer_headers.get("content-length", [str(4 * MIB)])[0])
                while len(body) < length and (data := await loop.sock_recv(sock, 65536)):
                    body += data
            return Answer(lines[0].split()[1], seconds, at, answer_headers, body)
    except TimeoutError:
        return failed("timeout")
    except ConnectionError:
        return failed("reset")
    except Exception:
        return failed("error")
    finally:
        if pusher is not None:
            pusher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pusher
        sock.close()


@dataclass(frozen=True)
class Visitor:
    cookie: str
    token: str


async def visit(port: int, path: str) -> Visitor:
    """A GET of a form page: the anonymous cookie it sets and the CSRF token of its form."""
    answer = await exchange(port, "GET", path, {}, one_piece(b""), 30, read_body=True)
    if answer.status != "200":
        raise RuntimeError(f"GET {path} answered {answer.status}")
    cookies = [c.split(";", 1)[0] for c in answer.headers.get("set-cookie", [])]
    token = CSRF_INPUT.search(answer.body.decode())
    if not cookies or token is None:
        raise RuntimeError(f"GET {path} gave no cookie or no CSRF token")
    return Visitor("; ".join(cookies), token[1])


def form_headers(visitor: Visitor, length: int | None) -> dict[str, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": visitor.cookie}
    if length is None:
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(length)
    return headers


async def post_form(port: int, path: str, visitor: Visitor, fields: dict[str, str]) -> Answer:
    body = urlencode({"csrf_token": visitor.token, **fields}).encode()
    headers = form_headers(visitor, len(body))
    return await exchange(port, "POST", path, headers, one_piece(body), SMALL_TIMEOUT_S)


# --- the scenarios ------------------------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    side: Side
    idle_kib: int = 0
    peak_kib: int = 0
    killed_at_kib: int = 0
    answers: list[Answer] = field(default_factory=list)
    hashes_faults: float | None = None
    hashes_cpu: float | None = None
    calibration: Usage | None = None
    server_errors: int = 0
    load: float = 0.0  # the machine's load average (1 min) when the burst began
    created: int | None = None  # accounts the registrations created (read from the database)
    failure: str = ""

    def statuses(self) -> Counter[str]:
        return Counter(answer.status for answer in self.answers)


async def calibrate(server: Server) -> Usage:
    """The cost of one hash on this server: a correct login (warmed up by a first one)."""
    visitor = await visit(server.port, "/login")
    cost = Usage(0, 0)
    for _ in range(2):
        before = settled_usage(server.pid)
        answer = await post_form(server.port, "/login", visitor, {"email": CALIBRATION, "password": PASSWORD})
        if answer.status != "303":
            raise RuntimeError(f"the calibration login answered {answer.status}")
        after = settled_usage(server.pid)
        cost = Usage(after.cpu_s - before.cpu_s, after.minor_faults - before.minor_faults)
    return cost


async def body_burst(server: Server, chunked: bool) -> list[Answer]:
    visitor = await visit(server.port, "/login")
    headers = form_headers(visitor, None if chunked else BODY_BYTES) | {"X-CSRF-Token": visitor.token}
    first = b"email=nobody%40bench.example&password=wrong+password"
    return list(
        await asyncio.gather(
            *(
                exchange(
                    server.port,
                    "POST",
                    "/login",
                    headers,
                    big_pieces(first, BODY_BYTES, chunked),
                    BIG_TIMEOUT_S,
                )
                for _ in range(6)
            )
        )
    )


async def login_burst(server: Server) -> list[Answer]:
    visitor = await visit(server.port, "/login")
    return list(
        await asyncio.gather(
            *(
                post_form(
                    server.port, "/login", visitor, {"email": VICTIM, "password": f"wrong password {n}"}
                )
                for n in range(30)
            )
        )
    )


async def registration_burst(server: Server) -> list[Answer]:
    visitor = await visit(server.port, "/register")
    run = uuid.uuid4().hex[:8]

    def fields(n: int) -> dict[str, str]:
        return {
            "name": f"Registrant {n}",
            "email": f"new{n}-{run}@bench.example",
            "company": "Bench SA",
            "country": "FR",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "terms": "on",
        }

    return list(
        await asyncio.gather(*(post_form(server.port, "/register", visitor, fields(n)) for n in range(20)))
    )


async def burst(scenario: str, server: Server) -> list[Answer]:
    if scenario in ("body", "chunked"):
        return await body_burst(server, chunked=scenario == "chunked")
    if scenario == "logins":
        return await login_burst(server)
    return await registration_burst(server)


def measure(scenario: str, side: Side, template: Path, folder: Path, port: int | None, limit: int) -> Row:
    row = Row(scenario, side)
    database = folder / f"{side.name}-{scenario}.sqlite3"
    shutil.copyfile(template, database)
    media = folder / f"{side.name}-{scenario}-media"
    with running(side, database, media, port or free_port(), folder, limit) as server:
        row.idle_kib = status_kib(server.pid, "VmRSS")
        hashing = scenario in ("logins", "registrations")
        if hashing:
            row.calibration = asyncio.run(calibrate(server))
        start = settled_usage(server.pid) if hashing else usage(server.pid)
        row.load = os.getloadavg()[0]
        row.answers = asyncio.run(burst(scenario, server))
        row.peak_kib = server.peak_sampled_kib
        # A server killed for its memory (or dead) has no figures left in /proc: the sampled peak stands.
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            end = settled_usage(server.pid)
            row.peak_kib = max(status_kib(server.pid, "VmHWM"), server.peak_sampled_kib)
            calibration = row.calibration
            if calibration is not None and calibration.minor_faults > 0 and calibration.cpu_s > 0:
                row.hashes_faults = (end.minor_faults - start.minor_faults) / calibration.minor_faults
                row.hashes_cpu = (end.cpu_s - start.cpu_s) / calibration.cpu_s
        row.killed_at_kib = server.killed_at_kib
    row.server_errors = server.log.read_text(errors="replace").count("Traceback (most recent call last)")
    if scenario == "registrations":
        with contextlib.closing(sqlite3.connect(database)) as db:
            row.created = db.execute("SELECT count(*) FROM users WHERE email LIKE 'new%'").fetchone()[0]
    return row


# --- the verdicts and the tables ----------------------------------------------------------------------------


def misses(row: Row) -> list[str]:
    if row.failure:
        return [row.failure]
    found = []
    statuses = row.statuses()
    peak_mib = row.peak_kib / 1024
    if row.killed_at_kib:
        found.append(f"killed at {row.killed_at_kib / 1024:.0f} MiB")
    if row.scenario in ("body", "chunked") and peak_mib >= TARGET_RSS_MIB:
        found.append(f"peak {peak_mib:.0f} MiB")
    grown_mib = (row.peak_kib - row.idle_kib) / 1024
    if row.scenario == "registrations" and grown_mib >= TARGET_HASH_MEMORY_MIB:
        found.append(f"peak-idle {grown_mib:.0f} MiB")
    if row.scenario in ("body", "chunked"):
        if statuses["413"] != len(row.answers):
            found.append(f"{len(row.answers) - statuses['413']} not 413")
        slow = sum(answer.seconds >= TARGET_ANSWER_S for answer in row.answers)
        if slow:
            found.append(f"{slow} answered after {TARGET_ANSWER_S:g} s")
    if row.scenario == "logins":
        hashes = row.hashes_faults
        if hashes is None or round(hashes) > TARGET_HASHES:
            found.append(f"{'?' if hashes is None else round(hashes)} hashes")
        others = len(row.answers) - statuses["429"]
        if others > TARGET_HASHES:
            found.append(f"{others} not 429")
    if row.scenario == "registrations":
        errors = sum(n for status, n in statuses.items() if not status[0].isdigit() or status[0] == "5")
        if errors:
            found.append(f"{errors} errors")
    return found


def statuses_cell(row: Row) -> str:
    cell = " ".join(f"{n}x{status}" for status, n in sorted(row.statuses().items())) or "-"
    return cell if row.created is None else f"{cell}, {row.created} new"


def answer_cell(row: Row) -> str:
    if not row.answers:
        return "-"
    times = [answer.seconds for answer in row.answers]
    return f"{statistics.median(times):.2f} / {max(times):.2f}"


def hashes_cell(row: Row) -> str:
    if row.hashes_faults is None or row.hashes_cpu is None:
        return "-"
    return f"{row.hashes_faults:.1f} ({row.hashes_cpu:.1f})"


def table(rows: list[Row]) -> None:
    print(
        f"{'scenario':<38}{'code':<20}{'RSS MiB idle>peak':>18}  {'statuses':<28}{'answer s p50/max':>17}"
        f"{'hashes (cpu)':>14}  {'target':<30}met"
    )
    for row in rows:
        missed = misses(row)
        verdict = "met" if not missed else "NOT MET: " + ", ".join(missed)
        rss = f"{row.idle_kib / 1024:.0f} > {row.peak_kib / 1024:.0f}" if row.peak_kib else "-"
        print(
            f"{TITLES[row.scenario]:<38}{row.side.label:<20}{rss:>18}  {statuses_cell(row):<28}"
            f"{answer_cell(row):>17}{hashes_cell(row):>14}  {TARGETS[row.scenario]:<30}{verdict}"
        )


def ratio(after: float, before: float) -> str:
    return f"{after / before:.2g}x" if before > 0 else "-"


def ratio_table(rows: list[Row]) -> None:
    pairs = [
        (before, after)
        for before in rows
        for after in rows
        if before.scenario == after.scenario and before.side.name == "before" and after.side.name == "after"
    ]
    if not pairs:
        return
    print()
    print("After / before, same scenario")
    print(
        f"{'scenario':<38}{'peak RSS':>10}{'peak-idle MiB':>15}{'answer max':>12}{'hashes':>10}"
        f"{'body sent at answer':>22}"
    )
    for before, after in pairs:
        if before.failure or after.failure or not before.answers or not after.answers:
            continue
        time_ratio = ratio(max(a.seconds for a in after.answers), max(a.seconds for a in before.answers))
        hashes = "-"
        if before.hashes_faults is not None and after.hashes_faults is not None:
            hashes = f"{before.hashes_faults:.0f} > {after.hashes_faults:.0f}"
        sent = "-"
        if after.scenario in ("body", "chunked"):
            before_sent = max(a.sent for a in before.answers) / MB
            after_sent = max(a.sent for a in after.answers) / MB
            sent = f"{before_sent:.0f} > {after_sent:.0f} MB"
        grown = " > ".join(f"{(row.peak_kib - row.idle_kib) / 1024:.0f}" for row in (before, after))
        print(
            f"{TITLES[after.scenario]:<38}{ratio(after.peak_kib, before.peak_kib):>10}{grown:>15}"
            f"{time_ratio:>12}{hashes:>10}{sent:>22}"
        )


def notes(rows: list[Row]) -> None:
    print()
    print("Notes")
    for row in rows:
        remarks = [f"load {row.load:.1f}"]
        if row.calibration is not None:
            remarks.append(
                f"one hash = {row.calibration.minor_faults:,} page faults, {row.calibration.cpu_s:.2f} s CPU"
            )
        if row.server_errors:
            remarks.append(f"{row.server_errors} tracebacks in the server's log")
        if row.answers and row.scenario in ("body", "chunked"):
            remarks.append(f"body sent at the answer: up to {max(a.sent for a in row.answers) / MB:.0f} MB")
        if row.failure:
            remarks.append(row.failure)
        if remarks:  # a load over the CPU count: other jobs shared the machine (times are longer)
            print(f"  {TITLES[row.scenario]}, {row.side.label}: " + "; ".join(remarks))


def header(argv: list[str]) -> None:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    print("e-Micronora under abuse (issue 14): bodies, login and registration bursts")
    print("command: " + shlex.join([".venv/bin/python", "benchmarks/abuse.py", *argv]))
    print(
        f"machine: {os.cpu_count()} CPUs ({model or platform.machine()}), Linux {platform.release()}, "
        f"Python {platform.python_version()}; servers: `emicronora serve` on 127.0.0.1, SQLite, defaults"
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only this scenario")
    parser.add_argument("--quick", action="store_true", help="the working tree only (no before run)")
    parser.add_argument("--before", default="08217ff", help="the code before the fixes (default 08217ff)")
    parser.add_argument("--after", help="the code after the fixes (default: the working tree)")
    parser.add_argument("--port", type=int, help="the servers' port, one at a time (default: a free one)")
    parser.add_argument(
        "--rss-limit", type=int, default=3072, help="MiB: a server above is killed at once (default 3072)"
    )
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if s in (args.only or SCENARIOS)]
    header(sys.argv[1:])
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="abuse-") as tmp:
        folder = Path(tmp)
        head = subprocess.run(  # noqa: S603
            [shutil.which("git") or "git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()
        sides = [Side("after", f"after tree@{head}", ROOT)]  # the working tree, edits included
        try:
            if args.after:
                short = unpack(args.after, folder / "after")
                sides = [Side("after", f"after {short}", folder / "after")]
            if not args.quick:
                short = unpack(args.before, folder / "before")
                sides.insert(0, Side("before", f"before {short}", folder / "before"))
            templates = {side.name: prepare_database(side, folder) for side in sides}
            for scenario in chosen:
                for side in sides:
                    print(f"  {TITLES[scenario]}: {side.label}...", file=sys.stderr, flush=True)
                    try:
                        row = measure(scenario, side, templates[side.name], folder, args.port, args.rss_limit)
                    except Exception as error:
                        traceback.print_exc()
                        row = Row(scenario, side, failure=f"{type(error).__name__}: {error}")
                    rows.append(row)
        finally:
            if args.logs:
                args.logs.mkdir(parents=True, exist_ok=True)
                for log in folder.glob("*.log"):
                    shutil.copy(log, args.logs)
            table(rows)
            ratio_table(rows)
            notes(rows)
    if any(row.failure for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
