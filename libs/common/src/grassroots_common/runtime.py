"""What a running service holds: its pool, event store, NATS connection, relay and projection runners.

The API answers commands with only PostgreSQL; NATS is connected in the background, so commands
still succeed while it is down, and the relay and projections start when it is reachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog
from nats.aio.client import Client as NATS

from grassroots_common import keystore
from grassroots_common.auth import TokenVerifier, load_or_create_secret
from grassroots_common.calendar_projection import CalendarProjection, load_calendar
from grassroots_common.clock import Clock, clock_from
from grassroots_common.db import create_pool
from grassroots_common.embedded import dsn_for
from grassroots_common.erasure import ErasureProjection, scrub_erased
from grassroots_common.jetstream import StreamSpec, connect, ensure_stream
from grassroots_common.keystore import Keystore
from grassroots_common.leader import LeaderLock, run_as_leader
from grassroots_common.migrations import migrate
from grassroots_common.projections.checkpoints import install
from grassroots_common.projections.projection import Projection, SourceBinding, binding
from grassroots_common.projections.runner import ProjectionRunner
from grassroots_common.relay import Relay
from grassroots_common.settings import ServiceSettings
from grassroots_common.store import EventStore
from grassroots_common.workdays import WorkCalendar

log = structlog.get_logger(__name__)


def stream_spec(settings: ServiceSettings, service: str) -> StreamSpec:
    return StreamSpec(service, settings.nats_prefix, settings.stream_replicas)


def keys_dsn(settings: ServiceSettings) -> str:
    """Where the persons' keys live: ``keys_database_url``, or ``grassroots_keys`` beside the events."""
    return settings.keys_database_url or dsn_for(settings.database_url, keystore.KEYS_DATABASE)


def token_verifier(settings: ServiceSettings) -> TokenVerifier:
    max_lifetime = dt.timedelta(seconds=settings.jwt_max_lifetime)
    if settings.jwt_jwks_url:
        return TokenVerifier(
            jwks_url=settings.jwt_jwks_url, algorithm=settings.jwt_algorithm, max_lifetime=max_lifetime
        )
    secret = settings.jwt_secret
    if not secret:
        secret = load_or_create_secret(settings.jwt_secret_file or settings.data_dir / "keys" / "jwt.secret")
    return TokenVerifier(secret=secret, max_lifetime=max_lifetime)


