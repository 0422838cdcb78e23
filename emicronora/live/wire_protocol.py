"""The uvicorn WebSocket protocol that writes the prepared frames of live/wire.py as they are.

Imported only through `wire.RoomSocketProtocol`, after `wire` has checked that the uvicorn names used here
exist (this module subclasses uvicorn's sans-I/O protocol and overrides a method uvicorn does not document).
"""

from __future__ import annotations

from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.permessage_deflate import PerMessageDeflate, ServerPerMessageDeflateFactory
from websockets.protocol import State
from websockets.server import ServerProtocol

from emicronora.live.wire import COMPRESS_SETTINGS, PREPARED, WINDOW_BITS, PreparedText


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
                    server_max_window_bits=WINDOW_BITS,
                    client_max_window_bits=WINDOW_BITS,
                    compress_settings=dict(COMPRESS_SETTINGS),
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
