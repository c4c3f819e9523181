"""Grid service benchmark: dispatch and acceptance throughput over HTTP, and the deadline scheduler's
pass over 100,000 open tickets, each beside a baseline measured in the same run.

    .venv/bin/python bench/grid.py [--quick]

Starts its own embedded PostgreSQL and NATS, runs the grid API with uvicorn in a subprocess and
loads it with wrk over loopback. Baselines: ``GET /healthz`` on the same server (the HTTP stack
alone), and for the scheduler a naive pass that loads every open ticket from the event store.
The API runs as on the embedded default: relay, projections and scheduler in the same process.
Acceptance cycles through the tickets the dispatch run created; once they run out the repeats are
answered 409 (counted as non-2xx, left out of the 2xx/s figure).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx

# Run as a script, this file's folder comes first on sys.path and its name would shadow the grid package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from grassroots_cli.bench_kit import embedded_servers, require_wrk, service_env, start_service, wait_ready, wrk  # noqa: E402
from grassroots_common.auth import mint_token  # noqa: E402
from grassroots_common.calendar_projection import load_calendar  # noqa: E402
from grassroots_common.embedded import dsn_for, ensure_database, free_port  # noqa: E402
from grassroots_common.events import SYSTEM, NewEvent, event_class  # noqa: E402
from grassroots_common.runtime import Runtime  # noqa: E402
from grassroots_common.settings import ServiceSettings  # noqa: E402
from grassroots_common.store import StorePosition  # noqa: E402
from grid.domain.ticket import Routing, Ticket  # noqa: E402
from grid.projections.tickets import SCHEMA, TicketsProjection  # noqa: E402
from grid.scheduler import DeadlineScheduler, PassResult  # noqa: E402

SECRET = "bench-" + os.urandom(8).hex()
T0 = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)

DISPATCH_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.body = '{{"category":"sanitation","kind":"help_request","title":"垃圾堆积","text":"东大街垃圾堆积三天"}}'
"""

ACCEPT_LUA = """
ids = {{{ids}}}
counter = 0
request = function()
  counter = counter + 1
  -- Every ticket once: past the last one, stop (an accepted ticket cannot be accepted again).
  if counter > #ids then wrk.thread:stop() end
  local id = ids[((counter - 1) % #ids) + 1]
  return wrk.format("POST", "/api/v1/tickets/" .. id .. "/acceptance",
    {{["Authorization"] = "Bearer {token}"}}, "")
end
"""

GET_LUA = """
wrk.headers["Authorization"] = "Bearer {token}"
"""


def token(sub: str, roles: list[str], **scopes: str) -> str:
    return mint_token(SECRET, sub, sub, roles, scopes)


async def setup(base: str) -> None:
    district = {"Authorization": "Bearer " + token("da", ["district_admin"])}
    async with httpx.AsyncClient(base_url=base, headers=district) as client:
        for dep in ("dep_urban", "dep_housing"):
            r = await client.post("/api/v1/departments", json={"department_id": dep, "name": dep})
            r.raise_for_status()
        r = await client.put(
            "/api/v1/routing-rules/sanitation", json={"category_name": "环境卫生", "default_department_id": "dep_urban"}
        )
        r.raise_for_status()


