"""The baseline of benchmarks/live_rooms.py: the least a Starlette broadcast endpoint can do.

    .venv/bin/uvicorn --app-dir benchmarks bare_broadcast:app --ws websockets-sansio --ws-max-size 65536

No database, no login, no Origin check, no numbering, no per-connection queue: one set of sockets, and every
text received is sent to all of them (its sender included), one after the other.
"""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

sockets: set[WebSocket] = set()


async def broadcast(websocket: WebSocket) -> None:
    await websocket.accept()
    sockets.add(websocket)
    try:
        while True:
            text = await websocket.receive_text()
            for other in tuple(sockets):
                with contextlib.suppress(Exception):
                    await other.send_text(text)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        sockets.discard(websocket)


app = Starlette(routes=[WebSocketRoute("/ws", broadcast)])
