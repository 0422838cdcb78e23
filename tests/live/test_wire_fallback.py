"""The room protocol relies on uvicorn internals: when one is gone, the server starts with uvicorn's stock
protocol and says why, instead of failing or silently losing the room protocol's fixes."""

from __future__ import annotations

import logging
import sys

import pytest
from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from emicronora.live import wire
from emicronora.live.wire_protocol import RoomSocketProtocol


def test_with_this_uvicorn_the_room_protocol_is_chosen(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=wire.__name__):
        assert wire.missing_uvicorn_names() == []
        assert wire.choose_protocol() is RoomSocketProtocol
    assert caplog.records == []


def test_the_name_uvicorn_serves_is_the_room_protocol() -> None:
    assert wire.RoomSocketProtocol is RoomSocketProtocol


def test_a_renamed_method_falls_back_to_the_stock_protocol_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delattr(WebSocketsSansIOProtocol, "keepalive_timeout")
    with caplog.at_level(logging.WARNING, logger=wire.__name__):
        chosen = wire.choose_protocol()
    assert chosen is AutoWebSocketsProtocol
    [record] = caplog.records
    assert "WebSocketsSansIOProtocol.keepalive_timeout" in record.getMessage()
    assert "stock WebSocket protocol" in record.getMessage()


def test_a_missing_module_falls_back_to_the_stock_protocol_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # None in sys.modules makes the next import of that name fail, as a module renamed upstream would.
    monkeypatch.setitem(sys.modules, wire.SANSIO_MODULE, None)
    with caplog.at_level(logging.WARNING, logger=wire.__name__):
        chosen = wire.choose_protocol()
    assert chosen is AutoWebSocketsProtocol
    assert wire.SANSIO_MODULE in caplog.records[0].getMessage()


def test_a_changed_constructor_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def renamed(self: object, config: object, server_state: object, state: object) -> None:
        raise AssertionError("never called")

    monkeypatch.setattr(WebSocketsSansIOProtocol, "__init__", renamed)
    assert (
        f"{wire.SANSIO_MODULE}.WebSocketsSansIOProtocol.__init__(app_state)" in wire.missing_uvicorn_names()
    )
    assert wire.choose_protocol() is AutoWebSocketsProtocol
