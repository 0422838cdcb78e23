"""Video upload throughput and memory: a 500 MiB file PUT to a real uvicorn server, next to copying the same
bytes on the same disk in the same run.

    .venv/bin/python benchmarks/uploads.py [--mib 500] [--runs 3]

The server runs in its own process (`uvicorn emicronora.asgi:app`, SQLite, local media storage in a
temporary directory); the client streams the file from disk in 1 MiB pieces with a Content-Length, as
upload.js does. Baselines: `cp` of the file, and a plain Python copy in 1 MiB pieces with an fsync at the end
(what the storage does on disk, without HTTP). The server's peak RSS is its VmHWM from /proc. While each
upload runs, a probe fetches a small static file every 50 ms: its latency shows whether the event loop stays
responsive. Everything is deleted at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emicronora import db as dbmod
from emicronora import migrations
from emicronora.accounts import sessions as login_sessions
from emicronora.app import create_app
from emicronora.models import Company, User, Video

MIB = 1024 * 1024
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free"


def make_file(path: Path, mib: int) -> None:
    block = os.urandom(MIB)
    with path.open("wb") as out:
        out.write(MP4_HEAD + block[len(MP4_HEAD) :])
        for _ in range(mib - 1):
            out.write(block)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def copy_with_fsync(source: Path, target: Path) -> None:
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(MIB):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


async def prepare(url: str) -> tuple[int, str]:
    """An exhibitor with a draft upload video, and a login session cookie for them."""
    engine = dbmod.create_engine(url)
    maker = dbmod.create_sessionmaker(engine)
    now = datetime.now(UTC)
    async with maker() as db, db.begin():
        company = Company(name="Bench SA", country="FR", is_exhibitor=True)
        db.add(company)
        await db.flush()
        user = User(
            email="bench@example.org",
            name="Bench",
            company_name="Bench SA",
            country="FR",
            password_hash="x",
            terms_accepted_at=now,
            company_id=company.id,
        )
        db.add(user)
        await db.flush()
        video = Video(company_id=company.id, title="Bench", source="upload")
        db.add(video)
        await db.flush()
        user = await db.get(User, user.id)
        assert user is not None
        token = await login_sessions.open_session(db, user, "127.0.0.1", "bench", now)
        video_id = video.id
    await engine.dispose()
    return video_id, token


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")


def file_pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(MIB):
            yield chunk


def probe(base: str, stop: EventType, results: Queue[list[float]]) -> None:
    """Runs in a process of its own, so that its timings do not wait for the uploading client's GIL."""
    latencies = []
    with httpx.Client(base_url=base) as http:
        while not stop.is_set():
            start = time.perf_counter()
            http.get("/static/js/upload.js").raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)
            stop.wait(0.05)
    results.put(latencies)


