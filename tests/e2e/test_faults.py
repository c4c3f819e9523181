"""Faults on the embedded platform, under `grassroots up`'s supervision.

Under a bounded load of weekly-log submissions through the one origin, kill -9 the reporting
service, then NATS, then PostgreSQL, each once the platform has recovered from the one before. The
supervisor starts each again. Afterwards every command answered 2xx has its event in PostgreSQL
once and in JetStream once, and every read model counts each submission once: appraisal's weekly
logs and reporting's submissions both carry the number of revisions, which a replayed or skipped
event would change. The test prints each fault's recovery time and the commands that failed.
"""

from __future__ import annotations

import asyncio
import collections
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from grassroots_cli.platform import Platform
from grassroots_cli.services import SERVICES
from grassroots_common.auth import mint_token
from grassroots_common.embedded import dsn_for
from grassroots_common.jetstream import connect

pytestmark = pytest.mark.slow

WEEK = "2026-W47"  # the week the load (conftest.py) submits


@pytest.fixture
def platform() -> Iterator[Platform]:
    folder = Path(tempfile.mkdtemp(prefix="grassroots-faults-"))
    running = Platform.on_free_ports(folder, seed_demo=False)
    try:
        running.start(timeout=300)
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_kill_a_service_nats_and_postgres_under_load(platform: Platform, command_load, until) -> None:
    secret = (platform.data_dir / "keys" / "jwt.secret").read_text().strip()
    load = command_load(platform.url, secret)
    runner = asyncio.create_task(load.run())

    async def ready(name: str) -> bool:
        async with httpx.AsyncClient(timeout=2) as c:
            try:
                return (await c.get(f"http://127.0.0.1:{platform.service_ports[name]}/readyz")).status_code == 200
            except httpx.HTTPError:
                return False

    async def all_ready() -> bool:
        return all(await asyncio.gather(*(ready(n) for n in SERVICES)))

    async def taking_commands(since: float) -> bool:
        return load.last_ok > since

    recovery: dict[str, float] = {}
    await until(lambda: taking_commands(0), 60, "first command")
    print(f"\n  platform up in {platform.started_in:.1f}s", flush=True)

    # 1. The reporting service: appraisal keeps taking logs while it is away.
    ok_before = sum(load.ok.values())
    os.kill(platform.processes["reporting"].pid, signal.SIGKILL)
    recovery["reporting"] = await until(lambda: ready("reporting"), 90, "reporting back")
    assert sum(load.ok.values()) > ok_before, "appraisal stopped taking logs while reporting was down"
    assert platform.children["reporting"].restarts == 1

    # 2. NATS: commands need only PostgreSQL; relays and projections resume once it is back.
    nats_pid = platform.children["nats"].pid()
    assert nats_pid is not None
    os.kill(nats_pid, signal.SIGKILL)
    recovery["nats"] = await until(all_ready, 90, "NATS back")
    assert platform.children["nats"].restarts == 1

    # 3. PostgreSQL: commands answer 503 meanwhile, and the services recover by themselves.
    pg_pid = platform.children["postgres"].pid()
    assert pg_pid is not None
    os.kill(pg_pid, signal.SIGKILL)
    restarted_at: float | None = None

    async def restarted_and_taking() -> bool:
        # The killed postmaster's backends may answer their open connections for a moment, so a
        # command counts only once the supervisor has started PostgreSQL again.
        nonlocal restarted_at
        if restarted_at is None:
            if platform.children["postgres"].restarts < 1:
                return False
            restarted_at = time.monotonic()
        return load.last_ok > restarted_at

    recovery["postgres"] = await until(restarted_and_taking, 120, "commands after PostgreSQL")
    assert platform.children["postgres"].restarts == 1
    back = time.monotonic()
    await until(lambda: taking_commands(back), 30, "commands keep flowing")

    load.stop.set()
    await runner

    # Every 2xx command's event: once in PostgreSQL, once in JetStream, counted once by each read model.
    dsn = dsn_for(platform.database_url, "grassroots_appraisal")
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT stream_id, event_id, version FROM events WHERE type = 'LogSubmitted' ORDER BY position"
        )
    finally:
        await conn.close()
    stored = collections.Counter(r["stream_id"] for r in rows)
    event_ids = [str(r["event_id"]) for r in rows]
    assert len(set(event_ids)) == len(event_ids)
    for person, answered in load.ok.items():
        # Every 2xx is stored; a command whose answer was lost to a fault may be stored too.
        assert stored[f"log-{person}-{WEEK}"] >= answered, person
    versions = collections.defaultdict(list)
    for r in rows:
        versions[r["stream_id"]].append(r["version"])
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())

    async def read_models_agree() -> bool:
        a = await asyncpg.connect(dsn)
        r = await asyncpg.connect(dsn_for(platform.database_url, "grassroots_reporting"))
        try:
            logs = {
                row["person_id"]: row["revision"]
                for row in await a.fetch("SELECT person_id, revision FROM rm_logs.weekly_logs WHERE week = $1", WEEK)
            }
            reported = {
                row["person_id"]: row["revisions"]
                for row in await r.fetch(
                    "SELECT person_id, revisions FROM rpt_submissions.weekly_submissions WHERE week = $1", WEEK
                )
            }
        finally:
            await a.close()
            await r.close()
        expected = {stream.split("-")[1]: n for stream, n in stored.items()}
        differ["logs"] = {k: (logs.get(k), n) for k, n in expected.items() if logs.get(k) != n}
        differ["reported"] = {k: (reported.get(k), n) for k, n in expected.items() if reported.get(k) != n}
        return logs == expected and reported == expected

    differ: dict[str, dict] = {}
    try:
        converged = await until(read_models_agree, 60, "read models agree with the store")
    except AssertionError as exc:
        # What a failure needs to be understood: who differs (read model, expected), and each
        # projection's state, checkpoints, lag and last error as the services report them.
        raise AssertionError(
            f"{exc}\n  differ: {differ}\n  projections: {await _projections(platform, secret)}"
        ) from None

    nc = await connect(platform.nats_url, "fault-test")
    try:
        js = nc.jetstream()
        info = await js.stream_info("APPRAISAL")
        published = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg("APPRAISAL", seq=seq)
            published.append((msg.headers or {}).get("Nats-Msg-Id"))
    finally:
        await nc.close()
    counted = collections.Counter(published)
    assert counted.most_common(1)[0][1] == 1, "an event published twice"
    assert set(event_ids) <= set(counted), "an event never published"

    failed = collections.Counter(status for _, _, status in load.failed)
    print(
        f"\n  {sum(load.ok.values())} commands answered 2xx, {len(load.failed)} failed {dict(failed)};"
        f" {len(rows)} events stored, {len(published)} published",
        flush=True,
    )
    for fault, seconds in recovery.items():
        print(f"  recovered from kill -9 of {fault} in {seconds:.1f}s", flush=True)
    print(f"  read models caught up {converged:.1f}s after the load stopped", flush=True)
    load.print_failures()
    if "500" in failed:  # what the services logged, to tell why
        for log_file in sorted((platform.data_dir / "logs").glob("*.log")):
            lines = log_file.read_text(errors="replace").splitlines()
            for start in [i for i, line in enumerate(lines) if line.startswith("Traceback")][:3]:
                end = next((j for j in range(start + 1, len(lines)) if not lines[j].startswith(" ")), start)
                print(f"  {log_file.name}:", *lines[max(start, end - 8) : end + 1], sep="\n    ", flush=True)
    # A failure is an answer a client can act on (503/504 with Retry-After, or a cut connection), never a 500.
    assert not [f for f in load.failed if f[2] == "500"], failed


async def _projections(platform: Platform, secret: str) -> dict[str, object]:
    token = mint_token(secret, "ops-fault-test", "运维", ["operator"], {})
    found: dict[str, object] = {}
    async with httpx.AsyncClient(timeout=5, headers={"Authorization": f"Bearer {token}"}) as client:
        for name in ("appraisal", "reporting"):
            try:
                r = await client.get(f"http://127.0.0.1:{platform.service_ports[name]}/api/v1/ops/projections")
                found[name] = r.json()
            except httpx.HTTPError as exc:
                found[name] = repr(exc)
    return found
