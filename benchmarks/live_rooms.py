"""Live room fan-out under load, with a bare Starlette broadcast server as the baseline in the same run.

    .venv/bin/python benchmarks/live_rooms.py                # the full figures (30 to 60 minutes)
    .venv/bin/python benchmarks/live_rooms.py --quick        # 200 clients, 10 s, fault streams of 1,000
    .venv/bin/python benchmarks/live_rooms.py --only A       # or B, faults, baseline; repeatable
    .venv/bin/python benchmarks/live_rooms.py --only A --clients 500 --compression none

Every server is a real uvicorn process with `--ws-max-size 65536` and uvicorn's other defaults,
permessage-deflate included. Ours runs the WebSocket protocol `emicronora serve` uses
(emicronora.live.wire:RoomSocketProtocol: an event framed once for the whole room, compressed without a
kept context and only from 1 KiB); the baseline runs uvicorn's stock `websockets-sansio`, which compresses
every message once per socket. `--compression none` (clients that do not offer compression) compares the two
without that difference. The clients live in another process (benchmarks/live_load.py: the `websockets`
sans-I/O protocol on uvloop, so that a receipt costs the client side as little as possible), so that they
never share the server's event loop. Rows with
one server pin it to CPU 0 and the load generator to CPU 1; rows with two servers share both CPUs with
PostgreSQL and Redis, as two workers on a two-core host would. Server and generator run in sessions of
their own at nice -10 (see `child_setup`), because other jobs on a shared machine skew every figure; the
table says how much CPU those jobs still took.

- baseline: benchmarks/bare_broadcast.py, a set of sockets and a loop that sends every text received to
  all of them (no database, no login, no numbering, no queue), under the same load as A.
- A: one worker on SQLite; N clients in one room, of which 40 post (10 messages per second in all, one post
  every 4 s each: the room allows 5 per 10 s per connection).
- B: two workers on two ports sharing PostgreSQL (database bench_live, created and dropped here) and Redis
  (a channel of this run's own); clients alternate between the workers.
- faults (B's set-up; 10,000 messages at 50 msg/s from 200 clients that all post, one post every 4 s each):
  `kill -9` of worker 1 halfway through the stream, its clients resuming on worker 2 with
  `?after=<last seq>` and sending their unacknowledged posts again (same client_id); then Redis shut down
  halfway through another stream and started again a second later (Redis is running again when the script
  ends, whatever happens).

What the columns mean. A client is expected to receive every chat message stored in the room (read back from
the database at the end) numbered after the welcome it got when it first joined; delivered counts the
distinct sequence numbers it received of those; lost the missing ones below the last it received (skipped: it
will never get them), late those above (still on their way when deliveries had made no progress for 20 s: an
overloaded server); dup every message received a second time (same seq or same message). Latency runs from
the poster's `time.time_ns()`, written in the body, to the arrival of the bytes at the receiver (one machine,
one clock). msg/s is what the room stored per second, deliv./s what all clients received per second (thr.
ratio compares it with the baseline's). RSS is the server's VmRSS when it had started, at the end of the
stream, and its VmHWM (peak). CPU is the share of one core used during the stream by the server(s) and the
generator; gen lag p99 how late the generator's event loop woke up (a receipt is stamped at most that late);
CPU wait the share of the stream during which the server's (or the generator's) event loop was ready to run
but waited for a CPU (/proc/<pid>/schedstat); others the CPU that processes other than ours, PostgreSQL and
Redis used meanwhile. A row that others disturbed (more than half a core) is run again (--attempts) and the
least disturbed run is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.live_load import machine_busy_seconds
from emicronora import db as dbmod
from emicronora.accounts import sessions as login_sessions
from emicronora.models import Day, Session, Theme, User

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(sys.executable).parent
PG_DATABASE = "bench_live"
PG_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{PG_DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "-::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    "/var/lib/redis",
    "--logfile",
    "/var/log/redis/ci.log",
]
UVICORN = [str(VENV / "uvicorn")]
# Ours frames each event once for the whole room (emicronora/live/wire.py), as `emicronora serve` does; the
# baseline sends with uvicorn's stock protocol, which compresses every message once per socket.
APP = [*UVICORN, "--ws", "emicronora.live.wire:RoomSocketProtocol", "emicronora.asgi:app"]
BARE_APP = [*UVICORN, "--ws", "websockets-sansio", "--app-dir", "benchmarks", "bare_broadcast:app"]
SERVER_FLAGS = ["--ws-max-size", "65536", "--log-level", "warning"]
TARGET_P99_MS = 100.0
TARGET_RATIO = 1.5
DISTURBED = 0.5
DRAIN_S = 20.0
PRIORITY = -10


@dataclass(frozen=True)
class Sizes:
    clients: tuple[int, ...]
    seconds: float
    rate: float
    posters: int
    fault_messages: int
    fault_rate: float
    fault_clients: int
    compression: str | None = "deflate"


# Faults: 10,000 messages at 50 msg/s from 200 clients (one post every 4 s each) take 200 s. At 100 msg/s
# the rate limit needs 250 posting clients or more, and 25,000 deliveries a second are more than two workers
# sharing two cores with PostgreSQL can send: the run measures the overload, not the fault (see --fault-rate).
FULL = Sizes((1000, 2000), 30, 10, 40, 10_000, 50, 200)
QUICK = Sizes((200,), 10, 10, 40, 1_000, 50, 150)


@dataclass
class Row:
    scenario: str
    label: str
    clients: int
    result: dict[str, Any]
    rss_start_kib: list[int]
    attempt: int
    server_errors: dict[str, int]


# --- set-up -------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_env(database_url: str, broadcast_url: str = "memory://", channel: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMICRONORA_")}
    env |= {
        "EMICRONORA_DATABASE_URL": database_url,
        "EMICRONORA_SECRET_KEY": "bench-" + "k" * 40,
        "EMICRONORA_BROADCAST_URL": broadcast_url,
    }
    if channel:
        env["EMICRONORA_BROADCAST_CHANNEL"] = channel
    return env


def migrate(env: dict[str, str]) -> None:
    command = [VENV / "emicronora", "migrate"]
    subprocess.run(command, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)  # noqa: S603


async def fill(url: str, users: int, rooms: int) -> tuple[list[int], list[str]]:
    """A theme, a day, `rooms` sessions live now, `users` participants and a login session (cookie) each."""
    engine = dbmod.create_engine(url)
    now = datetime.now(UTC)
    async with dbmod.create_sessionmaker(engine)() as db, db.begin():
        theme = Theme(slug="bench", name_fr="Banc d'essai", name_en="Benchmark")
        db.add(theme)
        await db.flush()
        day = Day(date=now.astimezone(ZoneInfo("Europe/Paris")).date(), theme_id=theme.id)
        db.add(day)
        await db.flush()
        sessions = [
            Session(
                kind="webinar",
                title=f"Live room {n}",
                day_id=day.id,
                theme_id=theme.id,
                starts_at=now - timedelta(minutes=10),
                ends_at=now + timedelta(hours=4),
                position=n,
            )
            for n in range(rooms)
        ]
        people = [
            User(
                email=f"p{n}@bench.example",
                name=f"Participant {n}",
                company_name="Bench",
                country="FR",
                password_hash="x",
                terms_accepted_at=now,
            )
            for n in range(users)
        ]
        db.add_all([*sessions, *people])
        await db.flush()
        tokens = [
            await login_sessions.open_session(db, person, "127.0.0.1", "live_rooms benchmark", now)
            for person in people
        ]
    await engine.dispose()
    return [s.id for s in sessions], [f"{login_sessions.SESSION_COOKIE}={token}" for token in tokens]


def child_setup(cpu: int | None) -> Callable[[], None]:
    """Runs in a server or load generator process before it starts: pinned to `cpu` when given, and ahead
    of other jobs on a shared machine so that they disturb the figures less. Linux shares the CPUs between
    sessions (autogroups) first, whatever the nice values inside them, so the process starts a session of its
    own and lowers that session's nice value (when allowed)."""

    def setup() -> None:
        if cpu is not None and (os.cpu_count() or 1) >= 2:
            os.sched_setaffinity(0, {cpu})
        os.setsid()
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(PRIORITY))
        with contextlib.suppress(PermissionError):
            os.nice(PRIORITY)

    return setup


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def start_server(app: list[str], env: dict[str, str], logs: Path, name: str, cpu: int | None) -> Server:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = logs / f"{name}-{port}.log"
    process = subprocess.Popen(  # noqa: S603
        [*app, "--host", "127.0.0.1", "--port", str(port), *SERVER_FLAGS],
        env=env | {"EMICRONORA_SITE_URL": base},
        cwd=ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        preexec_fn=child_setup(cpu),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{log.read_text()[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return Server(process, base, log)  # uvicorn listens once the lifespan has started
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not listen within 60 s:\n{log.read_text()[-2000:]}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@contextlib.contextmanager
def servers(app: list[str], env: dict[str, str], logs: Path, name: str, count: int) -> Iterator[list[Server]]:
    started: list[Server] = []
    try:
        for n in range(count):
            cpu = 0 if count == 1 else None
            started.append(start_server(app, env, logs, f"{name}-{n + 1}", cpu))
        yield started
    finally:
        for server in started:
            stop_server(server)


Start = Callable[[], AbstractContextManager[list[Server]]]
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception)): ?(.{0,90})")


def server_errors(logs: list[Path]) -> dict[str, int]:
    """The exceptions the servers logged (the last line of each traceback), counted."""
    found: Counter[str] = Counter()
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if match := EXCEPTION_LINE.match(line):
                found[f"{match[1]}: {match[2]}"] += 1
    return dict(found)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def redis_up() -> bool:
    command = ["redis-cli", "-p", "6379", "ping"]
    answer = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    return answer.stdout.strip() == "PONG"


def ensure_redis() -> None:
    if redis_up():
        return
    print("  Redis was down: starting it again", file=sys.stderr)
    quiet = subprocess.DEVNULL
    subprocess.run(REDIS_START, check=False, stdin=quiet, stdout=quiet, stderr=quiet)  # noqa: S603
    for _ in range(100):
        if redis_up():
            return
        time.sleep(0.1)
    print("  WARNING: Redis did not answer after a restart", file=sys.stderr)


def drop_pg() -> None:
    command = ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", PG_DATABASE]
    subprocess.run(command, check=True)  # noqa: S603


# --- running the load ---------------------------------------------------------------------------------------


def run_load(spec: dict[str, Any], cpu: int | None) -> dict[str, Any]:
    budget = 600 + 4 * spec["messages"] / spec["rate"]
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "benchmarks" / "live_load.py")],
        input=json.dumps(spec),
        stdout=subprocess.PIPE,  # the result; progress goes on to our stderr as it comes
        text=True,
        timeout=budget,
        preexec_fn=child_setup(cpu),
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed ({done.returncode})")
    return json.loads(done.stdout)


