"""CPU-heavy pure functions (the solvers, later ffmpeg-like work) run in a child Python process, so that the
caller's event loop keeps serving: a pure-Python search holds the GIL, a thread would not do.

`run_in_child(target, argument)` starts `python -m emicronora.processes <module>:<name>` and talks to it over
its stdin and stdout in length-prefixed pickle frames; asyncio reads them natively (no thread in the parent).
The target is a module-level function `target(argument, progress, stop)`: `progress(snapshot)` sends a
snapshot to the parent (at most one per `progress_every_s`), `stop` is a `threading.Event` the child sets when
the parent asks it to stop, or when the parent is gone (its stdin closes): an orphan stops by itself. A child
that does not answer within `grace_s` of a stop is terminated, then killed.

Why a fresh interpreter rather than `multiprocessing`: the parent holds an event loop, database connections
and threads that must not be forked, and multiprocessing's spawn context re-imports the parent's `__main__`
(uvicorn's, pytest's) and reads its pipes with blocking calls. Pickle rather than JSON: both ends are this
code base with the same interpreter, and the solvers' frozen dataclasses cross without a codec of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import pickle
import signal
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import IO, Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")
Target = Callable[[A, Callable[[Any], None], threading.Event], R]

_HEADER = struct.Struct("!Q")
_STOP = "stop"
DEFAULT_GRACE_S = 5.0
# After a result (or a kill), how long the child gets to exit before it is killed.
_EXIT_WAIT_S = 2.0


class ChildFailed(Exception):
    """The target raised, or the child died without an answer; the message holds the child's traceback."""


class ChildStopped(Exception):
    """The child did not answer within the grace period after a stop, and was killed."""


def target_name(target: Callable[..., Any]) -> str:
    name = f"{target.__module__}:{target.__qualname__}"
    if "<" in name or target.__module__ == "__main__":
        raise ValueError(f"{name}: a child process can only run a module-level function")
    return name


async def run_in_child(
    target: Target[A, R],
    argument: A,
    *,
    on_progress: Callable[[Any], None] | None = None,
    stop: asyncio.Event | None = None,
    grace_s: float = DEFAULT_GRACE_S,
    progress_every_s: float = 0.1,
) -> R:
    """Runs `target(argument, progress, stop)` in a child process and returns its result. `on_progress` is
    called on the event loop with each snapshot; setting `stop` asks the child to stop (its result, usually
    the best found so far, is still returned), and a child silent `grace_s` after that is killed
    (`ChildStopped`). Cancelling the caller stops the child the same way."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "emicronora.processes",
        target_name(target),
        str(progress_every_s),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        env=_child_env(),
    )
    assert process.stdin is not None and process.stdout is not None
    answer = asyncio.ensure_future(_read_answer(process.stdout, on_progress))
    waiting: set[asyncio.Future[Any]] = {answer}
    stopping = asyncio.ensure_future(stop.wait()) if stop is not None else None
    if stopping is not None:
        waiting.add(stopping)
    stop_sent = False
    try:
        await _send(process.stdin, argument)
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        if not answer.done():
            stop_sent = True
            await _send(process.stdin, _STOP)
            done, _pending = await asyncio.wait({answer}, timeout=grace_s)
            if not done:
                raise ChildStopped(f"{target_name(target)} ignored the stop for {grace_s} s")
        result: R = answer.result()
        return result
    finally:
        if stopping is not None:
            stopping.cancel()
        await _end(process, answer, 0.0 if stop_sent else grace_s)


async def _send(stdin: asyncio.StreamWriter, value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        stdin.write(_HEADER.pack(len(data)) + data)
        await stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # the child has ended already: its answer (or its death) is read from its stdout


async def _read_answer(stdout: asyncio.StreamReader, on_progress: Callable[[Any], None] | None) -> Any:
    while True:
        try:
            (size,) = _HEADER.unpack(await stdout.readexactly(_HEADER.size))
            kind, value = pickle.loads(await stdout.readexactly(size))  # noqa: S301  (our own child)
        except asyncio.IncompleteReadError:
            raise ChildFailed("the child process ended without an answer") from None
        if kind == "progress":
            if on_progress is not None:
                on_progress(value)
        elif kind == "result":
            return value
        else:
            raise ChildFailed(str(value))


async def _end(process: asyncio.subprocess.Process, answer: asyncio.Future[Any], grace_s: float) -> None:
    """Lets a child that answered exit; gives one still working `grace_s` to stop, then terminates and kills
    it."""
    assert process.stdin is not None
    answered = answer.done() and not answer.cancelled()
    if process.returncode is None and not answered and grace_s > 0:
        with contextlib.suppress(Exception):
            await asyncio.shield(_send(process.stdin, _STOP))
        await _wait_exit(process, grace_s)
    process.stdin.close()
    if not answered or not await _wait_exit(process, _EXIT_WAIT_S):
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        if not await _wait_exit(process, _EXIT_WAIT_S):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await asyncio.shield(process.wait())
    answer.cancel()
    with contextlib.suppress(BaseException):
        await answer


async def _wait_exit(process: asyncio.subprocess.Process, timeout_s: float) -> bool:
    """Whether the process has exited within `timeout_s` (a cancelled caller still gets its child reaped)."""
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), timeout_s)
    except TimeoutError:
        return False
    return True


def _child_env() -> dict[str, str]:
    """The parent's environment, and its import path: the child finds the same modules (tests' too)."""
    env = dict(os.environ)
    paths = [p for p in sys.path if p and os.path.isdir(p)]
    env["PYTHONPATH"] = os.pathsep.join([os.getcwd(), *paths])
    return env


# The child's side ------------------------------------------------------------------------------------------


def _read_frame(stream: IO[bytes]) -> object:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301  (from the parent that started this process)


def _resolve(name: str) -> Callable[..., Any]:
    module, _colon, qualname = name.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _child_main(name: str, progress_every_s: float) -> int:
    # The frames go to a copy of the original stdout; whatever the target prints goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Ctrl-C in a terminal reaches the whole process group: the parent decides when its child stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Below the servers on a shared machine: a solve may take every core it finds, the live rooms come first.
    os.nice(10)
    inp = sys.stdin.buffer
    lock = threading.Lock()

    def send(kind: str, value: object) -> None:
        data = pickle.dumps((kind, value), protocol=pickle.HIGHEST_PROTOCOL)
        with lock:
            out.write(_HEADER.pack(len(data)) + data)
            out.flush()

    try:
        target = _resolve(name)
        argument = _read_frame(inp)
    except BaseException:
        send("error", traceback.format_exc())
        return 1
    stop = threading.Event()

    def listen() -> None:
        with contextlib.suppress(Exception):
            while _read_frame(inp) != _STOP:
                pass
        stop.set()  # asked to, or the parent is gone

    threading.Thread(target=listen, name="stop-listener", daemon=True).start()
    last_sent = -float("inf")

    def progress(snapshot: object) -> None:
        nonlocal last_sent
        now = time.monotonic()
        if now - last_sent >= progress_every_s:
            last_sent = now
            with contextlib.suppress(OSError):
                send("progress", snapshot)

    try:
        result = target(argument, progress, stop)
    except BaseException:
        with contextlib.suppress(OSError):
            send("error", traceback.format_exc())
        return 1
    with contextlib.suppress(OSError):
        send("result", result)
    return 0


if __name__ == "__main__":
    code = _child_main(sys.argv[1], float(sys.argv[2]))
    sys.stderr.flush()
    # Solver threads still winding down must not hold the exit.
    os._exit(code)