async def http_bench(admin_dsn: str, nats_url: str, folder: Path, seconds: int) -> list[tuple[str, dict, dict]]:
    dsn = dsn_for(admin_dsn, "bench_grid_http")
    await ensure_database(admin_dsn, "bench_grid_http")
    port = free_port()
    env = service_env(dsn, nats_url, "benchhttp", SECRET, folder, GRID_SCHEDULER_INTERVAL_SECONDS="3600")
    server = await start_service("grid.main:create_app", port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base)
        await setup(base)
        admin = token("ca", ["community_admin"], community="com_bench")
        urban = token("dh", ["department"], department="dep_urban")
        healthz = wrk(base + "/healthz", GET_LUA.format(token=admin), seconds, folder, threads=2)
        dispatch = wrk(base + "/api/v1/tickets", DISPATCH_LUA.format(token=admin), seconds, folder, threads=2)
        conn = await asyncpg.connect(dsn)
        ids = [r["stream_id"] for r in await conn.fetch("SELECT stream_id FROM events WHERE type = 'TicketDispatched'")]
        await conn.close()
        script = ACCEPT_LUA.format(ids=",".join(f'"{i}"' for i in ids), token=urban)
        # One wrk thread: the counter hands every ticket out once, so each request accepts a new ticket.
        accept = wrk(base + "/", script, max(1, seconds // 2), folder)
        healthz_one = wrk(base + "/healthz", GET_LUA.format(token=urban), max(1, seconds // 2), folder)
        return [
            ("dispatch (POST /tickets)", dispatch, healthz),
            (f"accept (of {len(ids)} tickets)", accept, healthz_one),
        ]
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)


async def scheduler_bench(admin_dsn: str, nats_url: str, open_tickets: int, due: int) -> dict[str, float]:
    await ensure_database(admin_dsn, "bench_grid_scheduler")
    dsn = dsn_for(admin_dsn, "bench_grid_scheduler")
    settings = ServiceSettings(
        service="grid",
        database_url=dsn,
        nats_url=nats_url,
        nats_prefix="benchsched",
        jwt_secret=SECRET,
        run_workers=False,
    )
    projection = TicketsProjection()
    runtime = await Runtime.start(settings, migrations_package="grid", publishes=True, projections=[projection])
    try:
        calendar = await load_calendar(runtime.pool)
        routing = Routing("dep_urban", None, (), 5, 2.0)
        gate = asyncio.Semaphore(16)
        started = time.perf_counter()

        async def create(n: int) -> None:
            t = Ticket(f"tkt_bench_{n:06d}")
            at = T0 - dt.timedelta(hours=3) if n < due else T0
            t.dispatch(
                community_id="com_bench",
                grid_id=f"grd_{n % 22:02d}",
                report_id=None,
                category="sanitation",
                kind="help_request",
                title="垃圾堆积",
                text="东大街垃圾堆积",
                address="",
                routing=routing,
                calendar=calendar,
                dispatched_by="ca",
                now=at,
            )
            pending = [NewEvent(p.event, p.event_id, at) for p in t.take_pending()]
            async with gate:
                await runtime.store.append(t.id, t.stream_type, 0, pending, SYSTEM)

        await asyncio.gather(*(create(n) for n in range(open_tickets)))
        load_seconds = time.perf_counter() - started
        # Fill the read model straight from the store (the runner would do the same from JetStream).
        position = StorePosition()
        async with runtime.pool.acquire() as conn:
            while True:
                batch = await runtime.store.read_all(position, limit=10_000)
                if not batch:
                    break
                async with conn.transaction():
                    await conn.execute(f"SET LOCAL search_path TO {SCHEMA}, public")
                    await projection.apply(conn, batch)
                position = StorePosition(batch[-1].tx_id, batch[-1].position)
            await conn.execute(f"ANALYZE {SCHEMA}.tickets")
        scheduler = DeadlineScheduler(runtime)
        runtime.clock = lambda: T0 - dt.timedelta(hours=2)
        idle = min([await _timed(scheduler.run_pass) for _ in range(5)])
        runtime.clock = lambda: T0
        first, result = await _timed_result(scheduler.run_pass)
        stale, _ = await _timed_result(scheduler.run_pass)

        async def naive_pass() -> None:
            rows = await runtime.pool.fetch(
                "SELECT stream_id FROM events WHERE stream_type = 'ticket' GROUP BY stream_id"
            )
            for chunk in range(0, len(rows), 500):
                streams = [r["stream_id"] for r in rows[chunk : chunk + 500]]
                events = await runtime.pool.fetch(
                    """SELECT stream_id, version, type, schema_version, data FROM events
                       WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version""",
                    streams,
                )
                tickets: dict[str, Ticket] = {}
                for e in events:
                    cls = event_class(e["type"])
                    assert cls is not None
                    tickets.setdefault(e["stream_id"], Ticket(e["stream_id"])).when(cls.model_validate(e["data"]))
                for t in tickets.values():
                    t.check_deadlines(now=T0)
                    t.take_pending()

        naive = await _timed(naive_pass)
        return {
            "open": open_tickets,
            "due": due,
            "raised": result.events,
            "load_seconds": load_seconds,
            "idle_ms": idle * 1000,
            "first_ms": first * 1000,
            "stale_ms": stale * 1000,
            "naive_ms": naive * 1000,
        }
    finally:
        await runtime.stop()


async def _timed(fn: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await fn()
    return time.perf_counter() - started


async def _timed_result(fn: Callable[[], Awaitable[PassResult]]) -> tuple[float, PassResult]:
    started = time.perf_counter()
    result = await fn()
    return time.perf_counter() - started, result


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs and 20,000 tickets")
    args = parser.parse_args()
    require_wrk()
    seconds = 3 if args.quick else 10
    open_tickets = 20_000 if args.quick else 100_000
    due = open_tickets // 100
    with embedded_servers("grid-bench-") as (folder, admin_dsn, nats_url):
        http = await http_bench(admin_dsn, nats_url, folder, seconds)
        sched = await scheduler_bench(admin_dsn, nats_url, open_tickets, due)

    print()
    print(
        f"{'HTTP (wrk, 32 connections, loopback)':<42} {'req/s':>9} {'p99 ms':>8} {'non-2xx':>8}   baseline GET /healthz"
    )
    for name, figure, baseline in http:
        print(
            f"{name:<42} {figure['rps']:>9.0f} {figure['p99_ms']:>8.1f} {figure['errors']:>8}"
            f"   {baseline['rps']:>7.0f} req/s, p99 {baseline['p99_ms']:.1f} ms"
        )
    print()
    print(f"Deadline scheduler over {sched['open']:,} open tickets (tickets created in {sched['load_seconds']:.1f} s)")
    print(f"{'pass':<52} {'ms':>9}")
    print(f"{'nothing due (indexed query on next_due_at)':<52} {sched['idle_ms']:>9.1f}")
    due_label = f"{sched['due']:,} due: overdue raised ({sched['raised']:,} events)"
    print(f"{due_label:<52} {sched['first_ms']:>9.1f}")
    print(f"{'same due rows again, read model not yet caught up':<52} {sched['stale_ms']:>9.1f}")
    print(f"{'baseline: load and check every open ticket':<52} {sched['naive_ms']:>9.1f}")


if __name__ == "__main__":
    asyncio.run(main())
