"""Background work out of the web process (issue 15): the web worker's responsiveness during a B2B solve, the
code before (a solve in a thread of the web process) beside the working tree (a job in `emicronora worker`,
solved in a child process) in the same run; and the mail fan-out of a published schedule to 10,000 people.

    .venv/bin/python benchmarks/jobs.py                      # lag and publish (about 12 minutes)
    .venv/bin/python benchmarks/jobs.py --only lag           # or publish; repeatable
    .venv/bin/python benchmarks/jobs.py --only lag --solve-seconds 20 --idle-seconds 10
    .venv/bin/python benchmarks/jobs.py --only publish --participants 2000

Everything runs on 127.0.0.1: real `emicronora serve` processes on throwaway SQLite databases that
`emicronora migrate` (of the same tree) prepared, an organiser made with `emicronora create-organiser` who
logs in through /login and acts through the organiser's pages, like a person would.

- lag: a fair of 1,000 participants (scheduler/b2b_generate.py, the one of `python -m scheduler bench`:
  8,000 accepted requests, 32 slots, caps of 16, 15 % unavailability) inserted in bulk. A prober sends a cheap
  request (a GET of a missing page: a 404 rendered by the app, no database) at a steady rate (--rate, 50/s,
  open loop: each request leaves at its time, whatever the earlier ones do) and times it to its last byte;
  first with the server idle, then from the organiser's "Schedule" POST (scope all, --solve-seconds, 60)
  until the run is finished in the database. Before: the tree of --before (08217ff, unpacked with git
  archive), where the web process solves in a thread. After: the working tree, with one `emicronora worker`
  beside the server (the solve runs in its child process). Target: p99 under 10 ms while the solve runs.
- publish: 10,000 participants (--participants) in pairs, each with --meetings-each meetings placed in
  draft (one a slot, no conflicts), a local SMTP server (aiosmtpd, in a process of its own, writing one line
  per recipient of each message it accepts, with whether an .ics came with it), EMICRONORA_SMTP_URL pointing
  at it, two `emicronora worker` processes (default concurrency) and the server. The publish POST is timed
  (target < 300 ms), then the time until every participant got their agenda, counting duplicates (target:
  each exactly once within 120 s). A second run on a fresh copy of the database kills one worker (SIGKILL)
  when half the mails have arrived: lost and duplicated mails (target 0 and 0; a message the SMTP server
  accepted just before the kill, whose sending was not yet recorded, is sent again: SMTP cannot do better).
  The jobs' lease (EMICRONORA_JOB_LEASE_SECONDS, the default 60 s unless --lease) bounds how long the dead
  worker's jobs wait before the other takes them.

The notes give the machine's load average (1 minute) when each measure began: above the CPU count, other
jobs shared the machine and every figure is slower than on a quiet one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

SCRIPT = Path(__file__).resolve()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.trees import Side, free_port, unpack  # noqa: E402

ROOT = SCRIPT.parent.parent
VENV = Path(sys.executable).parent
EMICRONORA = str(VENV / "emicronora")
PASSWORD = "bench correct horse battery"  # noqa: S105
ORGANISER = "organiser@bench.example"
PROBE_PATH = "/bench-no-such-page"
TARGET_P99_MS = 10.0
TARGET_PUBLISH_MS = 300.0
TARGET_MAILS_S = 120.0
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
SCENARIOS = ("lag", "publish")
PROBER_PRIORITY = -10


# --- trees, databases, processes ----------------------------------------------------------------------------


def side_env(side: Side, database: Path, port: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMICRONORA_") and k != "PYTHONPATH"}
    return (
        env
        | {
            "PYTHONPATH": str(side.tree),
            "EMICRONORA_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "EMICRONORA_SECRET_KEY": "jobs-bench-" + "k" * 40,
            "EMICRONORA_SITE_URL": f"http://127.0.0.1:{port}",
            "EMICRONORA_MEDIA_DIR": str(database.parent / f"{database.stem}-media"),
        }
        | (extra or {})
    )


def prepare(side: Side, database: Path) -> None:
    """A migrated database with the organiser."""
    env = side_env(side, database, 0) | {"EMICRONORA_NEW_PASSWORD": PASSWORD}
    for command in ([EMICRONORA, "migrate"], [EMICRONORA, "create-organiser", ORGANISER, "--name", "Bench"]):
        done = subprocess.run(  # noqa: S603
            command, env=env, cwd=side.tree, capture_output=True, text=True, timeout=300, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{shlex.join(command[1:])} failed on {side.label}:\n{done.stderr[-2000:]}")


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def waited_s(self) -> float:
        """How long the main thread (the event loop) was ready to run but waited for a CPU."""
        pid = self.popen.pid
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(Path(f"/proc/{pid}/task/{pid}/schedstat").read_text().split()[1]) / 1e9
        return 0.0

    def cpu_s(self) -> float:
        """CPU time of the process and of its children that ended (the solver's child process)."""
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return sum(int(fields[i]) for i in (11, 12, 13, 14)) / os.sysconf("SC_CLK_TCK")
        return 0.0


def ordinary_priority() -> None:
    """The measured processes run at the ordinary priority, whatever the prober's (see main)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, 0)


def spawn(name: str, command: list[str], side: Side, env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    popen = subprocess.Popen(  # noqa: S603
        command,
        env=env,
        cwd=side.tree,
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        preexec_fn=ordinary_priority,
    )
    return Process(name, popen, log)


def wait_listening(process: Process, port: int, limit_s: float = 60) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited at start:\n{process.log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{process.name} did not listen on {port} within {limit_s:g} s")


def stop(process: Process) -> None:
    if process.popen.poll() is None:
        process.popen.terminate()
        try:
            process.popen.wait(30)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(10)


@contextlib.contextmanager
def processes() -> Iterator[list[Process]]:
    """Every process started inside is stopped at the end, whatever happens."""
    started: list[Process] = []
    try:
        yield started
    finally:
        for process in reversed(started):
            stop(process)


def start_server(side: Side, database: Path, port: int, logs: Path, extra: dict[str, str]) -> Process:
    command = [EMICRONORA, "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = spawn(
        f"{side.name}-{database.stem}-web", command, side, side_env(side, database, port, extra), logs
    )
    wait_listening(server, port)
    return server


def start_worker(side: Side, database: Path, port: int, logs: Path, extra: dict[str, str], n: int) -> Process:
    env = side_env(side, database, port, extra)
    return spawn(f"{side.name}-{database.stem}-worker{n}", [EMICRONORA, "worker"], side, env, logs)


def tracebacks(process: Process) -> int:
    return process.log.read_text(errors="replace").count("Traceback (most recent call last)")


# --- the fairs, inserted in bulk ----------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime on SQLite (UTCDateTime: naive UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def insert_people(db: sqlite3.Connection, count: int, roles: list[str], caps: list[int | None]) -> list[int]:
    """`count` users with a B2B profile each; returns the profile ids in order."""
    now = stamp(datetime.now(UTC))
    first_user = (db.execute("SELECT coalesce(max(id), 0) FROM users").fetchone()[0]) + 1
    db.executemany(
        "INSERT INTO users (id, email, name, company_name, country, password_hash, is_organiser, is_active,"
        " locale, terms_accepted_at, created_at, password_changed_at, email_opt_outs)"
        " VALUES (?, ?, ?, ?, 'FR', 'x', 0, 1, '', ?, ?, ?, '[]')",
        [
            (first_user + n, f"p{n}@bench.example", f"Participant {n}", f"Company {n}", now, now, now)
            for n in range(count)
        ],
    )
    first_profile = (db.execute("SELECT coalesce(max(id), 0) FROM b2b_profiles").fetchone()[0]) + 1
    db.executemany(
        "INSERT INTO b2b_profiles (id, user_id, role, headline, description, max_meetings, is_active,"
        " created_at) VALUES (?, ?, ?, '', '', ?, 1, ?)",
        [(first_profile + n, first_user + n, roles[n], caps[n], now) for n in range(count)],
    )
    return [first_profile + n for n in range(count)]


def insert_slots(db: sqlite3.Connection, count: int, per_day: int = 8) -> list[int]:
    """Slots of 20 minutes from tomorrow, four in the morning and four in the afternoon of each day."""
    base = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    ids = []
    for n in range(count):
        day, position = divmod(n, per_day)
        starts = base + timedelta(days=day, minutes=20 * position + (240 if position >= per_day // 2 else 0))
        cursor = db.execute(
            "INSERT INTO meeting_slots (starts_at, ends_at) VALUES (?, ?)",
            (stamp(starts), stamp(starts + timedelta(minutes=20))),
        )
        ids.append(int(cursor.lastrowid or 0))
    return ids


def insert_meetings(db: sqlite3.Connection, pairs: Sequence[tuple[int, int, int, int | None]]) -> None:
    """Accepted requests and their meetings: (first, second, priority, slot id or None), drafts."""
    now = datetime.now(UTC)
    created, expires = stamp(now), stamp(now + timedelta(days=30))
    first_request = (db.execute("SELECT coalesce(max(id), 0) FROM meeting_requests").fetchone()[0]) + 1
    db.executemany(
        "INSERT INTO meeting_requests (id, requester_id, recipient_id, message, status, priority, created_at,"
        " expires_at, responded_at) VALUES (?, ?, ?, '', 'accepted', ?, ?, ?, ?)",
        [(first_request + n, a, b, p, created, expires, created) for n, (a, b, p, _s) in enumerate(pairs)],
    )
    first_meeting = (db.execute("SELECT coalesce(max(id), 0) FROM meetings").fetchone()[0]) + 1
    db.executemany(
        "INSERT INTO meetings (id, request_id, first_id, second_id, slot_id, status, is_locked, is_published,"
        " room_url, sequence, updated_at) VALUES (?, ?, ?, ?, ?, 'scheduled', 0, 0, '', 0, ?)",
        [(first_meeting + n, first_request + n, a, b, s, created) for n, (a, b, _p, s) in enumerate(pairs)],
    )
    db.executemany(
        "INSERT INTO participant_slots (profile_id, slot_id, meeting_id) VALUES (?, ?, ?)",
        [
            (profile, s, first_meeting + n)
            for n, (a, b, _p, s) in enumerate(pairs)
            if s is not None
            for profile in (a, b)
        ],
    )


def fill_solve_fair(database: Path, participants: int, requests: int, slots: int) -> int:
    """The generated fair of `python -m scheduler bench`, unscheduled; returns the number of meetings."""
    sys.path.insert(0, str(ROOT))
    from scheduler.b2b_generate import generate_fair

    problem = generate_fair(participants, requests, slots, unavailable=0.15, cap=16, seed=1)
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        people = problem.participants
        roles = ["buyer" if str(p.id).startswith("b") else "supplier" for p in people]
        profile_ids = insert_people(db, len(people), roles, [p.max_meetings for p in people])
        profile_of = {p.id: profile_ids[n] for n, p in enumerate(people)}
        slot_ids = insert_slots(db, len(problem.slots))
        slot_of = {s.id: slot_ids[n] for n, s in enumerate(problem.slots)}
        db.executemany(
            "INSERT INTO unavailabilities (profile_id, slot_id) VALUES (?, ?)",
            [(profile_of[p.id], slot_of[s]) for p in people for s in sorted(p.unavailable)],
        )
        insert_meetings(
            db,
            [
                (profile_of[m.participants[0]], profile_of[m.participants[1]], m.weight, None)
                for m in problem.meetings
            ],
        )
    return len(problem.meetings)


def fill_placed_fair(database: Path, participants: int, meetings_each: int) -> int:
    """Buyers and suppliers in two halves; in slot k, buyer i meets supplier (i + 7k) mod n: each person has
    one meeting per slot and none twice with the same partner. Returns the number of meetings."""
    half = participants // 2
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        roles = ["buyer"] * half + ["supplier"] * half
        profile_ids = insert_people(db, 2 * half, roles, [None] * (2 * half))
        slot_ids = insert_slots(db, meetings_each)
        rng = random.Random(1)
        pairs = [
            (
                profile_ids[i],
                profile_ids[half + (i + 7 * k) % half],
                rng.choice((1, 1, 1, 2, 2, 3)),
                slot_ids[k],
            )
            for k in range(meetings_each)
            for i in range(half)
        ]
        insert_meetings(db, pairs)
    return len(pairs)


# --- the organiser, through the pages -----------------------------------------------------------------------


async def csrf(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path)
    if page.status_code != 200:
        raise RuntimeError(f"GET {path} answered {page.status_code}")
    token = CSRF_INPUT.search(page.text)
    if token is None:
        raise RuntimeError(f"GET {path}: no CSRF token in the page")
    return token[1]


async def organiser(port: int) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120, follow_redirects=False)
    token = await csrf(client, "/login")
    answer = await client.post("/login", data={"csrf_token": token, "email": ORGANISER, "password": PASSWORD})
    if answer.status_code != 303:
        await client.aclose()
        raise RuntimeError(f"the organiser's login answered {answer.status_code}")
    return client


# --- lag ----------------------------------------------------------------------------------------------------


@dataclass
class Probe:
    latencies_ms: list[float] = field(default_factory=list)
    late_ms: list[float] = field(default_factory=list)  # how late the prober sent (its own event loop)
    statuses: Counter[str] = field(default_factory=Counter)


class Connection:
    """One kept-alive HTTP/1.1 connection that GETs a path and reads the answer to its last byte: far cheaper
    than a full client, so that the prober's own CPU stays out of the figures."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> None:
        self.reader, self.writer, self.request = reader, writer, request

    @classmethod
    async def open(cls, port: int, path: str) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        return cls(reader, writer, request)

    async def get(self) -> str:
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        if length is None:
            raise ConnectionError("no Content-Length")
        await self.reader.readexactly(int(length[1]))
        return head.split(b" ", 2)[1].decode()

    def close(self) -> None:
        self.writer.close()


async def probe(port: int, rate: float, until: asyncio.Event, limit_s: float) -> Probe:
    """GET PROBE_PATH at `rate` per second until `until` is set (or `limit_s`), each at its own time on a
    kept-alive connection of a pool (a new one when all are busy: a slow answer delays no later request)."""
    result = Probe()
    # Kept-alive connections and when each was last used; one idle for a second is closed before the server
    # (uvicorn: 5 s) would close it under a request.
    idle: list[tuple[Connection, float]] = []
    for _ in range(4):  # warm: the first figures are not those of a TCP handshake
        connection = await Connection.open(port, PROBE_PATH)
        await connection.get()
        idle.append((connection, time.perf_counter()))

    async def take(now: float) -> Connection:
        while idle:
            connection, used = idle.pop()
            if now - used < 1.0:
                return connection
            connection.close()
        return await Connection.open(port, PROBE_PATH)

    async def one(planned: float) -> None:
        began = time.perf_counter()
        result.late_ms.append((began - planned) * 1000)
        try:
            connection = await take(began)
        except OSError as error:
            result.statuses[type(error).__name__] += 1
            return
        try:
            async with asyncio.timeout(30):
                status = await connection.get()
        except (OSError, EOFError, TimeoutError, asyncio.IncompleteReadError) as error:
            result.statuses[type(error).__name__] += 1
            connection.close()
            return
        result.latencies_ms.append((time.perf_counter() - began) * 1000)
        result.statuses[status] += 1
        idle.append((connection, time.perf_counter()))

    tasks: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    n = 0
    while not until.is_set() and time.perf_counter() - start < limit_s:
        planned = start + n / rate
        delay = planned - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(planned))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        n += 1
    if tasks:
        await asyncio.wait(tasks, timeout=35)
    for connection, _used in idle:
        connection.close()
    return result


