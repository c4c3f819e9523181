"""The lean replay reader's protocol parsing: messages split across reads, status lines, PING."""

from __future__ import annotations

import asyncio

from grassroots_common.replay_reader import ReplayReader


class FakeWriter:
    def __init__(self) -> None:
        self.sent = b""

    def write(self, data: bytes) -> None:
        self.sent += data

    def close(self) -> None:
        pass

    async def wait_closed(self) -> None:
        pass


def hmsg(sequence: int, pending: int, payload: bytes) -> bytes:
    headers = b"NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n"
    reply = f"$JS.ACK.S.C.1.{sequence}.{sequence}.1700000000.{pending}".encode()
    return (
        b"HMSG t.demo.counter.CounterBumped 1 "
        + reply
        + f" {len(headers)} {len(headers) + len(payload)}\r\n".encode()
        + headers
        + payload
        + b"\r\n"
    )


async def test_messages_split_across_reads_and_the_status_that_ends_a_request() -> None:
    stream = asyncio.StreamReader()
    writer = FakeWriter()
    reader = ReplayReader(stream, writer)  # type: ignore[arg-type]
    wire = (
        hmsg(7, 2, b'{"a":1}')
        + b"PING\r\n"
        + hmsg(8, 1, b'{"a":2}')
        + hmsg(9, 0, b'{"a":3}')
        + b"HMSG inbox 1 28 28\r\nNATS/1.0 404 No Messages\r\n\r\n\r\n"
    )
    for i in range(0, len(wire), 17):  # arbitrary fragments, cutting lines and payloads
        stream.feed_data(wire[i : i + 17])
    first, ended = await reader.read(2)
    assert [(d.sequence, d.pending, d.data) for d in first] == [(7, 2, b'{"a":1}'), (8, 1, b'{"a":2}')]
    assert [d.event_type for d in first] == ["CounterBumped", "CounterBumped"]  # from the subject
    assert not ended
    rest, ended = await reader.read(10)
    assert [(d.sequence, d.data) for d in rest] == [(9, b'{"a":3}')]
    assert ended
    assert b"PONG\r\n" in writer.sent
