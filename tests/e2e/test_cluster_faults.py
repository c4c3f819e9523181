"""Faults on the replicated topology (``grassroots cluster``), on loopback, under load.

Three NATS nodes with the stream in 3 replicas, PostgreSQL, and for appraisal and reporting two
API replicas behind the gateway and two worker processes each (the other two services are left
out to keep the test within minutes on two cores; they run the same code). Under a bounded load
of keyed weekly-log submissions through the one origin, kill -9 one after another: the APPRAISAL
stream's leader node, the active appraisal worker, an API replica of appraisal, and the active
reporting worker. Afterwards every command answered 2xx has its event in PostgreSQL once, in
JetStream once — on each of the three nodes, which must hold the same stream state — and counted
once by appraisal's and reporting's read models. The test prints the standby workers' takeover
times, the relay's stall after the leader loss, and the commands that failed.
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

from grassroots_cli.cluster import NATS_NODES, Cluster
from grassroots_cli.operator import leader_locks
from grassroots_common.embedded import dsn_for, free_port
from grassroots_common.jetstream import connect

pytestmark = pytest.mark.slow

WEEK = "2026-W47"  # the week the load (conftest.py) submits
SERVICES = ("appraisal", "reporting")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    folder = Path(tempfile.mkdtemp(prefix="grassroots-cluster-"))
    ports = {f"{s}-{role}-{k}": free_port() for s in SERVICES for role in ("api", "worker") for k in (1, 2)} | {
        f"{n}{suffix}": free_port() for n in NATS_NODES for suffix in ("", "-route", "-http")
    }
    running = Cluster(
        data_dir=folder, port=free_port(), services=SERVICES, ports=ports, seed_demo=False, log_format="json"
    )
    try:
        running.start(timeout=400)
        yield running
    finally:
        running.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def test_kill_the_stream_leader_workers_and_an_api_replica_under_load(
    cluster: Cluster, command_load, until
) -> None:
    secret = (cluster.data_dir / "keys" / "jwt.secret").read_text().strip()
    load = command_load(cluster.url, secret, keyed=True)
    runner = asyncio.create_task(load.run())
    admin = await asyncpg.connect(dsn_for(cluster.database_url, "grassroots_appraisal"))
    nc = await connect(cluster.nats_url, "cluster-fault-test")
    js = nc.jetstream(timeout=1.0)
    figures: dict[str, float] = {}

    async def holders(service_name: str) -> dict[str, str | None]:
        return {
            lock.name: lock.holder
            for lock in await leader_locks(admin)
            if lock.database == f"grassroots_{service_name}"
        }

    async def all_held(service_name: str) -> bool:
        held = await holders(service_name)
        return bool(held) and all(held.values())

    async def last_seq() -> int | None:
        try:
            return (await js.stream_info("APPRAISAL")).state.last_seq
        except Exception:
            return None

    async def kill_active_worker(service_name: str) -> float:
        """kill -9 the worker holding the service's locks; seconds until the standby holds them all."""
        held = await holders(service_name)
        active = collections.Counter(held.values()).most_common(1)[0][0]
        assert active is not None
        mine = {name for name, holder in held.items() if holder == active}
        standby = next(p for p in cluster.processes_of(service_name, "worker") if p != active)
        os.kill(cluster.processes[active].pid, signal.SIGKILL)

        async def taken_over() -> bool:
            now = await holders(service_name)
            return all(now.get(name) == standby for name in mine)

        return await until(taken_over, 30, f"{standby} takes over {sorted(mine)}")

    try:
        await until(lambda: _true(load.last_ok > 0), 60, "first command")
        await until(lambda: all_held("appraisal"), 60, "appraisal locks held")
        await until(lambda: all_held("reporting"), 60, "reporting locks held")
        print(f"\n  cluster up in {cluster.started_in:.1f}s", flush=True)

        # 1. The APPRAISAL stream's leader: a new leader is elected, the relay resumes.
        info = await js.stream_info("APPRAISAL")
        leader = info.cluster.leader if info.cluster else None
        assert leader in NATS_NODES, info.cluster
        before = await last_seq() or 0
        pid = cluster.children[leader].pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        killed = time.monotonic()

        async def relay_resumed() -> bool:
            seq = await last_seq()
            return seq is not None and seq > before and load.last_ok > killed

        async def new_leader() -> bool:
            """The stream answers with a leader again: another node, or the killed one started again."""
            try:
                elected = (await js.stream_info("APPRAISAL")).cluster
            except Exception:
                return False
            if elected is None or elected.leader is None:
                return False
            # The killed node is started again within a second and may win the election itself.
            return elected.leader != leader or cluster.children[leader].restarts >= 1

        figures["stream leader elected (nats-server's raft) after the leader's loss"] = await until(
            new_leader, 60, "a new stream leader"
        )
        await until(relay_resumed, 60, "the relay publishes after the leader loss")
        figures["relay stall after the stream leader's loss (election included)"] = time.monotonic() - killed
        await until(lambda: _true(cluster.children[leader].restarts == 1), 30, f"{leader} started again")

        # 2. The active appraisal worker: its standby takes the relay and the projections.
        figures["appraisal standby takes over"] = await kill_active_worker("appraisal")

        # 3. An API replica of appraisal: the gateway sends the next requests to the other one.
        failed_before = len(load.failed)
        os.kill(cluster.processes["appraisal-api-1"].pid, signal.SIGKILL)
        killed = time.monotonic()
        await until(lambda: _true(load.last_ok > killed + 0.5), 30, "commands after an API replica's loss")
        api_failures = len(load.failed) - failed_before

        # 4. The active reporting worker.
        figures["reporting standby takes over"] = await kill_active_worker("reporting")
        resumed = time.monotonic()
        await until(lambda: _true(load.last_ok > resumed), 30, "commands keep flowing")
    finally:
        load.stop.set()
        await runner

    # Every 2xx command's event: once in PostgreSQL, once in JetStream on every node, counted once by each read model.
    rows = await admin.fetch("SELECT stream_id, event_id, version FROM events WHERE type = 'LogSubmitted'")
    stored = collections.Counter(r["stream_id"] for r in rows)
    event_ids = {str(r["event_id"]) for r in rows}
    assert len(event_ids) == len(rows)
    for person, answered in load.ok.items():
        assert stored[f"log-{person}-{WEEK}"] >= answered, person
    versions = collections.defaultdict(list)
    for r in rows:
        versions[r["stream_id"]].append(r["version"])
    assert all(sorted(v) == list(range(1, len(v) + 1)) for v in versions.values())

    async def read_models_agree() -> bool:
        r = await asyncpg.connect(dsn_for(cluster.database_url, "grassroots_reporting"))
        try:
            logs = dict(await admin.fetch("SELECT person_id, revision FROM rm_logs.weekly_logs WHERE week = $1", WEEK))
            reported = dict(
                await r.fetch(
                    "SELECT person_id, revisions FROM rpt_submissions.weekly_submissions WHERE week = $1", WEEK
                )
            )
        finally:
            await r.close()
        expected = {stream.split("-")[1]: n for stream, n in stored.items()}
        return logs == expected and reported == expected

    converged = await until(read_models_agree, 90, "read models agree with the store")

    info = await js.stream_info("APPRAISAL")
    published = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg("APPRAISAL", seq=seq)
        published.append((msg.headers or {}).get("Nats-Msg-Id"))
    await nc.close()
    counted = collections.Counter(published)
    assert counted.most_common(1)[0][1] == 1, "an event published twice"
    assert event_ids <= set(counted), "an event never published"

    async def every_node_holds_the_stream() -> bool:
        states = [await _node_stream_state(cluster, node, "APPRAISAL") for node in NATS_NODES]
        wanted = (info.state.messages, info.state.first_seq, info.state.last_seq, info.state.bytes)
        return all(state == wanted for state in states)

    await until(every_node_holds_the_stream, 60, "every node holds the same APPRAISAL stream")
    await admin.close()

    failed = collections.Counter(status for _, _, status in load.failed)
    print(
        f"  {sum(load.ok.values())} commands answered 2xx, {len(load.failed)} failed {dict(failed)};"
        f" {len(rows)} events stored, {len(published)} published, the same on {len(NATS_NODES)} nodes",
        flush=True,
    )
    for what, seconds in figures.items():
        print(f"  {what}: {seconds:.1f}s", flush=True)
    print(f"  commands failed while an API replica was killed: {api_failures}", flush=True)
    print(f"  read models caught up {converged:.1f}s after the load stopped", flush=True)
    load.print_failures()
    assert not [f for f in load.failed if f[2] == "500"], failed


async def _true(value: bool) -> bool:
    return value


async def _node_stream_state(cluster: Cluster, node: str, stream: str) -> tuple[int, int, int, int] | None:
    """The stream's state as ``node`` itself holds it (its monitoring endpoint), not the leader's word."""
    url = f"http://127.0.0.1:{cluster.ports[f'{node}-http']}/jsz?streams=true"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            jsz = (await client.get(url)).json()
    except (httpx.HTTPError, ValueError):
        return None
    for account in jsz.get("account_details", []):
        for detail in account.get("stream_detail", []):
            if detail["name"] == stream:
                s = detail["state"]
                return (s["messages"], s["first_seq"], s["last_seq"], s["bytes"])
    return None
