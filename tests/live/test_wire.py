"""An event is framed once for the whole room: every kind of client still reads it as it was written."""

from __future__ import annotations

import pytest
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory, PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from emicronora.live.wire import PreparedText
from tests.live.conftest import joined

TEXT = '{"type":"event","body":"Découpe laser « femtoseconde » ' + "µm " * 700 + '"}'


def read_frame(data: bytes, extensions: list[PerMessageDeflate]) -> Frame:
    """Parses one frame as a client does: server frames are not masked."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False, extensions=extensions)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("window_bits", [9, 12, 15])
def test_a_compressed_frame_reads_back_as_the_text(window_bits: int) -> None:
    prepared = PreparedText(TEXT)
    framed = prepared.frame(window_bits)
    # Each message is compressed on its own (no context kept), so a fresh decoder reads it.
    decoder = PerMessageDeflate(True, False, window_bits, 12)
    frame = read_frame(framed, [decoder])
    assert frame.opcode is Opcode.TEXT and frame.fin
    assert frame.data.decode() == TEXT
    assert len(framed) < len(TEXT.encode())
    # Read twice by one decoder: the second message does not lean on the first.
    assert read_frame(prepared.frame(window_bits), [decoder]).data.decode() == TEXT


def test_an_uncompressed_frame_reads_back_as_the_text() -> None:
    frame = read_frame(PreparedText(TEXT).frame(0), [])
    assert not frame.rsv1
    assert frame.data.decode() == TEXT


def test_a_short_message_goes_uncompressed_even_to_a_compressing_client() -> None:
    short = '{"type":"presence","count":1250}'
    frame = read_frame(PreparedText(short).frame(12), [PerMessageDeflate(True, False, 12, 12)])
    assert not frame.rsv1
    assert frame.data.decode() == short


async def test_clients_with_and_without_compression_read_the_same_event(open_room, room) -> None:
    plain = await joined(open_room, room["id"], room["ada_cookie"], compression=None)
    small_window = await joined(
        open_room,
        room["id"],
        room["bob_cookie"],
        compression=None,
        extensions=[ClientPerMessageDeflateFactory(server_max_window_bits=10)],
    )
    usual = await joined(open_room, room["id"], room["org_cookie"])
    offered = usual.socket.response.headers["Sec-WebSocket-Extensions"]
    assert "permessage-deflate" in offered and "server_no_context_takeover" in offered
    assert "server_max_window_bits=10" in small_window.socket.response.headers["Sec-WebSocket-Extensions"]
    assert "Sec-WebSocket-Extensions" not in plain.socket.response.headers
    # Long ones are compressed, short ones not.
    bodies = [f"{n} Découpe laser « femtoseconde » " + "µm " * 300 * (n % 2) + "fin" for n in range(4)]
    for number, body in enumerate(bodies):
        await usual.send(type="chat.post", client_id=f"o{number}", body=body)
    for client in (plain, small_window, usual):
        received = [await client.wait_for(lambda m: m.get("type") == "event") for _ in bodies]
        assert [m["event"]["message"]["body"] for m in received] == bodies