def upload(base: str, cookie: str, video_id: int, path: Path) -> tuple[float, list[float]]:
    with httpx.Client(base_url=base, timeout=600) as http:
        http.cookies.set(login_sessions.SESSION_COOKIE, cookie)
        page = http.get("/videos")
        token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        headers = {
            "X-CSRF-Token": token,
            "Content-Type": "video/mp4",
            "Content-Length": str(path.stat().st_size),
            "X-File-Name": "bench.mp4",
        }
        stop = multiprocessing.Event()
        results: Queue[list[float]] = multiprocessing.Queue()
        prober = multiprocessing.Process(target=probe, args=(base, stop, results))
        prober.start()
        start = time.perf_counter()
        try:
            response = http.put(
                f"/exhibitor-area/videos/{video_id}/file", content=file_pieces(path), headers=headers
            )
        finally:
            elapsed = time.perf_counter() - start
            stop.set()
            latencies = results.get(timeout=30)
            prober.join()
        if response.status_code != 201:
            raise RuntimeError(f"upload refused: {response.status_code} {response.text}")
        return elapsed, latencies


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited at start-up")
        try:
            httpx.get(base + "/static/js/upload.js", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start within 30 s")


async def serve(port: int, lags: list[float]) -> None:
    """The server process: uvicorn with the app from the environment, as `uvicorn emicronora.asgi:app`
    runs it, plus a task that measures, once it serves, how late the event loop wakes a 5 ms sleep."""
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )

    async def watch() -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            # Start-up (migrations, the lifespan) is not what is measured.
            if server.started:
                lags.append((time.perf_counter() - start - 0.005) * 1000)

    watcher = asyncio.create_task(watch())
    try:
        await server.serve()
    finally:
        watcher.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--lag-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        lags: list[float] = []
        # uvicorn raises the SIGINT that stopped it again once it has shut down.
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.serve, lags))
        lags.sort()
        p99 = lags[int(len(lags) * 0.99)] if lags else 0.0
        args.lag_file.write_text(json.dumps({"p99": p99, "max": lags[-1] if lags else 0.0}))
        return
    size_mb = args.mib * MIB / 1e6

    root = Path(tempfile.mkdtemp(prefix="emicronora-uploads-"))
    server = None
    try:
        url = f"sqlite+aiosqlite:///{root / 'bench.sqlite3'}"
        migrations.upgrade(url)
        video_id, cookie = asyncio.run(prepare(url))
        source = root / "upload.mp4"
        print(f"writing a {args.mib} MiB test file in {root} ...", file=sys.stderr)
        make_file(source, args.mib)

        cp_times, copy_times = [], []
        for _ in range(args.runs):
            target = root / "copy.mp4"
            cp_times.append(timed(lambda: subprocess.run(["cp", str(source), str(target)], check=True)))  # noqa: S603, S607, B023
            target.unlink()
            copy_times.append(timed(lambda: copy_with_fsync(source, target)))  # noqa: B023
            target.unlink()

        port = free_port()
        env = {
            **os.environ,
            "EMICRONORA_DATABASE_URL": url,
            "EMICRONORA_SECRET_KEY": "bench-" + "k" * 40,
            "EMICRONORA_MEDIA_DIR": str(root / "media"),
            "EMICRONORA_MAX_VIDEO_MB": str(args.mib + 10),
            "EMICRONORA_COMPANY_QUOTA_MB": str(4 * args.mib),
        }
        lag_file = root / "lag.json"
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, __file__, "--serve", str(port), "--lag-file", str(lag_file)], env=env
        )
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server)
        rss_before = rss_kib(server.pid, "VmRSS")
        upload_times, latencies = [], []
        for _ in range(args.runs):
            elapsed, probe_ms = upload(base, cookie, video_id, source)
            upload_times.append(elapsed)
            latencies.extend(probe_ms)
        peak = rss_kib(server.pid, "VmHWM")
        stored = list((root / "media").iterdir())
        assert len(stored) == 1 and stored[0].stat().st_size == source.stat().st_size, stored

        cp = statistics.median(cp_times)
        rows = [
            ("cp (baseline)", cp),
            ("copy, 1 MiB pieces + fsync", statistics.median(copy_times)),
            ("HTTP PUT to uvicorn (e-Micronora)", statistics.median(upload_times)),
        ]
        cpus = os.cpu_count()
        print(f"\n{args.mib} MiB ({size_mb:.0f} MB), median of {args.runs} runs, one machine ({cpus} CPUs)\n")
        synced = rows[1][1]
        print(f"{'':36} {'seconds':>8} {'MB/s':>8} {'vs cp':>7} {'vs copy+fsync':>14}")
        for label, seconds in rows:
            ratios = f"{seconds / cp:6.1f}x {seconds / synced:13.2f}x"
            print(f"{label:36} {seconds:8.2f} {size_mb / seconds:8.0f} {ratios}")
        print(f"\nserver RSS: {rss_before / 1024:.0f} MiB before, {peak / 1024:.0f} MiB peak "
              f"(growth {(peak - rss_before) / 1024:.0f} MiB for a {args.mib} MiB body)")  # fmt: skip
        if latencies:
            ordered = sorted(latencies)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
            median = statistics.median(ordered)
            print(
                f"probe GET during uploads: {len(ordered)} requests, median {median:.1f} ms, "
                f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
            )
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        lags = json.loads(lag_file.read_text())
        lag = f"p99 {lags['p99']:.1f} ms, max {lags['max']:.1f} ms"
        print(f"server event-loop lag (how late a 5 ms timer fires): {lag}")
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
