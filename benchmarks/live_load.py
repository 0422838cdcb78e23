"""The load generator of benchmarks/live_rooms.py: WebSocket clients in a process of their own, so that the
server it measures does not share an event loop (or a core, when pinned) with them.

    .venv/bin/python benchmarks/live_load.py < spec.json > result.json

It reads one JSON spec on stdin (the fields of `Spec`), connects the clients, posts a stream of chat messages
at a fixed rate from the first `posters` clients, waits until every client has everything it should have, and
prints one JSON result on stdout. Progress goes to stderr.

A message body is "<k> <time.time_ns() at sending>": the receiver computes the latency from it (one machine,
one clock) and `k` names the message across retries. The truth is the database (room mode): every chat
message stored in the room, by sequence number. A client is expected to receive every stored message numbered
after the `seq` of its first `welcome`; a client that loses its socket reconnects (to the next server when
its own is gone) with `?after=<last seq seen>`, and a poster sends its unacknowledged posts again with the
same `client_id`, as the browser does. In bare mode (the baseline broadcast server) the truth is every
message sent and the message number plays the part of the sequence number.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import secrets
import signal
import sys
import time
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from subprocess import DEVNULL, PIPE
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidHandshake
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.typing import Origin
from websockets.uri import parse_uri

RATE_LIMIT_RETRY_S = 2.5
# Prefixes every client_id: a room that already holds this run's ids would take new posts for retries.
RUN = secrets.token_hex(4)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVICES = ("postgres", "redis-server")
QUIET: dict[str, Any] = {"stdin": DEVNULL, "stdout": DEVNULL, "stderr": DEVNULL}


@dataclass
class Spec:
    mode: str  # "room" (e-Micronora) or "bare" (the baseline)
    targets: list[str]  # http://127.0.0.1:<port> of each server; client i starts on targets[i % len]
    path: str
    clients: int
    posters: int
    rate: float
    messages: int
    server_pids: list[int]
    cookies: list[str] = field(default_factory=list)
    truth_url: str = ""
    room: int = 0
    fault: str = ""  # "", "kill" (SIGKILL server_pids[0]) or "redis" (restart Redis)
    fault_at: int = 0  # the message number at which the fault is injected
    redis_down_s: float = 1.0
    redis_start: list[str] = field(default_factory=list)
    compression: str | None = "deflate"
    connect_concurrency: int = 40
    settle_s: float = 3.0
    drain_s: float = 15.0


def log(text: str) -> None:
    print(f"  [load] {text}", file=sys.stderr, flush=True)


class Wire(asyncio.Protocol):
    """One WebSocket over the `websockets` sans-I/O protocol, with no task, queue or future per message: a
    broadcast reaches a thousand sockets at once, and the cheaper each receipt, the less the client side
    adds to the latency it measures. Arrival is stamped when the bytes come in."""

    def __init__(self, client: Client, uri: str, origin: str, compression: str | None) -> None:
        # None, not []: an empty list still sends an empty Sec-WebSocket-Extensions header (answered 400).
        extensions = [ClientPerMessageDeflateFactory()] if compression == "deflate" else None
        self.client = client
        self.protocol = ClientProtocol(parse_uri(uri), origin=Origin(origin), extensions=extensions)
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.fragments: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        # The server's welcome may come in the same read as the handshake's answer, and with it the resend
        # of the unacknowledged posts: the client must already be writing to this socket.
        self.client.wire = self
        request = self.protocol.connect()
        if self.client.cookie:
            request.headers["Cookie"] = self.client.cookie
        self.protocol.send_request(request)
        self.flush()

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        self.protocol.receive_data(data)
        self.handle(now)

    def eof_received(self) -> bool | None:
        self.protocol.receive_eof()
        self.handle(time.time_ns())
        return None

    def handle(self, now: int) -> None:
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if self.protocol.handshake_exc is not None:
                    if not self.opened.done():
                        self.opened.set_exception(self.protocol.handshake_exc)
                elif not self.opened.done():
                    self.opened.set_result(None)
            elif event.opcode is Opcode.TEXT or event.opcode is Opcode.CONT:
                self.fragments.append(event.data)
                if event.fin:
                    data, self.fragments = b"".join(self.fragments), []
                    self.client.on_message(data, now)
        self.flush()

    def flush(self) -> None:
        assert self.transport is not None
        for data in self.protocol.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()
        if self.protocol.close_expected() or self.protocol.state is State.CLOSED:
            self.transport.close()

    def send(self, text: str) -> None:
        if self.protocol.state is State.OPEN:
            self.protocol.send_text(text.encode())
            self.flush()

    def close(self) -> None:
        if self.protocol.state is State.OPEN:
            self.protocol.send_close(1000)
            self.flush()
        elif self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.client.wire is self:
            self.client.wire = None
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)


class Client:
    """One participant's socket: what it received, in what order, how late, and its reconnections."""

    def __init__(self, index: int, spec: Spec) -> None:
        self.index = index
        self.spec = spec
        self.bare = spec.mode == "bare"
        self.home = index % len(spec.targets)
        self.target = self.home
        self.cookie = spec.cookies[index] if spec.cookies else ""
        self.join: int | None = None
        self.last = 0
        self.seqs: set[int] = set()
        self.keys: set[int] = set()
        self.latencies = array("q")
        self.order = array("q")  # the message number of each latency
        self.duplicates = 0
        self.unordered = 0
        self.reconnects = 0
        self.fallbacks = 0
        self.outages: list[float] = []
        self.pending: dict[str, str] = {}
        self.refused: Counter[str] = Counter()
        self.retries = 0
        self.resent = 0
        self.wire: Wire | None = None
        self.ready = asyncio.Event()
        self.closing = False
        self.lost_at: float | None = None
        self.last_receipt = 0

    @property
    def joined(self) -> int:
        return self.join if self.join is not None else 0

    async def open(self) -> Wire:
        base = self.spec.targets[self.target]
        resume = f"?after={self.last}" if self.join is not None and not self.bare else ""
        uri = base.replace("http://", "ws://") + self.spec.path + resume
        parts = urlsplit(base)
        loop = asyncio.get_running_loop()
        _, wire = await loop.create_connection(
            lambda: Wire(self, uri, base, self.spec.compression), parts.hostname, parts.port
        )
        try:
            await asyncio.wait_for(wire.opened, 30)
        except BaseException:
            wire.close()
            raise
        return wire

    async def first_connect(self, gate: asyncio.Semaphore) -> None:
        """Bounded by `gate` until the server has answered with its welcome, so that the handshakes (a
        database round trip each) do not all queue at once. A refused handshake is tried again, as a browser
        would, and counted."""
        async with gate:
            for attempt in range(1, 6):
                try:
                    await self.open()
                    break
                except (OSError, InvalidHandshake, TimeoutError) as error:
                    self.refused[f"handshake: {error}"[:60]] += 1
                    if attempt == 5:
                        raise
                    await asyncio.sleep(0.5 * attempt)
            if self.bare:
                self.join = -1  # every message, the first is number 0
                self.ready.set()
                return
            await asyncio.wait_for(self.ready.wait(), 30)

    async def run(self) -> None:
        failures = 0
        wire = self.wire
        while True:
            if wire is None:
                try:
                    wire = await self.open()
                except (OSError, InvalidHandshake, TimeoutError):
                    failures += 1
                    self.target = (self.target + 1) % len(self.spec.targets)
                    await asyncio.sleep(min(2.0, 0.05 * 2**failures) * random.uniform(0.5, 1.0))
                    continue
                failures = 0
                if self.bare:
                    self._resumed()
            await asyncio.shield(wire.closed)
            wire = None
            self.ready.clear()
            if self.closing:
                return
            self.reconnects += 1
            self.lost_at = time.monotonic()

    def _resumed(self) -> None:
        if self.lost_at is not None:
            self.outages.append(time.monotonic() - self.lost_at)
            self.lost_at = None
            self.resent += len(self.pending)
        self.ready.set()
        for frame in list(self.pending.values()):
            self._send(frame)

    def on_message(self, raw: bytes, now: int) -> None:
        data = json.loads(raw)
        if self.bare:
            self._receipt(None, data["body"], now)
            return
        kind = data.get("type")
        if kind == "event":
            seq = data["seq"]
            if seq in self.seqs:
                self.duplicates += 1
                return
            if seq < self.last:
                self.unordered += 1
            self.last = max(self.last, seq)
            event = data["event"]
            if event["type"] == "chat.message":
                self._receipt(seq, event["message"]["body"], now)
            else:
                self.seqs.add(seq)
        elif kind == "welcome":
            if self.join is None:
                self.join = self.last = data["seq"]
            elif not data["resumed"]:
                self.fallbacks += 1  # a snapshot instead of the missed events: counted as lost below
                self.last = max(self.last, data["seq"])
            self._resumed()
        elif kind == "ack":
            self.pending.pop(data["client_id"], None)
        elif kind == "error":
            client_id = data.get("client_id")
            self.refused[data["code"]] += 1
            if data["code"] == "rate_limited" and client_id in self.pending:
                asyncio.get_running_loop().call_later(RATE_LIMIT_RETRY_S, self._retry, client_id)
            else:
                self.pending.pop(client_id, None)

    def _receipt(self, seq: int | None, body: str, now: int) -> None:
        number, sent = body.split()
        key = int(number)
        if key in self.keys:
            self.duplicates += 1
            return
        self.keys.add(key)
        self.seqs.add(key if seq is None else seq)
        if seq is None:
            self.last = max(self.last, key)
        self.latencies.append(now - int(sent))
        self.order.append(key)
        self.last_receipt = now
        if self.bare and self.pending:
            self.pending.pop(f"{RUN}-{key}", None)

    def post(self, key: int) -> None:
        client_id = f"{RUN}-{key}"
        frame = json.dumps({"type": "chat.post", "client_id": client_id, "body": f"{key} {time.time_ns()}"})
        self.pending[client_id] = frame
        if self.ready.is_set():
            self._send(frame)

    def _retry(self, client_id: str) -> None:
        if client_id in self.pending and self.ready.is_set():
            self.retries += 1
            self._send(self.pending[client_id])

    def _send(self, frame: str) -> None:
        if self.wire is not None:
            self.wire.send(frame)  # otherwise sent again on resume

    async def close(self) -> None:
        self.closing = True
        wire = self.wire
        if wire is not None:
            wire.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(wire.closed), 5)


def cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def run_queue_seconds(pid: int) -> float | None:
    """How long the main thread of `pid` was ready to run but waited for a CPU, since it started."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent running processes and interrupts, all CPUs together, since boot."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in stat.readline().split()[1:8])
    # Interrupt time counts too: this kernel also charges it to the process it interrupted.
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def service_cpu_seconds() -> dict[int, float]:
    """CPU time of every PostgreSQL and Redis process, by pid."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                line = stat.read()
        except OSError:
            continue
        name, rest = line[line.index("(") + 1 : line.rindex(")")], line[line.rindex(")") + 1 :]
        if name in SERVICES:
            fields = rest.split()
            found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


def memory_kib(pid: int) -> dict[str, int]:
    try:
        with open(f"/proc/{pid}/status") as status:
            lines = status.read().splitlines()
    except OSError:
        return {}
    found = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


class LoopLag:
    """How late this process's event loop wakes up: a late loop stamps receipts late."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            start = time.monotonic()
            await asyncio.sleep(0.01)
            self.samples.append(time.monotonic() - start - 0.01)

    def stop(self) -> dict[str, float]:
        self.task.cancel()
        ordered = sorted(self.samples) or [0.0]
        return {"p99": ordered[int(0.99 * (len(ordered) - 1))] * 1000, "max": ordered[-1] * 1000}


async def inject(spec: Spec, events: dict[str, float]) -> None:
    events["fault_at"] = time.monotonic()
    if spec.fault == "kill":
        os.kill(spec.server_pids[0], signal.SIGKILL)
        log(f"killed server pid {spec.server_pids[0]} (kill -9)")
    elif spec.fault == "redis":
        stop = await asyncio.create_subprocess_exec("redis-cli", "-p", "6379", "shutdown", "nosave", **QUIET)
        await stop.wait()
        log(f"Redis shut down; starting it again in {spec.redis_down_s:g} s")
        await asyncio.sleep(spec.redis_down_s)
        # Without a terminal of ours: the daemon would otherwise hold our stdout, the pipe our result goes to.
        start = await asyncio.create_subprocess_exec(*spec.redis_start, **QUIET)
        await start.wait()
        for _ in range(100):
            ping = await asyncio.create_subprocess_exec(
                "redis-cli", "-p", "6379", "ping", stdin=DEVNULL, stdout=PIPE, stderr=DEVNULL
            )
            out, _ = await ping.communicate()
            if out.strip() == b"PONG":
                break
            await asyncio.sleep(0.1)
        events["redis_back"] = time.monotonic()
        log("Redis is back")


async def stream(spec: Spec, posters: list[Client], events: dict[str, float]) -> tuple[float, float]:
    """Posts message k at start + k / rate from poster k % P; returns how long posting took (one period
    after the last post) and how late the schedule ran at worst."""
    start = time.monotonic() + 0.2
    events["first_post_ns"] = time.time_ns() + 200_000_000
    worst = 0.0
    faults: list[asyncio.Task[None]] = []
    every = max(1, spec.messages // 10)
    for key in range(spec.messages):
        delay = start + key / spec.rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            worst = max(worst, -delay)
        posters[key % len(posters)].post(key)
        if spec.fault and key == spec.fault_at:
            faults.append(asyncio.create_task(inject(spec, events)))
        if key % every == every - 1:
            log(f"posted {key + 1:,} / {spec.messages:,}")
    span = time.monotonic() - start + 1 / spec.rate
    for task in faults:
        await task
    return span, worst


async def database_truth(spec: Spec) -> dict[int, int]:
    """seq -> message number of every chat message stored in the room."""
    engine = create_async_engine(spec.truth_url)
    try:
        async with engine.connect() as db:
            rows = await db.execute(
                text(
                    "SELECT seq, client_id FROM room_events"
                    " WHERE session_id = :room AND kind = 'chat.message' AND client_id LIKE :run"
                ),
                {"room": spec.room, "run": f"{RUN}-%"},
            )
            return {seq: int(client_id.partition("-")[2]) for seq, client_id in rows}
    finally:
        await engine.dispose()


async def settle(condition: Any, patience: float, step: float = 0.2) -> bool:
    """Polls `condition` until it holds, or until `patience` seconds pass without its value changing."""
    last, since = None, time.monotonic()
    while True:
        value = condition()
        if value is True:
            return True
        if value != last:
            last, since = value, time.monotonic()
        elif time.monotonic() - since > patience:
            return False
        await asyncio.sleep(step)


def percentile(ordered: list[int], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] / 1e6 if ordered else float("nan")


def latency_figures(ordered: list[int]) -> dict[str, float]:
    return {
        "p50": percentile(ordered, 0.50),
        "p99": percentile(ordered, 0.99),
        "max": ordered[-1] / 1e6 if ordered else float("nan"),
    }


def group_figures(name: str, clients: list[Client], truth: list[int]) -> dict[str, Any]:
    """A missing message below the last one a client received is lost: it skipped it and never gets it. One
    above it was still on its way when the generator stopped waiting (an overloaded server)."""
    expected = delivered = 0
    lost_each, late_each, dups_each = [], [], []
    holes: Counter[int] = Counter()
    for client in clients:
        wanted = [seq for seq in truth if seq > client.joined]
        missing = [seq for seq in wanted if seq not in client.seqs]
        skipped = [seq for seq in missing if seq < client.last]
        holes.update(skipped)
        expected += len(wanted)
        delivered += len(wanted) - len(missing)
        lost_each.append(len(skipped))
        late_each.append(len(missing) - len(skipped))
        dups_each.append(client.duplicates)
    return {
        "name": name,
        "clients": len(clients),
        "expected": expected,
        "delivered": delivered,
        "lost": sum(lost_each),
        "late": sum(late_each),
        "duplicates": sum(dups_each),
        "max_lost_per_client": max(lost_each, default=0),
        "clients_with_loss": sum(1 for n in lost_each if n),
        "clients_late": sum(1 for n in late_each if n),
        "lost_seqs": [seq for seq, _ in holes.most_common(10)],
        "max_duplicates_per_client": max(dups_each, default=0),
        "clients_with_duplicates": sum(1 for n in dups_each if n),
        "unordered": sum(c.unordered for c in clients),
        "latency_ms": latency_figures(sorted(v for c in clients for v in c.latencies)),
        "reconnects": sum(c.reconnects for c in clients),
        "fallbacks": sum(c.fallbacks for c in clients),
        "max_outage_s": max((o for c in clients for o in c.outages), default=0.0),
    }


def slowest(clients: list[Client], count: int = 10) -> list[dict[str, Any]]:
    """The messages that took longest to reach their last receiver: where to look first."""
    worst: dict[int, tuple[int, int]] = {}
    for client in clients:
        for key, latency in zip(client.order, client.latencies, strict=True):
            if latency > worst.get(key, (0, 0))[0]:
                worst[key] = (latency, client.home)
    ranked = sorted(worst.items(), key=lambda item: -item[1][0])[:count]
    return [{"message": key, "ms": latency / 1e6, "receiver_on": home + 1} for key, (latency, home) in ranked]


async def main(spec: Spec) -> dict[str, Any]:
    clients = [Client(i, spec) for i in range(spec.clients)]
    gate = asyncio.Semaphore(spec.connect_concurrency)
    began = time.monotonic()
    await asyncio.gather(*(client.first_connect(gate) for client in clients))
    connect_s = time.monotonic() - began
    log(f"{spec.clients:,} clients connected in {connect_s:.1f} s")
    readers = [asyncio.create_task(client.run()) for client in clients]
    await asyncio.sleep(spec.settle_s)  # presence counts settle; handshake work is over

    events: dict[str, float] = {}
    lag = LoopLag()
    cpu_before = [cpu_seconds(pid) for pid in spec.server_pids]
    waits_before = [run_queue_seconds(pid) for pid in [*spec.server_pids, os.getpid()]]
    own_before = time.process_time()
    machine_before = machine_busy_seconds()
    services_before = service_cpu_seconds()
    began = time.monotonic()
    posted_s, schedule_lag = await stream(spec, clients[: spec.posters], events)

    acked = await settle(lambda: sum(len(c.pending) for c in clients) or True, 30)
    if spec.mode == "room":
        truth = await database_truth(spec)
    else:
        truth = {key: key for key in range(spec.messages)}
    ordered_truth = sorted(truth)

    def remaining() -> int | bool:
        total = len(ordered_truth)
        short = sum(max(0, total - bisect_right(ordered_truth, c.joined) - len(c.keys)) for c in clients)
        return short or True

    drained = await settle(remaining, spec.drain_s, step=0.5)
    window = time.monotonic() - began
    first_post_ns = events.pop("first_post_ns")
    own_cpu = time.process_time() - own_before
    machine = machine_busy_seconds() - machine_before
    services = sum(t - services_before.get(pid, 0.0) for pid, t in service_cpu_seconds().items())
    cpu_after = [cpu_seconds(pid) for pid in spec.server_pids]
    waits_after = [run_queue_seconds(pid) for pid in [*spec.server_pids, os.getpid()]]
    memory = [memory_kib(pid) for pid in spec.server_pids]
    loop_lag = lag.stop()
    await asyncio.gather(*(client.close() for client in clients))
    _, stuck = await asyncio.wait(readers, timeout=10)
    for reader in stuck:
        reader.cancel()

    server_cpu = [
        None if a is None or b is None else b - a for a, b in zip(cpu_before, cpu_after, strict=True)
    ]
    latencies = sorted(value for client in clients for value in client.latencies)
    groups = [
        group_figures(f"server {n + 1}", [c for c in clients if c.home == n], ordered_truth)
        for n in range(len(spec.targets))
    ]
    refused = sum((client.refused for client in clients), Counter())
    return {
        "connect_s": connect_s,
        "posting_s": posted_s,
        "window_s": window,
        "posted": spec.messages,
        "stored": len(truth),
        "acked_all": acked is True,
        "drained": drained is True,
        "refused": dict(refused),
        "retries": sum(c.retries for c in clients),
        "resent": sum(c.resent for c in clients),
        "schedule_lag_ms": schedule_lag * 1000,
        "deliveries": len(latencies),
        "latency_ms": latency_figures(latencies),
        "slowest": slowest(clients),
        "all": group_figures("all", clients, ordered_truth),
        "groups": groups,
        "generator_cpu": own_cpu / window,
        "loop_lag_ms": loop_lag,
        "server_cpu": [None if s is None else s / window for s in server_cpu],
        "server_memory_kib": memory,
        # Share of the window each server's event loop (then the generator's) was ready but had no CPU.
        "run_queue_wait": [
            None if a is None or b is None else (b - a) / window
            for a, b in zip(waits_before, waits_after, strict=True)
        ],
        # Everything else the machine ran meanwhile: other people's jobs, which skew every figure.
        "services_cpu": services / window,
        "other_cpu": (machine - own_cpu - services - sum(s for s in server_cpu if s is not None)) / window,
        "delivery_s": (max(c.last_receipt for c in clients) - first_post_ns) / 1e9,
        "fault": {name: at - began for name, at in events.items()},
    }


if __name__ == "__main__":
    given = Spec(**json.load(sys.stdin))
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover
        runner = asyncio.run
    print(json.dumps(runner(main(given))))
