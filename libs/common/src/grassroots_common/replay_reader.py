"""A lean reader of one pull consumer, for rebuilds at full speed.

nats-py spends about 17 µs per message (regex parsing, header parsing, a message object, a queue
hop to a task); a rebuild applies each event in a few µs, so that cost sets its pace. This reader
speaks the few lines of the NATS protocol a replay needs — CONNECT, SUB, PUB of pull requests,
HMSG/MSG, PING/PONG — on a connection of its own, and hands over payloads with their stream
sequence. It serves plain connections (the embedded default, a private cluster network); with
TLS or credentials in the URL, ``open_reader`` answers None and the rebuild uses ``Puller``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
from urllib.parse import urlsplit

import orjson

from grassroots_common.jetstream import Delivery

_CRLF = b"\r\n"
# The message line of nearly every delivery, read by one match: subject, reply (a v1 ack subject:
# $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>), the
# header length of an HMSG, the total length. Anything else takes the general path below.
_DELIVERY = re.compile(
    rb"H?MSG ([^ \r]+) [^ \r]+ (\$JS\.ACK\.[^. \r]+\.[^. \r]+\.\d+\.(\d+)\.\d+\.\d+\.(\d+)) (?:(\d+) )?(\d+)\r\n"
)


class ReplayReader:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self._inbox = f"_INBOX.replay.{secrets.token_hex(8)}"
        self._buffer = b""

    async def _handshake(self) -> bool:
        """False when the server wants TLS or credentials (left to nats-py)."""
        info = await self._reader.readline()
        if not info.startswith(b"INFO"):
            raise ConnectionError(f"unexpected greeting from NATS: {info[:80]!r}")
        server = orjson.loads(info[5:])
        if server.get("tls_required") or server.get("auth_required"):
            return False
        options = {"verbose": False, "pedantic": False, "headers": True, "no_responders": True, "protocol": 1}
        self._writer.write(b"CONNECT " + orjson.dumps(options) + _CRLF + f"SUB {self._inbox} 1\r\n".encode())
        self._writer.write(b"PING\r\n")
        await self._writer.drain()
        while True:
            line = await self._reader.readline()
            if line.startswith(b"PONG"):
                return True
            if line.startswith(b"-ERR"):
                raise ConnectionError(line.decode(errors="replace").strip())

    def request(self, stream: str, consumer: str, batch: int, expires: float) -> None:
        body = orjson.dumps({"batch": batch, "expires": int(expires * 1e9)})
        subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{consumer}"
        self._writer.write(f"PUB {subject} {self._inbox} {len(body)}\r\n".encode() + body + _CRLF)

    async def read(self, limit: int) -> tuple[list[Delivery], bool]:
        """Messages received so far (at least one, at most ``limit``), and whether the pull request
        ended (a status message: 404 no messages, 408 expired, 409)."""
        out: list[Delivery] = []
        ended = self._parse(out, limit)
        while not out and not ended:
            chunk = await self._reader.read(1 << 20)
            if not chunk:
                raise ConnectionError("NATS closed the replay connection")
            self._buffer += chunk
            ended = self._parse(out, limit)
        return out, ended

    def _parse(self, out: list[Delivery], limit: int) -> bool:
        buf, pos, ended, delivery, append = self._buffer, 0, False, _DELIVERY.match, out.append
        size = len(buf)
        while len(out) < limit:
            m = delivery(buf, pos)
            if m is not None:
                subject, reply, sequence, pending, header_len, total = m.groups()
                start = m.end()
                stop = start + int(total)
                if size < stop + 2:
                    break  # the rest of this message has not arrived yet
                body = buf[start + int(header_len) : stop] if header_len else buf[start:stop]
                append(Delivery(int(sequence), int(pending), body, reply.decode(), subject.decode()))
                pos = stop + 2
                continue
            end = buf.find(_CRLF, pos)
            if end < 0:
                break
            line = buf[pos:end]
            if line.startswith((b"HMSG", b"MSG")):
                parts = line.split(b" ")
                with_headers = parts[0] == b"HMSG"
                total = int(parts[-1])
                header_len = int(parts[-2]) if with_headers else 0
                reply = parts[3] if len(parts) == (6 if with_headers else 5) else b""
                start = end + 2
                if len(buf) < start + total + 2:
                    break  # the rest of this message has not arrived yet
                if reply:
                    tokens = reply.split(b".")
                    if len(tokens) == 9:
                        sequence, pending = int(tokens[5]), int(tokens[8])
                    else:
                        sequence, pending = int(tokens[7]), int(tokens[10])
                    out.append(
                        Delivery(
                            sequence,
                            pending,
                            buf[start + header_len : start + total],
                            reply.decode(),
                            parts[1].decode(),
                        )
                    )
                else:
                    ended = True  # a status message ends the pull request
                pos = start + total + 2
            else:
                if line == b"PING":
                    self._writer.write(b"PONG\r\n")
                elif line.startswith(b"-ERR"):
                    raise ConnectionError(line.decode(errors="replace"))
                pos = end + 2
        self._buffer = buf[pos:]
        return ended

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()


async def open_reader(url: str) -> ReplayReader | None:
    """A reader on the server at ``url``, or None where this lean client does not apply."""
    parts = urlsplit(url if "://" in url else f"nats://{url}")
    if parts.scheme not in ("nats", "") or parts.username or parts.password:
        return None
    reader, writer = await asyncio.open_connection(parts.hostname or "127.0.0.1", parts.port or 4222, limit=1 << 22)
    replay = ReplayReader(reader, writer)
    try:
        usable = await replay._handshake()
    except Exception:
        await replay.close()
        raise
    if not usable:
        await replay.close()
        return None
    return replay


class ReplayPuller:
    """``Puller``'s interface over a ``ReplayReader``: one pull request outstanding at a time."""

    def __init__(self, replay: ReplayReader, stream: str, consumer: str, batch: int, expires: float = 1.0) -> None:
        self.replay = replay
        self.stream = stream
        self.consumer = consumer
        self.batch = batch
        self.expires = expires
        self._open = False
        self._delivered = 0
        self._buffer: list[Delivery] = []

    def _request(self) -> None:
        self.replay.request(self.stream, self.consumer, self.batch, self.expires)
        self._open, self._delivered = True, 0

    async def next_batch(self, max_items: int, timeout: float, min_items: int = 1) -> list[Delivery]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self._buffer) < min_items:
            if self._buffer and self._buffer[-1].pending == 0:
                break
            if not self._open:
                self._request()
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                got, ended = await asyncio.wait_for(self.replay.read(self.batch), remaining)
            except TimeoutError:
                break
            self._buffer.extend(got)
            self._delivered += len(got)
            if ended or self._delivered >= self.batch:
                self._open = False
        taken, self._buffer = self._buffer[:max_items], self._buffer[max_items:]
        if not self._open and taken and taken[-1].pending:
            self._request()  # keep the next batch coming while this one is applied
        return taken

    async def stop(self) -> None:
        await self.replay.close()
