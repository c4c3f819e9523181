"""Village service benchmark: the district dashboard over 160 villages × 5 years of events, and a
full rebuild of each village projection, each beside a baseline measured in the same run.

    .venv/bin/python bench/village.py [--quick]

Starts its own embedded PostgreSQL and NATS, writes 5 years of the demo district's life through the
aggregates, lets the relay publish it and the live projections apply it. Then:

- the dashboard query in process (median of repeated runs) beside a baseline that answers the same
  totals by folding the year's events from the event store;
- ``GET /api/v1/dashboards/district`` over HTTP (uvicorn subprocess, wrk on loopback) beside
  ``GET /healthz`` on the same server;
- ``grassroots_common.projections.rebuild`` of each projection beside a rebuild of a projection
  that reads the same events and applies nothing (the replay cost alone).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import asyncpg

# Run as a script, this file's folder comes first on sys.path and its name would shadow the village package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from grassroots_cli.bench_kit import embedded_servers, require_wrk, service_env, start_service, wait_ready, wrk  # noqa: E402
from grassroots_common.auth import mint_token  # noqa: E402
from grassroots_common.embedded import dsn_for, ensure_database, free_port  # noqa: E402
from grassroots_common.events import RecordedEvent  # noqa: E402
from grassroots_common.projections.projection import Projection, binding  # noqa: E402
from grassroots_common.projections.rebuild import rebuild  # noqa: E402
from grassroots_common.runtime import Runtime, stream_spec  # noqa: E402
from grassroots_common.settings import ServiceSettings  # noqa: E402
from village import queries  # noqa: E402
from village.demo import seed_years  # noqa: E402
from village.projections import PROJECTIONS  # noqa: E402

SECRET = "bench-" + os.urandom(24).hex()
TODAY = dt.date(2026, 11, 18)
YEARS = 5
GET_LUA = 'wrk.headers["Authorization"] = "Bearer {token}"\n'


class ReplayOnly(Projection):
    """Baseline: the same sources and event types, nothing applied."""

    def __init__(self, like: Projection) -> None:
        self.name = f"{like.name}_replay_only"
        self.schema = f"{like.schema}_replay_only"
        self.sources = like.sources
        self.event_types = like.event_types
        self.ddl = "SELECT 1;"

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        return None


async def caught_up(runtime: Runtime, total: int, timeout: float = 120.0) -> float:
    """Seconds until every projection's checkpoint reached the last event it handles."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        rows = await runtime.pool.fetch("SELECT projection, position FROM projection_checkpoints")
        done = {r["projection"]: r["position"] for r in rows}
        lasts = {}
        for p in PROJECTIONS:
            lasts[p.name] = await runtime.pool.fetchval(
                "SELECT max(position) FROM events WHERE type = ANY($1::text[])", sorted(p.event_types or ())
            )
        if all(done.get(name, 0) >= (last or 0) for name, last in lasts.items()):
            return time.perf_counter() - started
        await asyncio.sleep(0.05)
    raise RuntimeError(f"projections did not catch up with {total} events")


async def naive_dashboard(pool: asyncpg.Pool, year: int) -> dict[str, int]:
    """Baseline: the dashboard's money totals and coverage by folding the year's events from the store."""
    rows = await pool.fetch(
        """SELECT type, data FROM events WHERE type = ANY($1::text[]) ORDER BY tx_id, position""",
        ["VillageRegistered", "ProjectRegistered", "ProjectFunded", "InvestmentAttracted", "MilestoneReported",
         "SubsidyComputed", "IncomeReported", "BonusAwarded"],
    )  # fmt: skip
    funds = invested = subsidy = bonus = 0
    villages: set[str] = set()
    covered: set[str] = set()
    progress: dict[str, int] = {}
    prefix = f"{year}-"
    for r in rows:
        d = r["data"]
        match r["type"]:
            case "VillageRegistered":
                villages.add(d["village_id"])
            case "ProjectRegistered" if d["year"] == year:
                covered.add(d["village_id"])
                progress[d["project_id"]] = 0
            case "ProjectFunded" if d["received_on"].startswith(prefix):
                funds += d["amount_fen"]
            case "InvestmentAttracted" if d["signed_on"].startswith(prefix):
                invested += d["amount_fen"]
            case "MilestoneReported" if d["project_id"] in progress:
                progress[d["project_id"]] = d["progress_pct"]
            case "SubsidyComputed" if d["month"].startswith(prefix):
                subsidy += d["total_fen"]
            case "BonusAwarded" if d["year"] == year:
                bonus += d["bonus_fen"]
    return {"funds": funds, "invested": invested, "subsidy": subsidy, "bonus": bonus, "covered": len(covered)}


