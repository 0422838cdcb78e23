"""Room events framed once for the whole room, and the uvicorn WebSocket protocol that writes those frames.

Uvicorn's stock protocol compresses every message per socket, keeping each socket's deflate context: a room of
2,000 compresses each chat message 2,000 times, and that was most of a crowded room's fan-out. Here the server
asks for ``server_no_context_takeover`` (RFC 7692, 7.1.1.1: a server may, and every browser accepts it), so a
message compresses the same way for every socket, and the server's frames are not masked: one event is framed
once and the very same bytes go to everyone (gorilla/websocket's PreparedMessage does the same).

A short message goes uncompressed, as the extension allows per message: deflating a chat line saves a few
dozen bytes and costs every reader more than it saves (Node's `ws` does not compress under 1 KiB either).

The application asks for it by adding a ``PreparedText`` under ``PREPARED`` to a ``websocket.send`` message
that also carries the ``text``; another ASGI server ignores the unknown key and sends the text as usual.

The protocol (live/wire_protocol.py) subclasses uvicorn's sans-I/O protocol and overrides a method uvicorn
does not document, so a rename upstream could silently undo it. At start-up (the import of this module, which
`uvicorn --ws emicronora.live.wire:RoomSocketProtocol` performs) every uvicorn name it relies on is checked;
if one is missing, `RoomSocketProtocol` is uvicorn's stock protocol and a warning says which name is gone.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from typing import Any

from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode

logger = logging.getLogger(__name__)

PREPARED = "emicronora.prepared"
# Uvicorn's own choices for a server socket: a small window and little memory per compressor.
WINDOW_BITS = 12
COMPRESS_SETTINGS = {"memLevel": 5}
COMPRESS_FROM_BYTES = 1024


class PreparedText:
    """A text message and its frames, built at the first send that needs them and kept for the rest."""

    __slots__ = ("_data", "_frames", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._data = text.encode()
        # Window bits of the compressed frame (0: not compressed) -> the frame's bytes.
        self._frames: dict[int, bytes] = {}

    def frame(self, window_bits: int) -> bytes:
        """The frame for a socket whose compressor has this window (0: the socket does not compress)."""
        if len(self._data) < COMPRESS_FROM_BYTES:
            window_bits = 0
        framed = self._frames.get(window_bits)
        if framed is None:
            extensions = []
            if window_bits:
                extensions = [
                    PerMessageDeflate(False, True, WINDOW_BITS, window_bits, dict(COMPRESS_SETTINGS))
                ]
            framed = Frame(Opcode.TEXT, self._data).serialize(mask=False, extensions=extensions)
            self._frames[window_bits] = framed
        return framed


SANSIO_MODULE = "uvicorn.protocols.websockets.websockets_sansio_impl"
SANSIO_CLASS = "WebSocketsSansIOProtocol"
# module -> names the protocol imports from it.
IMPORTED_NAMES = {
    SANSIO_MODULE: (SANSIO_CLASS,),
    "uvicorn.config": ("Config",),
    "uvicorn.protocols.utils": ("ClientDisconnected",),
    "uvicorn.server": ("ServerState",),
}
# What the subclass overrides, calls or reads on uvicorn's protocol.
OVERRIDDEN_METHODS = ("__init__", "send", "keepalive_timeout")
INIT_PARAMETERS = ("config", "server_state", "app_state", "_loop")
INSTANCE_ATTRIBUTES = (
    "conn", "config", "writable", "disconnected", "transport", "handshake_complete", "initial_response",
    "close_sent",
)  # fmt: skip
STOCK_PROTOCOL = ("uvicorn.protocols.websockets.auto", "AutoWebSocketsProtocol")


def missing_uvicorn_names() -> list[str]:
    """The uvicorn names the room protocol relies on that this uvicorn does not have (empty: all there)."""
    missing: list[str] = []
    modules: dict[str, Any] = {}
    for module_name, names in IMPORTED_NAMES.items():
        try:
            modules[module_name] = importlib.import_module(module_name)
        except ImportError:
            missing.append(module_name)
            continue
        missing += [f"{module_name}.{name}" for name in names if not hasattr(modules[module_name], name)]
    base = getattr(modules.get(SANSIO_MODULE), SANSIO_CLASS, None)
    if not isinstance(base, type):
        return missing
    where = f"{SANSIO_MODULE}.{SANSIO_CLASS}"
    missing += [f"{where}.{name}" for name in OVERRIDDEN_METHODS if not callable(getattr(base, name, None))]
    init = getattr(base, "__init__", None)
    if callable(init):
        parameters = inspect.signature(init).parameters
        missing += [f"{where}.__init__({name})" for name in INIT_PARAMETERS if name not in parameters]
    # Attributes are set on the instance: look for them among the names the class's code reads and writes.
    used = {
        name
        for _, method in inspect.getmembers(base, inspect.isfunction)
        for name in method.__code__.co_names
    }
    missing += [f"{where}.{name}" for name in INSTANCE_ATTRIBUTES if name not in used]
    return missing


def choose_protocol() -> type[Any]:
    """The room protocol, or uvicorn's stock one (with a warning) when a name it relies on is gone."""
    missing = missing_uvicorn_names()
    if missing:
        logger.warning(
            "Live rooms use uvicorn's stock WebSocket protocol: this uvicorn lacks %s, which the room "
            "protocol (emicronora.live.wire_protocol) relies on. Rooms work, but each message is compressed "
            "once per socket.",
            ", ".join(missing),
        )
        module_name, class_name = STOCK_PROTOCOL
        stock: type[Any] = getattr(importlib.import_module(module_name), class_name)
        return stock
    # Imported by name, after the check: a static import would fail before it could be made.
    protocol: type[Any] = importlib.import_module("emicronora.live.wire_protocol").RoomSocketProtocol
    return protocol


def __getattr__(name: str) -> Any:
    # Chosen when uvicorn asks for it, not when the live rooms import PreparedText: the check runs once, at
    # the server's start, and the protocol module (which imports this one) is never imported half-way.
    if name == "RoomSocketProtocol":
        protocol = choose_protocol()
        globals()[name] = protocol
        return protocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
