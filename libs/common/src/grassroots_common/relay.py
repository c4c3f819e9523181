"""Relay: publishes committed events, in commit order, to the service's JetStream stream.

Every message carries ``Nats-Msg-Id`` = event id (the server drops a re-publish within the
duplicate window) and ``Nats-Expected-Last-Sequence`` (the server refuses a message that would
land after a gap). Whenever the relay starts, or a publish fails, it takes the stream's last
message as the truth and resumes right after that event: a relay killed mid-batch publishes each
missing event once, and events a crashed single server acknowledged but lost are published again.
While NATS is down, commands still succeed; the backlog flows when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence

import asyncpg
import orjson
import structlog
from nats.aio.client import Client as NATS
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from prometheus_client import Counter, Gauge

from grassroots_common.jetstream import StreamSpec, ensure_stream
from grassroots_common.leader import LeaderLock
from grassroots_common.stopping import pause
from grassroots_common.store import EventStore, StorePosition

log = structlog.get_logger(__name__)

RELAY_PUBLISHED = Counter("grassroots_relay_published_total", "Events published by the relay", ["stream"])
RELAY_LAG = Gauge("grassroots_relay_lag_events", "Committed events not yet published", ["stream"])
RELAY_ERRORS = Counter("grassroots_relay_errors_total", "Relay publish failures", ["stream"])


# Tuned for a cluster: when a stream's leader dies, nothing is stored until its followers elect
# another (a few seconds), and the relay should publish within a fraction of a second after that.
# An acknowledgement normally comes in milliseconds, so a batch not acknowledged within a second is
# given up and the stream asked again (reconcile); retries wait at most RETRY_MAX. A slow answer
# taken for a lost one costs a reconcile, never a duplicate or a gap (expected last sequence).
PUBLISH_TIMEOUT = 1.0
RETRY_MIN = 0.05
RETRY_MAX = 0.25


class RelayPublishError(Exception):
    """The stream refused a message (e.g. a wrong expected sequence after a lost ack)."""


class RelayDesync(Exception):
    """The stream's last message names an event this store does not hold."""


