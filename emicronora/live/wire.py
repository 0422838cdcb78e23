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
"""

from __future__ import annotations

from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.server import ServerProtocol

PREPARED = "emicronora.prepared"
# Uvicorn's own choices for a server socket: a small window and little memory per compressor.
_WINDOW_BITS = 12
_COMPRESS_SETTINGS = {"memLevel": 5}
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
                    PerMessageDeflate(False, True, _WINDOW_BITS, window_bits, dict(_COMPRESS_SETTINGS))
                ]
            framed = Frame(Opcode.TEXT, self._data).serialize(mask=False, extensions=extensions)
            self._frames[window_bits] = framed
        return framed


def _shared_window_bits(connection: ServerProtocol) -> int | None:
    """The key of the frame this socket can take: 0 uncompressed, else the compressor's window bits; None
    when its frames depend on what it sent before (another extension, or a deflate context kept)."""
    extensions = connection.extensions
    if not extensions:
        return 0
    if len(extensions) == 1:
        deflate = extensions[0]
        if isinstance(deflate, PerMessageDeflate) and deflate.local_no_context_takeover:
            return deflate.local_max_window_bits
    return None


class RoomSocketProtocol(WebSocketsSansIOProtocol):
    """Uvicorn's sans-I/O WebSocket protocol, with the compression contexts reset per message and prepared
    frames written as they are. Everything else (handshake, close, pings, back-pressure) is uvicorn's."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: Any = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if self.config.ws_per_message_deflate:
            # Offered in the handshake, which has not begun yet.
            self.conn.available_extensions = [
                ServerPerMessageDeflateFactory(
                    server_no_context_takeover=True,
                    server_max_window_bits=_WINDOW_BITS,
                    client_max_window_bits=_WINDOW_BITS,
                    compress_settings=dict(_COMPRESS_SETTINGS),
                )
            ]

    async def send(self, message: Any) -> None:
        prepared = message.get(PREPARED)
        if (
            isinstance(prepared, PreparedText)
            and message["type"] == "websocket.send"
            and self.handshake_complete
            and self.initial_response is None
            and not self.close_sent
        ):
            window_bits = _shared_window_bits(self.conn)
            if window_bits is not None:
                await self.writable.wait()
                if self.disconnected or self.conn.state is not State.OPEN:
                    raise ClientDisconnected()
                # Whatever the protocol has queued (a pong) goes first, as its own send would do.
                pending = self.conn.data_to_send()
                if pending:
                    self.transport.write(b"".join(pending))
                self.transport.write(prepared.frame(window_bits))
                return
        await super().send(message)

    def keepalive_timeout(self) -> None:
        """A peer that left a ping unanswered is gone or stuck. Uvicorn closes the transport, and a close
        waits until the buffer has gone out: to a peer that stopped reading, never. Its socket would stay
        open, its seat in the room counted, its stay never ended. Cut off at once instead."""
        failing = not (self.close_sent or self.transport.is_closing())
        super().keepalive_timeout()
        if failing:
            self.transport.abort()