@dataclass
class Runtime:
    settings: ServiceSettings
    pool: asyncpg.Pool
    store: EventStore
    verifier: TokenVerifier
    publishes: bool
    projections: Sequence[Projection]
    sources: Sequence[str]
    # Domain time, the one clock of the service (tests replace it to move time by hand).
    clock: Callable[[], dt.datetime] = field(default_factory=Clock)
    nc: NATS | None = None
    relay: Relay | None = None
    runners: list[ProjectionRunner] = field(default_factory=list)
    # Rebuilds started from the operator API on this replica, by projection name (``http.operations``).
    rebuilds: dict[str, object] = field(default_factory=dict)
    keystore: Keystore | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task] = field(default_factory=list)

    @classmethod
    async def start(
        cls,
        settings: ServiceSettings,
        *,
        migrations_package: str,
        publishes: bool,
        projections: Sequence[Projection] = (),
        sources: Sequence[str] = (),
    ) -> Runtime:
        """Connect, migrate, install projections; start workers when ``settings.run_workers``.
        A moved clock without demo mode is refused (``ClockRefused``) before anything starts."""
        clock = clock_from(
            settings.grassroots_clock_offset,
            settings.grassroots_clock_start,
            demo=settings.seed_demo,
            data_dir=settings.data_dir,
        )
        if clock.moved:
            log.warning("clock.moved", offset_seconds=clock.offset.total_seconds(), now=clock().isoformat())
        held = await keystore.attach(keys_dsn(settings))
        pool = await create_pool(settings.database_url, max_size=20)
        async with pool.acquire() as conn:
            await migrate(conn, migrations_package)
        # Every service keeps the platform's one working-day calendar, projected from the same
        # events, and the erasures of persons, after which it rebuilds its read models.
        projections = (*projections, CalendarProjection(), ErasureProjection())
        for projection in projections:
            await install(pool, projection)
        runtime = cls(
            settings=settings,
            pool=pool,
            store=EventStore(pool),
            verifier=token_verifier(settings),
            publishes=publishes,
            projections=projections,
            sources=sources or ((settings.service,) if publishes else ()),
            clock=clock,
            keystore=held,
        )
        # Events occur at the service's "now", whichever clock a test sets on the runtime later.
        runtime.store.clock = runtime.now
        runtime._tasks.append(asyncio.create_task(runtime._connect_nats()))
        # What is loaded by now lives as long as the process: keep collections from walking it.
        gc.freeze()
        return runtime

    async def _connect_nats(self) -> None:
        delay = 0.2
        while not self._stop.is_set():
            try:
                self.nc = await connect(self.settings.nats_url, f"grassroots-{self.settings.service}")
                break
            except Exception as exc:
                log.warning("nats.unreachable", url=self.settings.nats_url, error=repr(exc), retry_in=delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), delay)
                delay = min(delay * 2, 5.0)
        if self.nc is None or not self.settings.run_workers:
            return
        await self._start_workers()

    async def _start_workers(self) -> None:
        assert self.nc is not None
        dsn = self.settings.database_url
        if self.publishes:
            spec = stream_spec(self.settings, self.settings.service)
            while not self._stop.is_set():
                try:
                    await ensure_stream(self.nc.jetstream(), spec)
                    break
                except Exception as exc:
                    log.warning("stream.unavailable", stream=spec.name, error=repr(exc))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), 1.0)
            self.relay = Relay(self.store, self.nc, spec, interval=self.settings.relay_interval)
            lock = LeaderLock(dsn, f"relay:{spec.name}")
            self._tasks.append(asyncio.create_task(self.relay.run(self._stop, lock)))
        for projection in self.projections:
            runner = ProjectionRunner(self.pool, self.nc, projection, self.bindings(projection), dsn=dsn)
            self.runners.append(runner)
            self._tasks.append(asyncio.create_task(runner.run(self._stop)))
        keep = dt.timedelta(days=self.settings.idempotency_days)
        self.schedule(f"idempotency-expiry:{self.settings.service}", lambda: self._expire_keys(keep), 3600)
        bindings = {p.name: self.bindings(p) for p in self.projections}
        scrub = LeaderLock(dsn, f"scrub:{self.settings.service}")
        self._tasks.append(
            asyncio.create_task(
                run_as_leader(
                    scrub, self._stop, lambda: scrub_erased(self.pool, self.nc, self.projections, bindings), 2.0
                )
            )
        )

    async def _expire_keys(self, keep: dt.timedelta) -> None:
        expired = await self.store.expire_idempotency(keep)
        if expired:
            log.info("idempotency.expired", records=expired, older_than_days=keep.days)

    def now(self) -> dt.datetime:
        return self.clock()

    async def calendar(self) -> WorkCalendar:
        """The platform's working-day calendar as the read model holds it now."""
        return await load_calendar(self.pool)

    async def missing_uploads(self, upload_ids: list[str]) -> list[str]:
        """The ids among ``upload_ids`` that name no stored upload (``grassroots_common.uploads``)."""
        found = await self.pool.fetch("SELECT upload_id FROM uploads WHERE upload_id = ANY($1::text[])", upload_ids)
        known = {r["upload_id"] for r in found}
        return [u for u in upload_ids if u not in known]

    def bindings(self, projection: Projection) -> list[SourceBinding]:
        return [
            binding(projection, stream_spec(self.settings, source), self.settings.service)
            for source in projection.sources
        ]

    def spawn_worker(self, work: Callable[[asyncio.Event], Awaitable[None]]) -> None:
        """Run a service's own background worker (e.g. a deadline scheduler) with the runtime's
        workers: only when ``settings.run_workers``; ``work`` gets the stop event and is cancelled
        on ``stop()``."""
        if self.settings.run_workers:
            self._tasks.append(asyncio.create_task(work(self._stop)))

    def schedule(
        self,
        name: str,
        work: Callable[[], Awaitable[object]],
        interval: float,
        *,
        closing: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """The one way a service runs a schedule: ``work`` every ``interval`` seconds on the one
        replica holding the advisory lock ``name`` (``leader.run_as_leader``; the others stand by),
        with the runtime's workers (only when ``settings.run_workers``); ``closing`` runs when the
        schedule stops (a notifier's connections)."""

        async def scheduled(stop: asyncio.Event) -> None:
            try:
                await run_as_leader(LeaderLock(self.settings.database_url, name), stop, work, interval)
            finally:
                if closing is not None:
                    await closing()

        self.spawn_worker(scheduled)

    def track(self, task: asyncio.Task) -> None:
        """A background task of a request (a rebuild) that ``stop`` cancels and awaits."""
        self._tasks.append(task)

    def wake_relay(self) -> None:
        if self.relay is not None:
            self.relay.wake()

    async def nats_ready(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.nc is not None:
            with contextlib.suppress(Exception):
                await self.nc.drain()
        await self.pool.close()
        if self.keystore is not None:
            await keystore.detach(self.keystore)