def wait_for_quiet(limit: float = 120, threshold: float = 0.25, calm: int = 5) -> None:
    """Other jobs on this machine (test suites) skew every figure: wait until the machine has stayed under
    `threshold` busy cores for `calm` seconds, for at most `limit` seconds."""
    began = time.monotonic()
    quiet = 0
    before = machine_busy_seconds()
    while quiet < calm and time.monotonic() - began < limit:
        time.sleep(1)
        after = machine_busy_seconds()
        quiet = quiet + 1 if after - before < threshold else 0
        before = after
    waited = time.monotonic() - began
    if waited > calm + 2:
        state = "quiet" if quiet >= calm else "still busy, going on"
        print(f"  waited {waited:.0f} s for other jobs on the machine ({state})", file=sys.stderr)


def measure(scenario: str, label: str, start: Start, spec: dict[str, Any], attempts: int) -> Row:
    """Runs the load against fresh servers; a run that other jobs on the machine disturbed (more than
    DISTURBED cores busy elsewhere) is run again, and the least disturbed attempt is kept."""
    kept: Row | None = None
    for attempt in range(1, attempts + 1):
        print(f"- {label}: {spec['clients']:,} clients (attempt {attempt})", file=sys.stderr, flush=True)
        wait_for_quiet()
        with start() as running:
            given = spec | {"targets": [s.base for s in running], "server_pids": [s.pid for s in running]}
            start_rss = [rss_kib(s.pid) for s in running]
            result = run_load(given, cpu=1 if len(running) == 1 else None)
        errors = server_errors([s.log for s in running])
        row = Row(scenario, label, spec["clients"], result, start_rss, attempt, errors)
        if kept is None or result["other_cpu"] < kept.result["other_cpu"]:
            kept = row
        if result["other_cpu"] <= DISTURBED:
            break
        print(f"  other jobs used {result['other_cpu']:.2f} cores meanwhile", file=sys.stderr)
    assert kept is not None
    return kept


