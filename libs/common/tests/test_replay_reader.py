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


async def test_plain_messages_and_a_domain_ack_subject_are_read_alike() -> None:
    """A message without headers (MSG) and the longer ack subject of a JetStream domain (read by
    the general path, not the one match of the common line) give the same deliveries."""
    stream = asyncio.StreamReader()
    reader = ReplayReader(stream, FakeWriter())  # type: ignore[arg-type]
    plain = b"MSG t.demo.counter.CounterBumped 1 $JS.ACK.S.C.1.11.11.1700000000.1 7\r\n" + b'{"a":4}' + b"\r\n"
    domain = b"$JS.ACK.hub.acc.S.C.1.12.12.1700000000.0.tok"
    with_domain = b"MSG t.demo.counter.CounterBumped 1 " + domain + b" 7\r\n" + b'{"a":5}' + b"\r\n"
    stream.feed_data(plain + with_domain)
    got, ended = await reader.read(10)
    assert [(d.sequence, d.pending, d.data, d.event_type) for d in got] == [
        (11, 1, b'{"a":4}', "CounterBumped"),
        (12, 0, b'{"a":5}', "CounterBumped"),
    ]
    assert got[0].reply.startswith("$JS.ACK.S.C.") and got[1].reply == domain.decode() and not ended