def run_state(database: Path) -> tuple[str, str, str] | None:
    """The latest solve run's status, start and end, read beside the server."""
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as db:
        return db.execute(
            "SELECT status, started_at, finished_at FROM solve_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()


@dataclass
class LagRow:
    side: Side
    phase: str  # idle or solve
    probe: Probe | None = None
    load: float = 0.0
    solve_s: float | None = None
    run_status: str = ""
    web_cpu_s: float | None = None
    web_waited: float | None = None  # share of the phase the web's event loop waited for a CPU
    worker_cpu_s: float | None = None
    errors: int = 0
    failure: str = ""


async def measure_lag(
    side: Side, database: Path, port: int, logs: Path, args: argparse.Namespace
) -> list[LagRow]:
    idle, solving = LagRow(side, "idle"), LagRow(side, "solve")
    with processes() as started:
        server = start_server(side, database, port, logs, {})
        started.append(server)
        worker = None
        if side.name == "after":
            worker = start_worker(side, database, port, logs, {}, 1)
            started.append(worker)
        client = await organiser(port)
        try:
            token = await csrf(client, "/organiser/b2b/schedule")
            await asyncio.sleep(2)  # the worker's start-up (imports) is not the idle server's business
            idle.load = os.getloadavg()[0]
            waited, began = server.waited_s(), time.monotonic()
            idle.probe = await probe(port, args.rate, asyncio.Event(), args.idle_seconds)
            idle.web_waited = (server.waited_s() - waited) / (time.monotonic() - began)
            waited, phase_start = server.waited_s(), time.monotonic()
            web_cpu, worker_cpu = server.cpu_s(), worker.cpu_s() if worker else 0.0
            solving.load = os.getloadavg()[0]
            done = asyncio.Event()
            prober = asyncio.create_task(probe(port, args.rate, done, args.solve_seconds + 120))
            answer = await client.post(
                "/organiser/b2b/schedule",
                data={"csrf_token": token, "scope": "all", "time_limit": str(args.solve_seconds)},
            )
            if answer.status_code != 303:
                done.set()
                await prober
                raise RuntimeError(f"starting the solve answered {answer.status_code}")
            began = time.monotonic()
            state = None
            while time.monotonic() - began < args.solve_seconds + 120:
                await asyncio.sleep(0.5)
                state = await asyncio.to_thread(run_state, database)
                if state is not None and state[0] != "running":
                    break
            done.set()
            solving.probe = await prober
            solving.web_cpu_s = server.cpu_s() - web_cpu
            solving.web_waited = (server.waited_s() - waited) / (time.monotonic() - phase_start)
            if worker is not None:
                solving.worker_cpu_s = worker.cpu_s() - worker_cpu
            if state is not None:
                solving.run_status = state[0]
                if state[2]:
                    solving.solve_s = (
                        datetime.fromisoformat(state[2]) - datetime.fromisoformat(state[1])
                    ).total_seconds()
        finally:
            await client.aclose()
    solving.errors = sum(tracebacks(process) for process in started)
    return [idle, solving]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def lag_table(rows: list[LagRow]) -> None:
    print(f"Event-loop lag of the web worker: GET {PROBE_PATH} at a steady rate, ms to the last byte")
    print(
        f"{'code':<26}{'phase':<8}{'requests':>9}{'median':>9}{'p99':>9}{'max':>9}{'p99/idle':>10}"
        f"{'prober late p99':>17}  {'statuses':<14}{'solve':>14}  {'target':<14}met"
    )
    idle_p99 = {
        row.side.name: percentile(row.probe.latencies_ms, 0.99)
        for row in rows
        if row.phase == "idle" and row.probe
    }
    for row in rows:
        if row.probe is None or not row.probe.latencies_ms:
            print(f"{row.side.label:<26}{row.phase:<8}  failed: {row.failure}")
            continue
        lat = row.probe.latencies_ms
        p99 = percentile(lat, 0.99)
        base = idle_p99.get(row.side.name)
        ratio = f"{p99 / base:.1f}x" if base and row.phase != "idle" else "-"
        statuses = " ".join(f"{n}x{s}" for s, n in sorted(row.probe.statuses.items()))
        solve = f"{row.solve_s:.0f} s {row.run_status}" if row.solve_s is not None else row.run_status or "-"
        target = f"p99 < {TARGET_P99_MS:g}" if row.phase == "solve" else ""
        verdict = "" if row.phase == "idle" else ("met" if p99 < TARGET_P99_MS else "NOT MET")
        print(
            f"{row.side.label:<26}{row.phase:<8}{len(lat):>9}{statistics.median(lat):>9.1f}{p99:>9.1f}"
            f"{max(lat):>9.1f}{ratio:>10}{percentile(row.probe.late_ms, 0.99):>17.1f}  {statuses:<14}"
            f"{solve:>14}  {target:<14}{verdict}"
        )
    solves = {
        row.side.name: percentile(row.probe.latencies_ms, 0.99)
        for row in rows
        if row.phase == "solve" and row.probe and row.probe.latencies_ms
    }
    if "before" in solves and "after" in solves:
        before, after = solves["before"], solves["after"]
        print(f"after / before, p99 during the solve: {after / before:.2g}x ({before:.1f} > {after:.1f} ms)")


# --- publish ------------------------------------------------------------------------------------------------


def smtp_sink(port: int, record: Path) -> None:
    """The SMTP server (run as `jobs.py --smtp-sink PORT FILE`): accepts everything, and writes one line per
    recipient of each message: arrival time, address, whether an .ics came with it."""
    from aiosmtpd.controller import Controller

    out = record.open("a", buffering=1)

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            content = getattr(envelope, "content", b"") or b""
            ics = b"BEGIN:VCALENDAR" in content or b"text/calendar" in content
            for address in getattr(envelope, "rcpt_tos", []):
                out.write(f"{time.time():.6f}\t{address}\t{int(ics)}\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port, data_size_limit=10_000_000)
    controller.start()
    stopped = False

    def finish(*_args: object) -> None:
        nonlocal stopped
        stopped = True

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    while not stopped:
        time.sleep(0.2)
    controller.stop()
    out.close()


def received(record: Path) -> list[tuple[float, str, bool]]:
    lines = record.read_text().splitlines() if record.exists() else []
    rows = []
    for line in lines:
        parts = line.split("\t")
        if len(parts) == 3:
            rows.append((float(parts[0]), parts[1], parts[2] == "1"))
    return rows


def pending_jobs(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)) as db:
        return int(
            db.execute(
                "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')"
                " AND kind IN ('b2b.schedule_mails', 'mail.send')"
            ).fetchone()[0]
        )


@dataclass
class PublishRow:
    label: str
    expected: int
    kill: bool
    publish_ms: float = 0.0
    publish_status: str = ""
    all_in_s: float | None = None  # from the publish POST until every participant got a mail
    last_s: float = 0.0  # the last arrival
    messages: int = 0
    distinct: int = 0
    without_ics: int = 0
    killed_at: int | None = None  # mails received when the worker was killed
    outbox: Counter[str] = field(default_factory=Counter)
    jobs: Counter[str] = field(default_factory=Counter)
    load: float = 0.0
    errors: int = 0
    failure: str = ""

    @property
    def lost(self) -> int:
        return self.expected - self.distinct

    @property
    def duplicated(self) -> int:
        return self.messages - self.distinct


async def measure_publish(
    side: Side, template: Path, folder: Path, logs: Path, args: argparse.Namespace, expected: int, kill: bool
) -> PublishRow:
    row = PublishRow("one worker killed halfway" if kill else "two workers", expected, kill)
    database = folder / ("publish-kill.sqlite3" if kill else "publish.sqlite3")
    shutil.copyfile(template, database)
    record = folder / f"{database.stem}-smtp.tsv"
    smtp_port, port = free_port(), free_port()
    extra = {"EMICRONORA_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}"}
    if args.lease:
        extra["EMICRONORA_JOB_LEASE_SECONDS"] = str(args.lease)
    deadline_s = TARGET_MAILS_S + (2 * (args.lease or 60) if kill else 0) + 60
    with processes() as started:
        sink = spawn(
            f"{database.stem}-smtp",
            [sys.executable, str(SCRIPT), "--smtp-sink", str(smtp_port), str(record)],
            side,
            os.environ.copy(),
            logs,
        )
        started.append(sink)
        wait_listening(sink, smtp_port)
        started.append(start_server(side, database, port, logs, extra))
        workers = [start_worker(side, database, port, logs, extra, n) for n in (1, 2)]
        started.extend(workers)
        client = await organiser(port)
        try:
            token = await csrf(client, "/organiser/b2b/schedule")
            await asyncio.sleep(3)  # the workers' start-up
            row.load = os.getloadavg()[0]
            began = time.time()
            answer = await client.post("/organiser/b2b/publish", data={"csrf_token": token})
            row.publish_ms = (time.time() - began) * 1000
            row.publish_status = str(answer.status_code)
            while time.time() - began < deadline_s:
                await asyncio.sleep(0.25)
                mails = received(record)
                distinct = len({address for _, address, _ in mails})
                if kill and row.killed_at is None and len(mails) >= expected // 2:
                    os.kill(workers[0].popen.pid, signal.SIGKILL)
                    row.killed_at = len(mails)
                if distinct >= expected and row.all_in_s is None:
                    row.all_in_s = max(at for at, _, _ in mails) - began
                if row.all_in_s is not None and await asyncio.to_thread(pending_jobs, database) == 0:
                    break
            await asyncio.sleep(3)  # a late duplicate would arrive now
        finally:
            await client.aclose()
    mails = received(record)
    row.messages = len(mails)
    row.distinct = len({address for _, address, _ in mails})
    row.without_ics = sum(not ics for _, _, ics in mails)
    row.last_s = max((at for at, _, _ in mails), default=began) - began
    with contextlib.closing(sqlite3.connect(database)) as db:
        row.outbox = Counter(dict(db.execute("SELECT status, count(*) FROM outbox_emails GROUP BY status")))
        row.jobs = Counter(
            {
                f"{kind} {status}": n
                for kind, status, n in db.execute(
                    "SELECT kind, status, count(*) FROM jobs"
                    " WHERE kind IN ('b2b.schedule_mails', 'mail.send') GROUP BY kind, status"
                )
            }
        )
    row.errors = sum(tracebacks(process) for process in started)
    return row


def publish_table(rows: list[PublishRow]) -> None:
    print("Publishing a placed schedule: the POST, then every participant's agenda (.ics) at the SMTP server")
    print(
        f"{'run':<28}{'recipients':>11}{'publish ms':>11}{'all in s':>10}{'last s':>8}{'mails':>8}{'lost':>6}"
        f"{'dup':>5}{'no .ics':>8}{'killed at':>10}  {'target':<34}met"
    )
    for row in rows:
        if row.failure:
            print(f"{row.label:<28}  failed: {row.failure}")
            continue
        missed = []
        if row.publish_status != "303":
            missed.append(f"publish {row.publish_status}")
        if row.publish_ms >= TARGET_PUBLISH_MS:
            missed.append(f"publish {row.publish_ms:.0f} ms")
        if row.all_in_s is None or row.all_in_s > TARGET_MAILS_S:
            missed.append("not all in 120 s")
        if row.lost or row.duplicated:
            missed.append(f"{row.lost} lost, {row.duplicated} dup")
        if row.without_ics:
            missed.append(f"{row.without_ics} without .ics")
        verdict = "met" if not missed else "NOT MET: " + ", ".join(missed)
        all_in = f"{row.all_in_s:.1f}" if row.all_in_s is not None else "-"
        killed = str(row.killed_at) if row.killed_at is not None else "-"
        print(
            f"{row.label:<28}{row.expected:>11}{row.publish_ms:>11.0f}{all_in:>10}{row.last_s:>8.1f}"
            f"{row.messages:>8}{row.lost:>6}{row.duplicated:>5}{row.without_ics:>8}{killed:>10}  "
            f"{'< 300 ms; each once within 120 s':<34}{verdict}"
        )


# --- main ---------------------------------------------------------------------------------------------------


def header(argv: list[str]) -> None:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    print("Background work out of the web process (issue 15)")
    print("command: " + shlex.join([".venv/bin/python", "benchmarks/jobs.py", *argv]))
    print(
        f"machine: {os.cpu_count()} CPUs ({model or platform.machine()}), Linux {platform.release()}, "
        f"Python {platform.python_version()}; `emicronora serve` on 127.0.0.1, SQLite"
    )
    print()


def run_lag(args: argparse.Namespace, folder: Path, logs: Path) -> list[LagRow]:
    sides = [Side("after", "after (tree)", ROOT)]
    if not args.no_before:
        short = unpack(args.before, folder / "before")
        sides.insert(0, Side("before", f"before {short} (thread)", folder / "before"))
    rows: list[LagRow] = []
    for side in sides:
        print(f"  lag: {side.label}...", file=sys.stderr, flush=True)
        database = folder / f"lag-{side.name}.sqlite3"
        try:
            prepare(side, database)
            meetings = fill_solve_fair(database, args.solve_participants, args.solve_requests, 32)
            print(f"  lag: {meetings} meetings to schedule", file=sys.stderr, flush=True)
            rows += asyncio.run(measure_lag(side, database, free_port(), logs, args))
        except Exception as error:
            traceback.print_exc()
            rows.append(LagRow(side, "solve", failure=f"{type(error).__name__}: {error}"))
    return rows


def run_publish(args: argparse.Namespace, folder: Path, logs: Path) -> list[PublishRow]:
    side = Side("after", "after (tree)", ROOT)
    template = folder / "publish-template.sqlite3"
    prepare(side, template)
    meetings = fill_placed_fair(template, args.participants, args.meetings_each)
    expected = 2 * (args.participants // 2)
    print(f"  publish: {expected} participants, {meetings} meetings", file=sys.stderr, flush=True)
    rows = []
    for kill in (False, True):
        try:
            rows.append(asyncio.run(measure_publish(side, template, folder, logs, args, expected, kill)))
        except Exception as error:
            traceback.print_exc()
            rows.append(PublishRow("killed" if kill else "two workers", expected, kill, failure=str(error)))
    return rows


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--smtp-sink":
        smtp_sink(int(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only this part")
    parser.add_argument("--before", default="08217ff", help="the code before issue 15 (default 08217ff)")
    parser.add_argument("--no-before", action="store_true", help="lag: the working tree only")
    parser.add_argument("--rate", type=float, default=50.0, help="lag: probes per second (default 50)")
    parser.add_argument("--idle-seconds", type=float, default=30.0, help="lag: idle measure (default 30)")
    parser.add_argument("--solve-seconds", type=int, default=60, help="lag: the solve's time limit (5-120)")
    parser.add_argument("--solve-participants", type=int, default=1000)
    parser.add_argument("--solve-requests", type=int, default=8000)
    parser.add_argument("--participants", type=int, default=10_000, help="publish: participants")
    parser.add_argument("--meetings-each", type=int, default=2, help="publish: meetings per participant")
    parser.add_argument(
        "--lease", type=int, help="publish: EMICRONORA_JOB_LEASE_SECONDS (default: the app's)"
    )
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    args = parser.parse_args()
    chosen = [s for s in SCENARIOS if s in (args.only or SCENARIOS)]
    # The prober (this process) runs ahead of other jobs of a shared machine, so that its own delays stay out
    # of the figures; the servers and workers run at the ordinary priority (see ordinary_priority).
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, PROBER_PRIORITY)
    header(sys.argv[1:])
    lag_rows: list[LagRow] = []
    publish_rows: list[PublishRow] = []
    with tempfile.TemporaryDirectory(prefix="jobsbench-") as tmp:
        folder = Path(tmp)
        logs = folder / "logs"
        logs.mkdir()
        try:
            if "lag" in chosen:
                lag_rows = run_lag(args, folder, logs)
            if "publish" in chosen:
                publish_rows = run_publish(args, folder, logs)
        finally:
            if args.logs:
                args.logs.mkdir(parents=True, exist_ok=True)
                for log in logs.glob("*.log"):
                    shutil.copy(log, args.logs)
            if lag_rows:
                lag_table(lag_rows)
                print()
            if publish_rows:
                publish_table(publish_rows)
                print()
            notes(lag_rows, publish_rows)
    if any(row.failure for row in lag_rows) or any(row.failure for row in publish_rows):
        sys.exit(1)


def notes(lag_rows: list[LagRow], publish_rows: list[PublishRow]) -> None:
    print("Notes")
    for row in lag_rows:
        remarks = [f"load {row.load:.1f}"]
        if row.web_waited is not None:
            remarks.append(f"the web's event loop waited for a CPU {100 * row.web_waited:.0f} % of the time")
        if row.web_cpu_s is not None:
            remarks.append(f"web CPU {row.web_cpu_s:.1f} s")
        if row.worker_cpu_s is not None:
            remarks.append(f"worker CPU (with its finished children) {row.worker_cpu_s:.1f} s")
        if row.errors:
            remarks.append(f"{row.errors} tracebacks in the logs")
        if row.failure:
            remarks.append(row.failure)
        print(f"  lag, {row.side.label}, {row.phase}: " + "; ".join(remarks))
    for prow in publish_rows:
        remarks = [f"load {prow.load:.1f}", f"publish answered {prow.publish_status}"]
        remarks.append("outbox " + ", ".join(f"{n} {s}" for s, n in sorted(prow.outbox.items())))
        remarks.append("jobs " + ", ".join(f"{n} {s}" for s, n in sorted(prow.jobs.items())))
        if prow.errors:
            remarks.append(f"{prow.errors} tracebacks in the logs")
        print(f"  publish, {prow.label}: " + "; ".join(remarks))


if __name__ == "__main__":
    main()