def stream_spec(sizes: Sizes, clients: int) -> dict[str, Any]:
    return {
        "clients": clients,
        "posters": sizes.posters,
        "rate": sizes.rate,
        "messages": round(sizes.rate * sizes.seconds),
        "compression": sizes.compression,
        "drain_s": DRAIN_S,
    }


def run_baseline(sizes: Sizes, logs: Path, attempts: int, rows: list[Row]) -> None:
    start = partial(servers, BARE_APP, dict(os.environ), logs, "bare", 1)
    label = "baseline: bare broadcast, 1 worker"
    for clients in sizes.clients:
        spec = stream_spec(sizes, clients) | {"mode": "bare", "path": "/ws"}
        rows.append(measure("baseline", label, start, spec, attempts))


def run_a(sizes: Sizes, logs: Path, folder: Path, attempts: int, rows: list[Row]) -> None:
    url = f"sqlite+aiosqlite:///{folder}/bench.sqlite3"
    env = app_env(url)
    migrate(env)
    rooms, cookies = asyncio.run(fill(url, max(sizes.clients), len(sizes.clients)))
    start = partial(servers, APP, env, logs, "a", 1)
    for room, clients in zip(rooms, sizes.clients, strict=True):
        spec = stream_spec(sizes, clients) | room_spec(room, cookies, clients, url)
        rows.append(measure("A", "A: SQLite, 1 worker", start, spec, attempts))


