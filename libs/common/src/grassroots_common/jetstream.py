"""JetStream plumbing: stream naming, stream creation, and a fast pull loop.

nats-py's ``fetch()`` creates a task per message and parses metadata per message; replay speed
matters for rebuilds, so ``Puller`` subscribes one inbox with a plain callback, keeps one pull
request outstanding and reads the stream sequence straight from the reply subject.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import nats
import orjson
import structlog
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import NotFoundError

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """Where one service's events go. ``prefix`` isolates tests from each other."""

    service: str
    prefix: str = ""
    replicas: int = 1

    @property
    def name(self) -> str:
        base = self.service.upper()
        return f"{self.prefix.upper()}_{base}" if self.prefix else base

    @property
    def subject_root(self) -> str:
        return f"{self.prefix}.{self.service}" if self.prefix else self.service

    def subject(self, stream_type: str, event_type: str) -> str:
        return f"{self.subject_root}.{stream_type}.{event_type}"

    def filter_for(self, event_types: Iterable[str] | None) -> list[str]:
        if event_types is None:
            return [f"{self.subject_root}.>"]
        return sorted(f"{self.subject_root}.*.{t}" for t in event_types)


async def connect(url: str, name: str) -> NATS:
    async def on_error(exc: Exception) -> None:
        log.warning("nats.error", error=str(exc))

    return await nats.connect(
        servers=[u.strip() for u in url.split(",") if u.strip()],
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.25,
        connect_timeout=2,
        allow_reconnect=True,
        error_cb=on_error,
    )


async def ensure_stream(js: JetStreamContext, spec: StreamSpec) -> None:
    config = StreamConfig(
        name=spec.name,
        subjects=[f"{spec.subject_root}.>"],
        storage=StorageType.FILE,
        retention=RetentionPolicy.LIMITS,
        discard=DiscardPolicy.OLD,
        max_age=0,
        num_replicas=spec.replicas,
        duplicate_window=120.0,
        allow_direct=True,
    )
    try:
        await js.stream_info(spec.name)
    except NotFoundError:
        await js.add_stream(config)


@dataclass(slots=True)
class Delivery:
    """One message of a pull: its stream sequence and the pending count after it."""

    sequence: int
    pending: int
    data: bytes
    reply: str
    subject: str = ""

    @property
    def event_type(self) -> str:
        """The event type, the subject's last token (``<root>.<stream type>.<event type>``); "" if unknown."""
        return self.subject[self.subject.rfind(".") + 1 :] if self.subject else ""


class PullExpired(Exception):
    """A pull request ended without the server answering (disconnect): reset the consumer."""


class Puller:
    """Pull loop over one consumer; keeps a single pull request outstanding."""

    def __init__(self, nc: NATS, stream: str, consumer: str, batch: int = 1000, expires: float = 2.0) -> None:
        self.nc = nc
        self.stream = stream
        self.consumer = consumer
        self.batch = batch
        self.expires = expires
        self._buffer: list[Delivery] = []
        self._ready = asyncio.Event()
        self._request_done = asyncio.Event()
        self._delivered = 0
        self._sub = None
        self._inbox = ""
        self._last_request = 0.0

    async def start(self) -> None:
        self._inbox = self.nc.new_inbox()
        self._sub = await self.nc.subscribe(self._inbox, cb=self._on_msg)
        self._request_done.set()

    async def stop(self) -> None:
        if self._sub is not None:
            try:
                await self._sub.unsubscribe()
            except Exception:
                log.debug("puller.unsubscribe_failed", consumer=self.consumer)
            self._sub = None

    async def _on_msg(self, msg: Msg) -> None:
        reply = msg.reply
        if not reply:
            # Status message: 404 no messages, 408 request expired, 409 limits: the request is over.
            self._request_done.set()
            self._ready.set()
            return
        tokens = reply.split(".")
        if len(tokens) == 9:
            sequence, pending = int(tokens[5]), int(tokens[8])
        else:
            sequence, pending = int(tokens[7]), int(tokens[10])
        self._buffer.append(Delivery(sequence, pending, msg.data, reply, msg.subject))
        self._delivered += 1
        if self._delivered >= self.batch:
            self._request_done.set()
        self._ready.set()

    async def _request(self) -> None:
        self._delivered = 0
        self._request_done.clear()
        body = {"batch": self.batch, "expires": int(self.expires * 1e9)}
        self._last_request = asyncio.get_running_loop().time()
        await self.nc.publish(
            f"$JS.API.CONSUMER.MSG.NEXT.{self.stream}.{self.consumer}", orjson.dumps(body), reply=self._inbox
        )

    async def next_batch(self, max_items: int, timeout: float, min_items: int = 1) -> list[Delivery]:
        """At most ``max_items`` messages, once ``min_items`` have arrived, the stream has nothing
        more for now (the last message says none are pending), or ``timeout`` has passed."""
        loop = asyncio.get_running_loop()
        if not self._request_done.is_set() and loop.time() - self._last_request > self.expires + 2.0:
            raise PullExpired(self.consumer)
        deadline = loop.time() + timeout
        while len(self._buffer) < min_items:
            if self._buffer and self._buffer[-1].pending == 0:
                break
            if self._request_done.is_set():
                await self._request()
            self._ready.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                await asyncio.wait_for(self._ready.wait(), remaining)
            except TimeoutError:
                break
        taken, self._buffer = self._buffer[:max_items], self._buffer[max_items:]
        if self._request_done.is_set() and taken and taken[-1].pending:
            await self._request()  # keep the next batch coming while this one is applied
        return taken

    @property
    def request_open(self) -> bool:
        return not self._request_done.is_set()


async def reset_consumer(
    js: JetStreamContext,
    stream: str,
    name: str | None,
    filter_subjects: list[str],
    start: int | dt.datetime,
    *,
    ack: bool,
    inactive_threshold: float | None = None,
) -> str:
    """(Re)create a pull consumer that starts at sequence ``start`` (or the first message at a time).

    The read model's checkpoint is the truth; the consumer is only a cursor, so it is recreated
    from the checkpoint whenever a runner starts or suspects a gap.
    """
    if name:
        with contextlib.suppress(NotFoundError):
            await js.delete_consumer(stream, name)
    config = ConsumerConfig(
        durable_name=name,
        name=name,
        deliver_policy=DeliverPolicy.ALL,
        ack_policy=AckPolicy.ALL if ack else AckPolicy.NONE,
        ack_wait=60.0,
        max_ack_pending=50_000 if ack else -1,
        max_waiting=4,
        inactive_threshold=inactive_threshold,
    )
    if isinstance(start, dt.datetime):
        config.deliver_policy = DeliverPolicy.BY_START_TIME
        config.opt_start_time = start.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    elif start > 1:
        config.deliver_policy = DeliverPolicy.BY_START_SEQUENCE
        config.opt_start_seq = start
    if len(filter_subjects) == 1:
        config.filter_subject = filter_subjects[0]
    else:
        config.filter_subjects = filter_subjects
    info = await js.add_consumer(stream, config)
    return info.name


async def stream_last_sequence(js: JetStreamContext, stream: str) -> int:
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        return 0
    return info.state.last_seq


async def consumer_pending(js: JetStreamContext, stream: str, consumer: str) -> int | None:
    """Messages (of the consumer's filtered types) not yet delivered and acknowledged."""
    try:
        info = await js.consumer_info(stream, consumer)
    except NotFoundError:
        return None
    return info.num_pending + info.num_ack_pending