class Relay:
    def __init__(
        self,
        store: EventStore,
        nc: NATS,
        spec: StreamSpec,
        *,
        batch_size: int = 5000,
        interval: float = 0.03,
        publish_timeout: float = PUBLISH_TIMEOUT,
    ) -> None:
        self.store = store
        self.nc = nc
        self.js: JetStreamContext = nc.jetstream(timeout=publish_timeout)
        self.spec = spec
        self.batch_size = batch_size
        self.interval = interval
        self.publish_timeout = publish_timeout
        self.position = StorePosition()
        self.last_sequence = 0
        self._wake = asyncio.Event()
        self._inbox: str | None = None
        self._batch = 0
        self._ack: dict | None = None
        self._done = asyncio.Event()
        self._synced = False
        self.published = 0

    def wake(self) -> None:
        """Called after a local append so the relay need not wait for its next poll."""
        self._wake.set()

    async def reconcile(self) -> None:
        """Resume right after the event the stream holds last (the stream is the truth)."""
        await ensure_stream(self.js, self.spec)
        info = await self.js.stream_info(self.spec.name)
        last = info.state.last_seq
        if last == 0:
            self.position, self.last_sequence = StorePosition(), 0
        else:
            msg = await self.js.get_msg(self.spec.name, seq=last)
            event_id = (msg.headers or {}).get("Nats-Msg-Id")
            position = await self.store.position_of(event_id) if event_id else None
            if position is None:
                raise RelayDesync(f"stream {self.spec.name} ends with event {event_id}, unknown to this store")
            self.position, self.last_sequence = position, last
        self._synced = True
        await self._save_checkpoint()
        log.info("relay.reconciled", stream=self.spec.name, sequence=last, position=str(self.position))

    async def _save_checkpoint(self) -> None:
        await self.store.pool.execute(
            """INSERT INTO relay_checkpoints (relay, tx_id, position, updated_at) VALUES ($1, $2, $3, now())
               ON CONFLICT (relay) DO UPDATE SET tx_id = $2, position = $3, updated_at = now()""",
            self.spec.name,
            self.position.tx_id,
            self.position.position,
        )

    def _headers(self, row: asyncpg.Record, expected_last: int) -> dict[str, str]:
        headers = {
            "Nats-Msg-Id": row["event_id"],
            "Nats-Expected-Last-Sequence": str(expected_last),
            "Grassroots-Stream-Id": row["stream_id"],
            "Grassroots-Version": str(row["version"]),
            "Grassroots-Type": row["type"],
        }
        if row["traceparent"]:
            headers["traceparent"] = row["traceparent"]
        if row["correlation_id"]:
            headers["Grassroots-Correlation-Id"] = row["correlation_id"]
        return headers

    async def _publish(self, rows: Sequence[asyncpg.Record]) -> None:
        """Pipelined publish of one batch; only its last message asks for an acknowledgement.

        Message ``i`` carries ``Nats-Expected-Last-Sequence = L + i`` (``L``: the stream's last
        sequence before the batch), so the stream stores it only right after message ``i - 1``. A
        message the stream refused or dropped as a duplicate therefore makes every later one fail
        too, the last included: an acknowledgement of the last message at sequence ``L + n`` proves
        all ``n`` were stored, in order. Anything else fails the batch, and the relay reconciles
        with the stream. One acknowledgement a batch instead of one a message.
        """
        if self._inbox is None:
            self._inbox = self.nc.new_inbox()
            await self.nc.subscribe(self._inbox + ".*", cb=self._on_ack)
        self._ack = None
        self._done = asyncio.Event()
        self._batch += 1
        last = len(rows) - 1
        for i, row in enumerate(rows):
            await self.nc.publish(
                self.spec.subject(row["stream_type"], row["type"]),
                row["body"].encode(),
                reply=f"{self._inbox}.{self._batch}" if i == last else "",
                headers=self._headers(row, self.last_sequence + i),
            )
        await asyncio.wait_for(self._done.wait(), self.publish_timeout)
        ack, expected = self._ack, self.last_sequence + len(rows)
        if ack is None or "error" in ack or ack.get("duplicate") or ack.get("seq") != expected:
            raise RelayPublishError(f"stream {self.spec.name} did not store the batch up to {expected}: {ack}")
        self.last_sequence = expected

    async def _on_ack(self, msg: Msg) -> None:
        if int(msg.subject.rpartition(".")[2]) != self._batch:
            return  # a late answer to a batch that already failed
        self._ack = orjson.loads(msg.data) if msg.data else {"error": msg.headers}
        self._done.set()

    async def publish_pending(self) -> int:
        """Publish what is committed and not yet published; returns the number published."""
        if not self._synced:
            await self.reconcile()
        rows = await self.store.read_envelopes(self.position, self.batch_size)
        if not rows:
            return 0
        try:
            await self._publish(rows)
        except Exception:
            self._synced = False
            RELAY_ERRORS.labels(self.spec.name).inc()
            raise
        self.position = StorePosition(rows[-1]["tx_id"], rows[-1]["position"])
        await self._save_checkpoint()
        self.published += len(rows)
        RELAY_PUBLISHED.labels(self.spec.name).inc(len(rows))
        return len(rows)

    async def lag(self) -> int:
        return await self.store.pool.fetchval(
            "SELECT count(*) FROM events WHERE (tx_id, position) > ($1, $2)",
            self.position.tx_id,
            self.position.position,
        )

    async def run(self, stop: asyncio.Event, lock: LeaderLock | None = None) -> None:
        """Publish until ``stop`` is set; as a stand-by when another replica holds the lock."""
        backoff = RETRY_MIN
        last_lag_sample = 0.0
        while not stop.is_set():
            if lock is not None and not await lock.acquire():
                await pause(stop, lock.poll_interval)
                continue
            try:
                published = await self.publish_pending()
                backoff = RETRY_MIN
            except Exception as exc:
                log.warning("relay.publish_failed", stream=self.spec.name, error=repr(exc), retry_in=backoff)
                await pause(stop, backoff)
                backoff = min(backoff * 2, RETRY_MAX)
                continue
            now = time.monotonic()
            if now - last_lag_sample > 5.0:
                last_lag_sample = now
                with contextlib.suppress(asyncpg.PostgresError):
                    RELAY_LAG.labels(self.spec.name).set(await self.lag())
            if published == 0:
                # Quiet: the next local append wakes the relay at once; another process's, the poll.
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.interval)
            elif published < self.batch_size:
                # Busy: let the next batch gather for one interval. Every consumer pays a transaction
                # and a checkpoint per batch. Measured (grassroots bench, 32 connections): against
                # polling every 20 ms, 30 ms took the worker's and reporting's CPU per command from
                # 0.22 ms to 0.14 ms, with freshness p99 48 ms at 890 commands/s; 50 ms saved a
                # little more CPU, but freshness p99 reached 102 ms at 1,000 commands/s.
                await pause(stop, self.interval)
