"""The live runner: a pull loop per source stream, in order, under a leader lock; an event
that keeps failing is parked and the projection's policy decides whether the runner stops."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog
from nats.aio.client import Client as NATS
from prometheus_client import Gauge

from grassroots_common import keystore
from grassroots_common.event_batch import EventBatch
from grassroots_common.events import RecordedEvent
from grassroots_common.jetstream import Puller, PullExpired, ensure_stream, reset_consumer
from grassroots_common.leader import LeaderLock
from grassroots_common.projections.checkpoints import apply_batch, checkpoint_value, install
from grassroots_common.projections.dead_letters import park
from grassroots_common.projections.projection import Projection, SourceBinding
from grassroots_common.stopping import pause

log = structlog.get_logger(__name__)
LAG = Gauge("grassroots_projection_lag_events", "Events in the stream not yet applied", ["projection", "source"])


@dataclass(slots=True)
class RunnerState:
    state: str = "starting"
    applied: int = 0
    last_error: str = ""
    lag: dict[str, int] = field(default_factory=dict)


class ProjectionRunner:
    """Runs one projection live: a pull loop per source stream, in order, under a leader lock."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        nc: NATS,
        projection: Projection,
        bindings: Sequence[SourceBinding],
        *,
        dsn: str | None = None,
        batch_size: int = 1000,
        max_attempts: int = 3,
    ) -> None:
        self.pool = pool
        self.nc = nc
        self.js = nc.jetstream(timeout=5.0)
        self.projection = projection
        self.bindings = list(bindings)
        self.batch_size = batch_size
        self.max_attempts = max_attempts
        self.lock = LeaderLock(dsn, f"projection:{projection.name}") if dsn else None
        self.status = RunnerState()

    async def run(self, stop: asyncio.Event) -> None:
        await install(self.pool, self.projection)
        tasks = [asyncio.create_task(self._run_source(b, stop)) for b in self.bindings]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            if self.lock is not None:
                await self.lock.release()

    async def _run_source(self, b: SourceBinding, stop: asyncio.Event) -> None:
        backoff = 0.2
        while not stop.is_set():
            if self.lock is not None and not await self.lock.acquire():
                self.status.state = "standby"
                await pause(stop, self.lock.poll_interval)
                continue
            if await self._stopped_by_policy():
                self.status.state = "stopped"
                await pause(stop, 1.0)
                continue
            puller: Puller | None = None
            try:
                # The source's stream may not exist yet (its service not started): create it, same config.
                await ensure_stream(self.js, b.spec)
                start = await checkpoint_value(self.pool, self.projection.name, b.source) + 1
                await reset_consumer(
                    self.js, b.spec.name, b.consumer, b.spec.filter_for(self.projection.event_types), start, ack=True
                )
                puller = Puller(self.nc, b.spec.name, b.consumer, batch=self.batch_size)
                await puller.start()
                self.status.state = "running"
                backoff = 0.2
                await self._consume(b, puller, stop)
            except (PullExpired, OSError, TimeoutError, asyncpg.PostgresError, _Halt) as exc:
                self.status.last_error = repr(exc)
                log.warning("projection.reset", projection=self.projection.name, source=b.source, error=repr(exc))
            except Exception as exc:
                self.status.last_error = repr(exc)
                log.warning("projection.reset", projection=self.projection.name, source=b.source, error=repr(exc))
            finally:
                if puller is not None:
                    await puller.stop()
            await pause(stop, backoff)
            backoff = min(backoff * 2, 2.0)

    async def _stopped_by_policy(self) -> bool:
        state = await self.pool.fetchval(
            "SELECT state FROM projection_status WHERE projection = $1", self.projection.name
        )
        return state == "stopped"

    async def _consume(self, b: SourceBinding, puller: Puller, stop: asyncio.Event) -> None:
        reconnects = self.nc.stats["reconnects"]
        while not stop.is_set():
            deliveries = await puller.next_batch(self.batch_size, timeout=0.5)
            if self.nc.stats["reconnects"] != reconnects:
                raise PullExpired("reconnected: realign the consumer with the checkpoint")
            if not deliveries:
                continue
            await keystore.prepare(d.data for d in deliveries)
            events = EventBatch(deliveries, b.source)
            await self._apply_with_retries(b.source, events)
            await self.nc.publish(deliveries[-1].reply, b"+ACK")
            self.status.applied += len(events)
            self.status.lag[b.source] = deliveries[-1].pending
            LAG.labels(self.projection.name, b.source).set(deliveries[-1].pending)

    async def _apply_with_retries(self, source: str, events: Sequence[RecordedEvent]) -> None:
        try:
            async with self.pool.acquire() as conn:
                await apply_batch(conn, self.projection, events, source=source)
            return
        except (asyncpg.InterfaceError, OSError):
            raise
        except Exception as exc:
            log.warning("projection.batch_failed", projection=self.projection.name, error=repr(exc))
        for event in events:
            await self._apply_one(source, event)

    async def _apply_one(self, source: str, event: RecordedEvent) -> None:
        error = ""
        for _attempt in range(self.max_attempts):
            try:
                async with self.pool.acquire() as conn:
                    await apply_batch(conn, self.projection, [event], source=source)
                return
            except (asyncpg.InterfaceError, OSError):
                raise
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
        await park(self.pool, self.projection, source, event, error, self.max_attempts)
        if self.projection.on_failure == "stop":
            raise _Halt(f"{self.projection.name} stopped on event {event.event_id}: {error}")


class _Halt(Exception):
    pass
