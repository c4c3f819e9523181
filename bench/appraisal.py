"""Appraisal benchmark: the weekly deadline rush — every one of the seed's 1,352 civil servants
submits a weekly log through HTTP — beside a minimal FastAPI endpoint that only validates the same
body, inserts one row and publishes one JetStream message, measured in the same run.

    .venv/bin/python bench/appraisal.py [--quick]

Starts its own embedded PostgreSQL and NATS, runs the appraisal API (relay and projections in the
same process, as on the embedded default) and the baseline with uvicorn in subprocesses, and loads
each with wrk over loopback (one wrk thread, 32 connections). Request n is person ``n mod 1,352``
submitting a log for week ``n div 1,352``: every request creates a new log stream, as in the rush.
Also reported: how long after the last request the read model held every log.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

# Run as a script, this file's folder comes first on sys.path and its name would shadow the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import asyncpg  # noqa: E402
import orjson  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

from appraisal.domain.weeks import WEEK_PATTERN  # noqa: E402
from grassroots_cli.bench_kit import embedded_servers, require_wrk, service_env, start_service, wait_ready, wrk  # noqa: E402
from grassroots_common.auth import mint_token  # noqa: E402
from grassroots_common.embedded import dsn_for, ensure_database, free_port  # noqa: E402
from grassroots_common.jetstream import StreamSpec, connect, ensure_stream  # noqa: E402

SECRET = "bench-" + os.urandom(24).hex()
PEOPLE = 1352
UNITS = 62
WEEKS = [f"2026-W{n:02d}" for n in range(45, 0, -1)]
BODY = '{"week":"%s","items":[{"text":"整理党建台账，完成季度考核数据汇总","indicators":["qin-1"]}]}'

RUSH_LUA = """
tokens = {{{tokens}}}
weeks = {{{weeks}}}
counter = 0
request = function()
  local i = counter
  counter = counter + 1
  local token = tokens[(i % #tokens) + 1]
  local week = weeks[(math.floor(i / #tokens) % #weeks) + 1]
  return wrk.format("POST", "{path}",
    {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}},
    '{{"week":"' .. week .. '","items":[{{"text":"整理党建台账，完成季度考核数据汇总","indicators":["qin-1"]}}]}}')
end
"""


# --- the baseline: validate, insert, publish ---------------------------------------------------


class ItemIn(BaseModel):
    text: str = Field(min_length=2, max_length=500)
    indicators: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(default=[], max_length=10)


class LogIn(BaseModel):
    week: str = Field(pattern=WEEK_PATTERN)
    items: list[ItemIn] = Field(min_length=1, max_length=30)

    model_config = {"extra": "forbid"}


def baseline_app(dsn: str, nats_url: str) -> FastAPI:
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=4, max_size=20)
        await state["pool"].execute(
            "CREATE TABLE IF NOT EXISTS logs (id bigserial PRIMARY KEY, week text NOT NULL, body jsonb NOT NULL)"
        )
        state["nc"] = await connect(nats_url, "bench-baseline")
        state["js"] = state["nc"].jetstream()
        await ensure_stream(state["js"], StreamSpec("baseline", "bench"))
        yield
        await state["nc"].drain()
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/log")
    async def submit(body: LogIn) -> dict:
        data = orjson.dumps(body.model_dump()).decode()
        row_id = await state["pool"].fetchval(
            "INSERT INTO logs (week, body) VALUES ($1, $2::jsonb) RETURNING id", body.week, data
        )
        await state["js"].publish(StreamSpec("baseline", "bench").subject("log", "LogSubmitted"), data.encode())
        return {"id": row_id}

    return app


def serve_baseline(port: int, dsn: str, nats_url: str) -> None:
    import uvicorn

    uvicorn.run(baseline_app(dsn, nats_url), host="127.0.0.1", port=port, log_level="warning")


# --- the run -----------------------------------------------------------------------------------


def tokens() -> list[str]:
    return [
        mint_token(SECRET, f"p_{n:04d}", f"干部{n:04d}", ["staff"], {"unit": f"u_{n % UNITS:02d}"})
        for n in range(PEOPLE)
    ]


async def rush(admin_dsn: str, nats_url: str, folder: Path, seconds: int) -> tuple[dict, dict, float, int]:
    await ensure_database(admin_dsn, "bench_appraisal")
    await ensure_database(admin_dsn, "bench_baseline")
    dsn, baseline_dsn = dsn_for(admin_dsn, "bench_appraisal"), dsn_for(admin_dsn, "bench_baseline")
    port, baseline_port = free_port(), free_port()
    env = service_env(dsn, nats_url, "benchrush", SECRET, folder)
    service = await start_service("appraisal.main:create_app", port, env)
    baseline = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve-baseline", str(baseline_port), baseline_dsn, nats_url
    )
    try:
        base, baseline_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{baseline_port}"
        await wait_ready(base)
        await wait_ready(baseline_base, "/docs")
        people = ",".join(f'"{t}"' for t in tokens())
        weeks = ",".join(f'"{w}"' for w in WEEKS)
        script = RUSH_LUA.format(tokens=people, weeks=weeks, path="/api/v1/logs")
        minimal = wrk(baseline_base + "/log", RUSH_LUA.format(tokens=people, weeks=weeks, path="/log"), seconds, folder)
        figure = wrk(base + "/api/v1/logs", script, seconds, folder)
        finished = time.monotonic()
        conn = await asyncpg.connect(dsn)
        try:
            streams = await conn.fetchval("SELECT count(DISTINCT stream_id) FROM events WHERE type = 'LogSubmitted'")
            deadline = finished + 120
            while time.monotonic() < deadline:
                if await conn.fetchval("SELECT count(*) FROM rm_logs.weekly_logs") >= streams:
                    break
                await asyncio.sleep(0.05)
            caught_up = time.monotonic() - finished
        finally:
            await conn.close()
        return figure, minimal, caught_up, streams
    finally:
        for process in (service, baseline):
            process.terminate()
            await asyncio.wait_for(process.wait(), 15)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5-second runs instead of 15")
    args = parser.parse_args()
    require_wrk()
    seconds = 5 if args.quick else 15
    with embedded_servers("appraisal-bench-") as (folder, admin_dsn, nats_url):
        figure, minimal, caught_up, streams = await rush(admin_dsn, nats_url, folder, seconds)

    print()
    print(f"Deadline rush: {PEOPLE:,} people × new weekly logs, wrk 1 thread × 32 connections, {seconds} s, loopback")
    print(f"{'':<48} {'commands/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
    for name, f in (
        ("appraisal POST /api/v1/logs (full write path)", figure),
        ("baseline: validate + insert + publish", minimal),
    ):
        print(f"{name:<48} {f['rps']:>10.0f} {f['p50_ms']:>8.1f} {f['p99_ms']:>8.1f} {f['errors']:>8}")
    print()
    print(f"appraisal / baseline throughput: {figure['rps'] / minimal['rps']:.2f}")
    print(f"all {PEOPLE:,} logs of one week take {PEOPLE / figure['rps']:.2f} s at that rate (the rush allows 60 s)")
    print(f"read model held all {streams:,} logs {caught_up:.2f} s after the last request")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve-baseline":
        serve_baseline(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        asyncio.run(main())