async def timed_median(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter HTTP runs and fewer repetitions")
    args = parser.parse_args()
    require_wrk()
    seconds, runs = (3, 10) if args.quick else (8, 30)
    with embedded_servers("village-bench-") as (folder, admin_dsn, nats_url):
        await ensure_database(admin_dsn, "bench_village")
        dsn = dsn_for(admin_dsn, "bench_village")
        settings = ServiceSettings(
            service="village",
            database_url=dsn,
            nats_url=nats_url,
            nats_prefix="bench",
            jwt_secret=SECRET,
            log_level="warning",
        )
        runtime = await Runtime.start(settings, migrations_package="village", publishes=True, projections=PROJECTIONS)
        server = None
        try:
            started = time.perf_counter()
            events = await seed_years(runtime, YEARS, TODAY)
            seed_seconds = time.perf_counter() - started
            catch_up = await caught_up(runtime, events)
            await runtime.pool.execute("ANALYZE")

            year = TODAY.year
            dashboard = await queries.dashboard(runtime.pool, year=year, today=TODAY, town_id=None)
            naive = await naive_dashboard(runtime.pool, year)
            totals = dashboard["totals"]
            assert naive["funds"] == totals["funds_integrated_fen"] and naive["bonus"] == totals["bonus_fen"]
            assert naive["subsidy"] == totals["subsidy_fen"] and naive["invested"] == totals["investment_attracted_fen"]
            query_s = await timed_median(
                lambda: queries.dashboard(runtime.pool, year=year, today=TODAY, town_id=None), runs
            )
            town_s = await timed_median(
                lambda: queries.dashboard(runtime.pool, year=year, today=TODAY, town_id="610305107"), runs
            )
            naive_s = await timed_median(lambda: naive_dashboard(runtime.pool, year), max(3, runs // 5))

            port = free_port()
            env = service_env(dsn, nats_url, "bench", SECRET, folder, RUN_WORKERS="false")
            server = await start_service("village.main:create_app", port, env)
            base = f"http://127.0.0.1:{port}"
            await wait_ready(base)
            get = GET_LUA.format(token=mint_token(SECRET, "da_zzb", "赵敏", ["district_admin"]))
            healthz = wrk(base + "/healthz", get, seconds, folder, connections=16, threads=2)
            http = wrk(
                f"{base}/api/v1/dashboards/district?year={year}", get, seconds, folder, connections=16, threads=2
            )

            nc = runtime.nc
            assert nc is not None
            rebuilds = []
            for projection in PROJECTIONS:
                spec = stream_spec(settings, "village")
                b = binding(projection, spec, "bench")
                started = time.perf_counter()
                applied = await rebuild(runtime.pool, nc, projection, [b])
                full = time.perf_counter() - started
                baseline = ReplayOnly(projection)
                started = time.perf_counter()
                await rebuild(runtime.pool, nc, baseline, [binding(baseline, spec, "bench")])
                replay = time.perf_counter() - started
                rebuilds.append((projection.name, applied, full, replay))
            after = await queries.dashboard(runtime.pool, year=year, today=TODAY, town_id=None)
            assert after["totals"] == totals, "a rebuild changed the dashboard"
        finally:
            if server is not None:
                server.terminate()
                await asyncio.wait_for(server.wait(), 10)
            await runtime.stop()

    print()
    print(f"{events:,} events for 160 villages × {YEARS} years: written in {seed_seconds:.1f} s, "
          f"projected live in {catch_up:.1f} s after the last append")  # fmt: skip
    print()
    print(f"{'District dashboard (in process, median)':<52} {'ms':>9}")
    print(f"{'dashboard query, district (12 towns)':<52} {query_s * 1000:>9.1f}")
    print(f"{'dashboard query, one town':<52} {town_s * 1000:>9.1f}")
    print(f"{'baseline: fold the events from the store':<52} {naive_s * 1000:>9.1f}")
    print()
    print(f"{'HTTP (wrk, 16 connections, loopback)':<52} {'req/s':>9} {'p99 ms':>8} {'non-2xx':>8}")
    print(f"{'GET /api/v1/dashboards/district':<52} {http['rps']:>9.0f} {http['p99_ms']:>8.1f} {http['errors']:>8}")
    print(f"{'baseline: GET /healthz':<52} {healthz['rps']:>9.0f} {healthz['p99_ms']:>8.1f} {healthz['errors']:>8}")
    print()
    print(
        f"{'Full rebuild (shadow schema + swap)':<32} {'events':>8} {'s':>7} {'events/s':>10}   baseline replay-only s"
    )
    for name, applied, full, replay in rebuilds:
        rate = applied / full if full else 0.0
        print(f"{name:<32} {applied:>8,} {full:>7.2f} {rate:>10,.0f}   {replay:>7.2f}")


if __name__ == "__main__":
    asyncio.run(main())