def room_spec(room: int, cookies: list[str], clients: int, url: str) -> dict[str, Any]:
    path = f"/ws/rooms/{room}"
    return {"mode": "room", "path": path, "room": room, "cookies": cookies[:clients], "truth_url": url}


T = TypeVar("T")


def guarded(name: str, failed: list[str], run: Callable[[], T]) -> T | None:
    """A part that fails (a server that would not start, a lost service) must not take the rows measured so
    far, or the parts after it, with it: the failure is printed under the table."""
    try:
        return run()
    except Exception as error:
        traceback.print_exc()
        failed.append(f"{name}: {type(error).__name__}: {error}")
        return None


def run_pg(
    sizes: Sizes, logs: Path, what: set[str], attempts: int, rows: list[Row], failed: list[str]
) -> None:
    """Scenario B and the faults: two workers, PostgreSQL and Redis."""
    drop_pg()
    command = ["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DATABASE]
    subprocess.run(command, check=True)  # noqa: S603
    try:
        env = app_env(PG_URL, REDIS_URL, f"bench-live-{uuid.uuid4().hex[:12]}:events")
        migrate(env)
        users = max(*sizes.clients, sizes.fault_clients)
        rooms, cookies = asyncio.run(fill(PG_URL, users, len(sizes.clients) + 2))
        if "B" in what:
            start = partial(servers, APP, env, logs, "b", 2)
            for room, clients in zip(rooms, sizes.clients, strict=False):
                spec = stream_spec(sizes, clients) | room_spec(room, cookies, clients, PG_URL)
                label = "B: PostgreSQL + Redis, 2 workers"
                if row := guarded(label, failed, partial(measure, "B", label, start, spec, attempts)):
                    rows.append(row)
        if "faults" in what:
            fault = {
                "clients": sizes.fault_clients,
                "posters": sizes.fault_clients,
                "rate": sizes.fault_rate,
                "messages": sizes.fault_messages,
                "fault_at": sizes.fault_messages // 2,
                "redis_start": REDIS_START,
                "redis_down_s": 1.0,
                "drain_s": DRAIN_S,
                "compression": sizes.compression,
            }
            for kind, room, label in (
                ("kill", rooms[-2], "kill -9 worker 1"),
                ("redis", rooms[-1], "Redis restart"),
            ):
                spec = fault | room_spec(room, cookies, sizes.fault_clients, PG_URL) | {"fault": kind}
                start = partial(servers, APP, env, logs, kind, 2)
                if row := guarded(label, failed, partial(measure, kind, label, start, spec, attempts)):
                    rows.append(row)
                ensure_redis()
    finally:
        drop_pg()


# --- tables -------------------------------------------------------------------------------------------------


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def memory_cell(row: Row) -> str:
    figures = row.result["server_memory_kib"]
    starts = "+".join(mib(kib) for kib in row.rss_start_kib)
    ends = "+".join(mib(m["VmRSS"]) if m else "killed" for m in figures)
    peaks = "+".join(mib(m["VmHWM"]) if m else "-" for m in figures)
    return f"{starts} > {ends} / {peaks}"


def throughput(row: Row) -> float:
    return row.result["deliveries"] / row.result["delivery_s"]


def percent(values: list[float | None]) -> str:
    return "+".join("-" if v is None else f"{v * 100:.0f}" for v in values) + "%"


def steady_table(rows: list[Row]) -> None:
    print(
        f"{'scenario':<34}{'clients':>8}{'msg/s':>7}{'deliv./s':>10}{'delivered / expected':>24}{'lost':>6}"
        f"{'late':>6}{'dup':>5}{'p50':>8}{'p99':>8}{'max ms':>8}  {'RSS MiB start>end/peak':<25}"
        f"{'CPU srv':>9}{'gen':>5}{'gen lag p99':>12}{'CPU wait srv':>14}{'gen':>5}{'others':>8}"
    )
    for row in rows:
        r, a, lat = row.result, row.result["all"], row.result["latency_ms"]
        stored_rate = r["stored"] / r["posting_s"]
        waits = r["run_queue_wait"]
        print(
            f"{row.label:<34}{row.clients:>8,}{stored_rate:>7.1f}{throughput(row):>10,.0f}"
            f"{a['delivered']:>13,} / {a['expected']:<9,}{a['lost']:>6}{a['late']:>6}{a['duplicates']:>5}"
            f"{lat['p50']:>8.1f}{lat['p99']:>8.1f}{lat['max']:>8.0f}  {memory_cell(row):<25}"
            f"{percent(r['server_cpu']):>9}{percent([r['generator_cpu']]):>5}"
            f"{r['loop_lag_ms']['p99']:>10.1f}ms{percent(waits[:-1]):>14}{percent(waits[-1:]):>5}"
            f"{percent([r['other_cpu']]):>8}"
        )


def ratio_table(rows: list[Row], baselines: dict[int, Row]) -> None:
    print(
        f"{'scenario':<34}{'clients':>8}{'p99 ms':>8}{'base p99':>10}{'p99 ratio':>11}{'thr. ratio':>12}"
        f"  targets (0 lost, 0 dup, p99 < {TARGET_P99_MS:.0f} ms, p99 <= {TARGET_RATIO}x baseline)"
    )
    for row in rows:
        base = baselines.get(row.clients)
        a, p99 = row.result["all"], row.result["latency_ms"]["p99"]
        misses = []
        if a["lost"]:
            misses.append(f"{a['lost']} lost")
        if a["late"]:
            misses.append(f"{a['late']} still undelivered after {DRAIN_S:g} s")
        if a["duplicates"]:
            misses.append(f"{a['duplicates']} dup")
        if p99 >= TARGET_P99_MS:
            misses.append(f"p99 {p99 / TARGET_P99_MS:.1f}x the target")
        if base is None:
            base_p99, ratio, thr = "-", "-", "-"
        else:
            base_value = base.result["latency_ms"]["p99"]
            base_p99, ratio = f"{base_value:.1f}", f"{p99 / base_value:.2f}x"
            thr = f"{throughput(row) / throughput(base):.2f}x"
            if p99 > TARGET_RATIO * base_value:
                misses.append(f"p99 {p99 / base_value:.1f}x the baseline's")
        verdict = "met" if not misses else "MISSED: " + ", ".join(misses)
        print(f"{row.label:<34}{row.clients:>8,}{p99:>8.1f}{base_p99:>10}{ratio:>11}{thr:>12}  {verdict}")


def group_name(group: dict[str, Any]) -> str:
    return f"{group['name']} ({group['clients']})"


def group_table(rows: list[Row]) -> None:
    print(
        f"{'scenario':<34}{'clients':>8}  {'clients of':<15}{'delivered / expected':>24}{'lost':>6}"
        f"{'late':>6}{'dup':>5}{'max lost/client':>17}{'max dup/client':>16}{'reconnects':>12}"
        f"{'out of order':>14}{'p99 ms':>8}"
    )
    for row in rows:
        for group in row.result["groups"]:
            print(
                f"{row.label:<34}{row.clients:>8,}  {group_name(group):<15}"
                f"{group['delivered']:>13,} / {group['expected']:<9,}"
                f"{group['lost']:>6}{group['late']:>6}{group['duplicates']:>5}"
                f"{group['max_lost_per_client']:>17}{group['max_duplicates_per_client']:>16}"
                f"{group['reconnects']:>12}{group['unordered']:>14}{group['latency_ms']['p99']:>8.1f}"
            )


def fault_table(rows: list[Row]) -> None:
    print(
        f"{'fault':<20}{'at (s)':>7}{'posted':>8}{'stored':>8}{'resent':>7}  {'clients of':<16}"
        f"{'delivered / expected':>26}{'lost':>6}{'late':>6}{'dup':>5}{'max lost/client':>17}"
        f"{'max dup/client':>16}{'resumed':>9}{'max gap s':>10}{'p50':>7}{'p99':>8}{'max ms':>8}"
    )
    for row in rows:
        r = row.result
        at = r["fault"].get("fault_at", float("nan"))
        for n, group in enumerate(r["groups"]):
            head = f"{row.label:<20}{at:>7.1f}{r['posted']:>8,}{r['stored']:>8,}{r['resent']:>7}"
            lat = group["latency_ms"]
            print(
                f"{head if n == 0 else '':<50}  {group_name(group):<16}"
                f"{group['delivered']:>15,} / {group['expected']:<9,}"
                f"{group['lost']:>6}{group['late']:>6}{group['duplicates']:>5}"
                f"{group['max_lost_per_client']:>17}{group['max_duplicates_per_client']:>16}"
                f"{group['reconnects']:>9}{group['max_outage_s']:>10.2f}"
                f"{lat['p50']:>7.0f}{lat['p99']:>8.0f}{lat['max']:>8.0f}"
            )


def notes(rows: list[Row]) -> None:
    for row in rows:
        r = row.result
        remarks = []
        if row.server_errors:
            remarks.append(f"server logs: {row.server_errors}")
        if r["all"]["reconnects"]:
            remarks.append(f"{r['all']['reconnects']} reconnections")
        if r["refused"]:
            remarks.append(f"refused by the server: {r['refused']}")
        if not r["drained"]:
            remarks.append(f"deliveries made no progress for {DRAIN_S:g} s: the generator stopped waiting")
        for group in r["groups"]:
            if group["lost_seqs"]:
                remarks.append(f"{group['name']}: seqs skipped by clients: {group['lost_seqs']}")
        if not r["acked_all"]:
            remarks.append("some posts were never acknowledged")
        if r["all"]["fallbacks"]:
            remarks.append(f"{r['all']['fallbacks']} resumes got a snapshot instead of the missed events")
        if r["schedule_lag_ms"] > 100:
            remarks.append(f"the posting schedule ran up to {r['schedule_lag_ms']:.0f} ms late")
        if r["generator_cpu"] > 0.85 or r["loop_lag_ms"]["p99"] > 50:
            remarks.append("the load generator was near saturation: latencies include client-side delay")
        lag = r["loop_lag_ms"]["max"]
        remarks.append(f"connect {r['connect_s']:.1f} s, generator loop lag max {lag:.0f} ms")
        print(f"  {row.label}, {row.clients:,} clients: " + "; ".join(remarks))


def header(argv: list[str], sizes: Sizes) -> None:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        model = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), "")
    print("e-Micronora live rooms under load")
    print("command: " + shlex.join([".venv/bin/python", "benchmarks/live_rooms.py", *argv]))
    print(
        f"machine: {os.cpu_count()} CPUs ({model or platform.machine()}), Linux {platform.release()}, "
        f"Python {platform.python_version()}, uvicorn {version('uvicorn')} (websockets-sansio, uvloop), "
        f"websockets {version('websockets')}, Starlette {version('starlette')}, "
        f"SQLAlchemy {version('sqlalchemy')}"
    )
    print(
        f"load: {sizes.rate:g} msg/s from {sizes.posters} posting clients, {sizes.seconds:g} s per row; "
        "faults: "
        f"{sizes.fault_messages:,} messages at {sizes.fault_rate:g} msg/s from {sizes.fault_clients} clients "
        "that all post; clients "
        + ("offer permessage-deflate, as browsers do" if sizes.compression else "offer no compression")
    )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small numbers for a fast check")
    parser.add_argument(
        "--only", action="append", choices=["A", "B", "faults", "baseline"], help="run only this part"
    )
    parser.add_argument(
        "--attempts", type=int, default=2, help="runs of a row that other jobs disturbed (default 2)"
    )
    parser.add_argument("--clients", type=int, nargs="+", help="client counts of the steady rows instead")
    parser.add_argument("--fault-rate", type=float, help="messages per second of the fault streams")
    parser.add_argument("--fault-clients", type=int, help="clients (all posting) of the fault streams")
    parser.add_argument(
        "--compression",
        choices=["deflate", "none"],
        default="deflate",
        help="what the clients offer (default deflate: permessage-deflate, as browsers do)",
    )
    parser.add_argument("--json", type=Path, help="also write every raw result to this file")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder (default: dropped)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.clients:
        sizes = replace(sizes, clients=tuple(args.clients))
    if args.fault_rate:
        sizes = replace(sizes, fault_rate=args.fault_rate)
    if args.fault_clients:
        sizes = replace(sizes, fault_clients=args.fault_clients)
    if args.compression == "none":
        sizes = replace(sizes, compression=None)
    what = set(args.only or ["A", "B", "faults", "baseline"])
    header(sys.argv[1:], sizes)
    rows: list[Row] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="live-rooms-") as tmp:
        folder = Path(tmp)
        logs = args.logs or folder
        logs.mkdir(parents=True, exist_ok=True)
        try:
            if what & {"baseline", "A", "B"}:  # A and B report ratios to it
                guarded("baseline", failed, lambda: run_baseline(sizes, logs, args.attempts, rows))
            if "A" in what:
                guarded("A", failed, lambda: run_a(sizes, logs, folder, args.attempts, rows))
            if what & {"B", "faults"}:
                guarded("B / faults", failed, lambda: run_pg(sizes, logs, what, args.attempts, rows, failed))
        finally:
            ensure_redis()
            if args.json:
                args.json.write_text(json.dumps([asdict(row) for row in rows], indent=1))
            report(rows)
            for line in failed:
                print(f"FAILED {line}")
    if failed:
        sys.exit(1)


def report(rows: list[Row]) -> None:
    steady = [row for row in rows if row.scenario in ("baseline", "A", "B")]
    baselines = {row.clients: row for row in rows if row.scenario == "baseline"}
    ours = [row for row in steady if row.scenario != "baseline"]
    faults = [row for row in rows if row.scenario in ("kill", "redis")]
    if steady:
        print("1. Steady stream in one room (latency from post to receipt)")
        steady_table(steady)
        print()
    if ours:
        print("2. Against the bare broadcast baseline at the same number of clients (thr. = deliveries/s)")
        ratio_table(ours, baselines)
        print()
    two = [row for row in ours if row.scenario == "B"]
    if two:
        print("3. Scenario B per worker: every message reached the clients of both")
        group_table(two)
        print()
    if faults:
        print("4. Faults (per client after resume: lost and duplicated must be 0 / 0)")
        fault_table(faults)
        print()
    if rows:
        print("Notes")
        notes(rows)


if __name__ == "__main__":
    main()
