"""Foundation benchmark: each figure beside a baseline measured in the same run (the machine is shared).

``grassroots bench --only <figure>`` runs some of them:

- ``append``: single-event transactions, 16 concurrent writers, vs a raw INSERT with the same unique key
- ``first``: first submissions through ``execute`` with the shortcut (``usually_new``) vs without it
- ``relay``: store → JetStream, vs the best windowed ``publish_async`` of the same messages
- ``rebuild``: the reporting submissions projection over N events (default 1,000,000)
- ``http``: ``POST /api/v1/logs`` without a key at 32 connections (wrk), vs a minimal endpoint that
  validates, inserts and publishes; then freshness (command answer → reporting read model) at half that rate
- ``keyed``: the same with an ``Idempotency-Key`` on every request, vs the minimal endpoint's keyed
  route (its key's record stored in the same statement) and vs the minimal endpoint without a key
- ``tail``: p99 at an open-loop rate of 70 % of the minimal endpoint's maximum, ours beside minimal's
- ``peer``: our store beside the ``eventsourcing`` library on the same PostgreSQL (``bench_peer``)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import orjson
import uvloop
from nats.js import JetStreamContext
from rich.console import Console
from rich.table import Table

from grassroots_cli import bench_cpu
from grassroots_cli.platform import uvicorn_args
from grassroots_cli.wrk import run_wrk
from grassroots_common.aggregate import Aggregate
from grassroots_common.auth import mint_token
from grassroots_common.commands import execute
from grassroots_common.contracts.appraisal import LogSubmitted, WorkItem
from grassroots_common.db import create_pool
from grassroots_common.embedded import EmbeddedPostgres, NatsServer, dsn_for, ensure_database, free_port
from grassroots_common.errors import Conflict
from grassroots_common.events import Event, Metadata, NewEvent, RecordedEvent
from grassroots_common.ids import new_event_id
from grassroots_common.jetstream import StreamSpec, connect, ensure_stream
from grassroots_common.keystore import KEYS_DATABASE
from grassroots_common.migrations import migrate
from grassroots_common.projections.checkpoints import install
from grassroots_common.projections.projection import binding
from grassroots_common.projections.rebuild import rebuild
from grassroots_common.relay import Relay
from grassroots_common.store import EventStore, LatestOf

console = Console()
META = Metadata(actor_id="bench", actor_name="bench")
WRK_SCRIPT = """
-- Each wrk thread runs its own copy of this script: thread t sends requests t, t + T, t + 2T...
-- (T threads), so no two requests name the same person and week.
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local year = os.getenv("BENCH_YEAR") or "2026"
local step = tonumber(os.getenv("BENCH_THREADS") or "2")
local counter = nil
local keyed = os.getenv("BENCH_KEYED") == "1"
-- A run may go on where an earlier one of the same year stopped (the warm-up covers every token).
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
request = function()
  counter = counter and counter + step or id + offset
  local token = tokens[(counter % #tokens) + 1]
  -- keyed requests on weeks 21-40, unkeyed on 1-20: each a person's first log of its week
  local week = string.format("%s-W%02d", year, (math.floor(counter / #tokens) % 20) + 1 + (keyed and 20 or 0))
  local body = '{"week":"' .. week .. '","items":[{"text":"完成季度考核资料整理","indicators":["qin-1"]}]}'
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  if keyed then headers["Idempotency-Key"] = year .. "-" .. counter end
  return wrk.format("POST", wrk.path, headers, body)
end
"""


def _log_event(i: int) -> NewEvent:
    now = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    return NewEvent(
        LogSubmitted(
            person_id=f"p{i % 1352:05d}",
            person_name="张三",
            unit_id=f"u{i % 62:02d}",
            week=f"20{20 + (i // 70304) % 6}-W{((i // 1352) % 52) + 1:02d}",
            items=[WorkItem(text="完成季度考核资料整理", indicators=["qin-1"])],
            submitted_at=now,
            deadline=now,
            late=i % 7 == 0,
        )
    )


async def bench_append(dsn: str, total: int) -> tuple[float, float]:
    pool = await create_pool(dsn, min_size=16, max_size=16)
    async with pool.acquire() as conn:
        await migrate(conn)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS raw_events (id bigserial PRIMARY KEY, stream_id text, version int, "
            "data jsonb, UNIQUE (stream_id, version))"
        )
    store = EventStore(pool)
    rounds = 4
    per_writer = total // 16 // rounds
    payload = _log_event(1).event.model_dump_json()

    async def raw(w: int, rnd: int) -> None:
        for i in range(per_writer):
            await pool.execute(
                "INSERT INTO raw_events (stream_id, version, data) VALUES ($1, 1, $2::text::jsonb)",
                f"r{rnd}-{w}-{i}",
                payload,
            )

    async def ours(w: int, rnd: int, prepared: list[NewEvent]) -> None:
        for i in range(per_writer):
            await store.append(f"s{rnd}-{w}-{i}", "weekly_log", 0, [prepared[w * per_writer + i]], META)

    # Alternating rounds, so checkpoints and autovacuum fall on both sides alike.
    raw_time = our_time = 0.0
    for rnd in range(rounds):
        started = time.perf_counter()
        await asyncio.gather(*(raw(w, rnd) for w in range(16)))
        raw_time += time.perf_counter() - started
        prepared = [_log_event(i) for i in range(per_writer * 16)]  # the caller's work, not the store's
        started = time.perf_counter()
        await asyncio.gather(*(ours(w, rnd, prepared) for w in range(16)))
        our_time += time.perf_counter() - started
    raw_rate = per_writer * 16 * rounds / raw_time
    our_rate = per_writer * 16 * rounds / our_time
    await pool.close()
    return our_rate, raw_rate


class _FirstLog(Aggregate):
    """A weekly log as the first-submission shortcut sees it: refused once submitted."""

    stream_type = "weekly_log"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.submitted = False

    def when(self, event: Event) -> None:
        self.submitted = True

    def submit(self, event: NewEvent, deadlines: RecordedEvent | None) -> None:
        if self.submitted:
            raise Conflict("log_submitted", "已提交")
        self._raise(event.event)


async def bench_first(dsn: str, total: int) -> tuple[float, float]:
    """First submissions through ``execute`` with the unit's setting read alongside, 16 writers:
    with the shortcut (``usually_new=True``: decided on an empty stream, one statement) against
    without (load with the setting, then append), in alternating rounds on the same store."""
    pool = await create_pool(dsn, min_size=16, max_size=16)
    async with pool.acquire() as conn:
        await migrate(conn)
    store = EventStore(pool)
    rounds, per_writer = 4, total // 16 // 4
    setting = LatestOf("roster-bench", "DeadlinesConfigured")

    async def writer(w: int, rnd: int, shortcut: bool, prepared: list[NewEvent]) -> None:
        for i in range(per_writer):
            event = prepared[w * per_writer + i]
            await execute(
                store,
                _FirstLog,
                f"first-{shortcut:d}-{rnd}-{w}-{i}",
                lambda log, deadlines, event=event: log.submit(event, deadlines),
                META,
                latest=setting,
                usually_new=shortcut,
            )

    spent = {True: 0.0, False: 0.0}
    for rnd in range(rounds):
        for shortcut in (rnd % 2 == 0, rnd % 2 == 1):
            prepared = [_log_event(i) for i in range(per_writer * 16)]
            started = time.perf_counter()
            await asyncio.gather(*(writer(w, rnd, shortcut, prepared) for w in range(16)))
            spent[shortcut] += time.perf_counter() - started
    await pool.close()
    done = per_writer * 16 * rounds
    return done / spent[True], done / spent[False]


async def windowed_publish(
    js: JetStreamContext, subject: str, bodies: list[bytes], ids: list[str], window: int, timeout: float = 10.0
) -> float:
    """Messages/s of the best raw way to publish to JetStream: ``publish_async`` with at most
    ``window`` acknowledgements outstanding (the context's own bound). ``publish_async`` never
    resolves when the server refuses a message, so every wait is bounded: a stall past ``timeout``
    or a refused message fails the run instead of hanging it."""
    futures: list[asyncio.Future] = []
    started = time.perf_counter()
    for body, msg_id in zip(bodies, ids, strict=True):
        futures.append(await js.publish_async(subject, body, wait_stall=timeout, headers={"Nats-Msg-Id": msg_id}))
    acks = await asyncio.wait_for(asyncio.gather(*futures), timeout)
    rate = len(bodies) / (time.perf_counter() - started)
    stored = sum(1 for ack in acks if not ack.duplicate)
    if stored != len(bodies):
        raise RuntimeError(f"windowed publish: {len(bodies) - stored} of {len(bodies)} messages were not stored")
    return rate


RELAY_WINDOWS = (256, 1024, 4096)


async def bench_relay(dsn: str, nats_url: str, total: int) -> tuple[float, float, int]:
    """The relay's rate from the store to JetStream, and the best windowed raw publish of the same
    messages (each with its ``Nats-Msg-Id``, as any relay must send) over a few window sizes, with
    the window that reached it."""
    pool = await create_pool(dsn, max_size=8)
    store = EventStore(pool)
    async with pool.acquire() as conn:
        await migrate(conn)  # when the append figure did not run first
        await conn.execute("TRUNCATE events")
    for start in range(0, total, 1000):
        await store.append(f"batch-{start}", "weekly_log", 0, [_log_event(i) for i in range(start, start + 1000)], META)
    nc = await connect(nats_url, "bench")
    raw_spec, spec = StreamSpec("rawpub", "bench"), StreamSpec("appraisal", "benchrelay")
    await ensure_stream(nc.jetstream(), raw_spec)
    events = await store.read_all(type(Relay(store, nc, spec).position)(), total)
    bodies = [e.to_json() for e in events]
    subject = raw_spec.subject("weekly_log", "LogSubmitted")
    best = (0.0, 0)
    for window in RELAY_WINDOWS:
        js = nc.jetstream(publish_async_max_pending=window)
        rate = await windowed_publish(js, subject, bodies, [f"raw-{window}-{e.event_id}" for e in events], window)
        best = max(best, (rate, window))
    relay = Relay(store, nc, spec)
    started = time.perf_counter()
    while await relay.publish_pending():
        pass
    our_rate = total / (time.perf_counter() - started)
    await nc.close()
    await pool.close()
    return our_rate, best[0], best[1]


async def bench_rebuild(dsn: str, nats_url: str, total: int) -> tuple[float, float]:
    """Rebuild the reporting submissions projection from a stream holding ``total`` events."""
    from reporting.projections import SubmissionsProjection

    nc = await connect(nats_url, "bench-rebuild")
    js = nc.jetstream()
    spec = StreamSpec("appraisal", "benchrebuild")
    await ensure_stream(js, spec)
    now = dt.datetime.now(dt.UTC)
    pending = []
    started = time.perf_counter()
    for i in range(total):
        event = _log_event(i)
        body = RecordedEvent(
            event_id=new_event_id(),
            stream_id=f"log-{i}",
            stream_type="weekly_log",
            version=1,
            type="LogSubmitted",
            schema_version=1,
            data=event.event.model_dump(mode="json"),
            metadata=META.as_dict(),
            occurred_at=now,
            recorded_at=now,
            position=i + 1,
            tx_id=1,
        ).to_json()
        pending.append(await js.publish_async(spec.subject("weekly_log", "LogSubmitted"), body))
        if len(pending) >= 20_000:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    fill_rate = total / (time.perf_counter() - started)
    pool = await create_pool(dsn, max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn)  # the projections' status table (the figure may run without ``append``)
    projection = SubmissionsProjection()
    await install(pool, projection)
    started = time.perf_counter()
    applied = await rebuild(pool, nc, projection, [binding(projection, spec, "reporting")])
    rate = applied / (time.perf_counter() - started)
    await pool.close()
    await nc.close()
    return rate, fill_rate


def _uvicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *uvicorn_args(app, port, "--log-level", "warning")],
        env={**os.environ, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait_ready(url: str, log: Path, timeout: float = 300, proc: subprocess.Popen | None = None) -> None:
    """Until ``url`` answers 200; at once an error with the log's end if ``proc`` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"{log.stem} exited with {proc.returncode}; the end of {log}:\n{tail}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise TimeoutError(f"{url} not ready; the end of {log}:\n{tail}")


def wrk_inputs(secret: str, folder: Path) -> tuple[list[str], Path, Path]:
    """Into ``folder``: tokens of the 1,352 staff of 62 units (a file, one a line) and ``WRK_SCRIPT``;
    the tokens, the token file and the script."""
    tokens = [mint_token(secret, f"bp{i:05d}", f"测试{i}", ["staff"], {"unit": f"u{i % 62:02d}"}) for i in range(1352)]
    token_file = folder / "tokens.txt"
    token_file.write_text("\n".join(tokens) + "\n")
    script = folder / "post.lua"
    script.write_text(WRK_SCRIPT)
    return tokens, token_file, script


def _wrk(
    url: str,
    script: Path,
    tokens: Path,
    seconds: int,
    connections: int = 32,
    year: int = 2026,
    keyed: bool = False,
    offset: int = 0,
) -> tuple[float, float, int]:
    """The rate, the p99 and the number of requests of a run of ``WRK_SCRIPT``; any error status fails it."""
    env = {
        "BENCH_TOKENS": str(tokens),
        "BENCH_YEAR": str(year),
        "BENCH_THREADS": "2",
        "BENCH_KEYED": str(int(keyed)),
        "BENCH_OFFSET": str(offset),
    }
    run = run_wrk(url, script, seconds, connections=connections, env=env)
    if run.errors:
        raise RuntimeError(f"{url} answered {run.errors} requests with an error status")
    return run.rps, run.p99_ms, run.requests


def _warm_up(url: str, script: Path, tokens: Path, count: int, seconds: int, keyed: bool, year: int = 2025) -> None:
    """Runs on the weeks of a year not measured until every one of the ``count`` tokens has been sent once (a
    verified token is remembered, as the staff's phones keep the service warm), each run going on
    where the one before stopped; at least one run of ``seconds``."""
    sent = 0
    while sent < count:
        requests = _wrk(url, script, tokens, seconds, year=year, keyed=keyed, offset=sent)[2]
        if not requests:
            raise RuntimeError(f"{url} answered no request in {seconds}s of warm-up")
        sent += requests


async def _wal_bytes(dsn: str) -> int:
    """The server's WAL position in bytes: what a round wrote, from the difference."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')"))
    finally:
        await conn.close()


class _Connections:
    """Keep-alive HTTP/1.1 connections for the freshness load: a few lines of protocol instead of a
    general client, whose own CPU would otherwise hold the rate down (httpx managed 135/s here)."""

    def __init__(self, base: str, size: int) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port)
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        self.opened: list[asyncio.StreamWriter] = []
        self.size = size

    async def post(self, path: str, body: bytes, token: str, key: str | None = None) -> dict:
        if self.idle.empty() and len(self.opened) < self.size:
            reader, writer = await asyncio.open_connection(self.host, self.port)
            self.opened.append(writer)
        else:
            reader, writer = await self.idle.get()
        keyed = f"Idempotency-Key: {key}\r\n" if key else ""
        writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\n{keyed}Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
        )
        answer = await reader.readexactly(length)
        self.idle.put_nowait((reader, writer))
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {answer[:300]!r}")
        return orjson.loads(answer)

    async def close(self) -> None:
        for writer in self.opened:
            writer.close()


async def _freshness(base: str, tokens: list[str], reporting_dsn: str, rate: float, count: int) -> tuple[float, float]:
    """p99 ms from a command's answer to its position in the reporting read model's checkpoint,
    and the rate the commands were actually answered at.

    Open loop: request ``i`` is sent at ``i / rate`` seconds whatever the answers before it, by as
    many concurrent senders as that takes (a single sequential client could not reach the rate).
    """
    pool = await create_pool(reporting_dsn, max_size=2)
    waiting: list[tuple[float, tuple[int, int]]] = []
    seen: list[float] = []
    done = asyncio.Event()

    async def watch() -> None:
        while not done.is_set() or waiting:
            row = await pool.fetchrow(
                "SELECT tx_id, position FROM projection_checkpoints WHERE projection='submissions' AND source='appraisal'"
            )
            now = time.perf_counter()
            if row is not None:
                reached = (row["tx_id"], row["position"])
                still = [(at, position) for at, position in waiting if position > reached]
                seen.extend(now - at for at, position in waiting if position <= reached)
                waiting[:] = still
            await asyncio.sleep(0.002)

    watcher = asyncio.create_task(watch())
    connections = _Connections(base, 32)

    async def send(i: int) -> None:
        week = (i // len(tokens)) % 12 + 41
        body = {"week": f"2026-W{week:02d}", "items": [{"text": "新鲜度测量", "indicators": []}]}
        answer = await connections.post("/api/v1/logs", orjson.dumps(body), tokens[i % len(tokens)])
        tx, pos = answer["position"].split(".")
        waiting.append((time.perf_counter(), (int(tx), int(pos))))

    started = time.perf_counter()
    sending: list[asyncio.Task] = []
    for i in range(count):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sending.append(asyncio.create_task(send(i)))
    await asyncio.gather(*sending)  # an error answer fails the run
    achieved = count / (time.perf_counter() - started)
    await connections.close()
    done.set()
    await asyncio.wait_for(watcher, 30)
    await pool.close()
    seen.sort()
    return (seen[int(len(seen) * 0.99) - 1] * 1000 if seen else float("nan")), achieved


async def _open_loop(
    base: str, path: str, tokens: list[str], year: int, rate: float, count: int, keyed: bool
) -> tuple[float, float]:
    """p99 ms and the achieved rate of ``count`` log submissions offered at ``rate`` per second.

    Open loop: request ``i`` is due at ``i / rate`` seconds whatever the answers before it, and its
    latency counts from when it was due, so a request kept waiting by a slow one is measured as the
    user waits (no coordinated omission). Up to 64 keep-alive connections.
    """
    connections = _Connections(base, 64)
    latencies: list[float] = []

    async def send(i: int, due: float) -> None:
        week = f"{year}-W{(i // len(tokens)) % 40 + 1:02d}"
        body = {"week": week, "items": [{"text": "完成季度考核资料整理", "indicators": ["qin-1"]}]}
        key = f"tail-{year}-{i}" if keyed else None
        await connections.post(path, orjson.dumps(body), tokens[i % len(tokens)], key)
        latencies.append(time.perf_counter() - due)

    started = time.perf_counter()
    sending: list[asyncio.Task] = []
    for i in range(count):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sending.append(asyncio.create_task(send(i, due)))
    await asyncio.gather(*sending)  # an error answer fails the run
    achieved = count / (time.perf_counter() - started)
    await connections.close()
    latencies.sort()
    return latencies[int(len(latencies) * 0.99) - 1] * 1000, achieved


FIGURES = ("append", "first", "relay", "rebuild", "http", "keyed", "tail", "peer")
HTTP_FIGURES = ("http", "keyed", "tail")


def _peer(base: str, quick: bool) -> list[tuple[str, str, str, str, str]]:
    """Our store beside the ``eventsourcing`` library on the same PostgreSQL (``bench_peer``)."""
    from grassroots_cli.bench_peer import Sizes, compare

    sizes = Sizes(appends=600, aggregates=1000, events_per=10) if quick else Sizes(3000, 10_000, 10)
    for name in ("peer_ours", "peer_theirs"):
        asyncio.run(ensure_database(base, name))
    rates = uvloop.run(compare(dsn_for(base, "peer_ours"), dsn_for(base, "peer_theirs"), sizes))
    targets = {"append, 16 writers": "≥ 10×", "read-all decoded": "≥ 2×", "rehydrate": "≥ 5×"}
    unit = {"rehydrate": f"aggregates/s ({sizes.aggregates:,} × {sizes.events_per} events)"}
    return [
        (
            f"vs eventsourcing: {name}, 3 alternating rounds",
            f"{mine:,.0f} {unit.get(name, 'events/s')}",
            f"{peer:,.0f}/s eventsourcing {_version('eventsourcing')}",
            f"{mine / peer:.1f}×",
            targets.get(name, "-"),
        )
        for name, (mine, peer) in rates.items()
    ]


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def run_all(quick: bool = False, only: tuple[str, ...] = FIGURES) -> None:
    """The figures named in ``only`` (``http`` includes freshness, which runs at half its rate)."""
    if "peer" in only and importlib.util.find_spec("eventsourcing") is None:
        raise SystemExit("the peer figure needs the bench dependency group: uv sync --group bench (make bench does)")
    if any(figure in only for figure in HTTP_FIGURES) and shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the HTTP figures: apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="grassroots-bench-"))
    os.chmod(folder, 0o755)
    nats = NatsServer(folder / "nats", free_port())
    pg = EmbeddedPostgres(folder / "pg")
    procs: list[subprocess.Popen] = []
    rows: list[tuple[str, str, str, str, str]] = []
    cpu_rows: list[tuple[str, ...]] = []
    cpu_names: list[str] = []
    appends = 16_000 if quick else 48_000
    relayed = 20_000 if quick else 100_000
    rebuilt = 100_000 if quick else 1_000_000
    seconds = 5 if quick else 15
    try:
        nats.start()
        base = pg.start()
        for name in ("bench_append", "grassroots_appraisal", "grassroots_reporting", "bench_minimal", KEYS_DATABASE):
            asyncio.run(ensure_database(base, name))
        if "append" in only:
            console.print("append …")
            ours, raw = uvloop.run(bench_append(dsn_for(base, "bench_append"), appends))
            rows.append(
                (
                    "append, 1 event/tx, 16 writers",
                    f"{ours:,.0f}/s",
                    f"{raw:,.0f}/s raw INSERT",
                    f"{ours / raw:.2f}×",
                    "≥ 0.85×",
                )
            )
        if "first" in only:
            console.print("first submissions, with and without the shortcut …")
            with_shortcut, without = uvloop.run(bench_first(dsn_for(base, "bench_append"), appends // 2))
            rows.append(
                (
                    "first submission with its setting, 16 writers (usually_new)",
                    f"{with_shortcut:,.0f}/s",
                    f"{without:,.0f}/s load then append",
                    f"{with_shortcut / without:.2f}×",
                    "> 1× (the switch's worth)",
                )
            )
        if "relay" in only:
            console.print("relay …")
            ours, raw, window = uvloop.run(bench_relay(dsn_for(base, "bench_append"), nats.url, relayed))
            rows.append(
                (
                    "relay store → JetStream",
                    f"{ours:,.0f}/s",
                    f"{raw:,.0f}/s best raw publish_async, ≤ {window:,} in flight",
                    f"{ours / raw:.2f}×",
                    "≥ 0.8×",
                )
            )
        if "rebuild" in only:
            console.print(f"rebuild over {rebuilt:,} events …")
            rate, fill = uvloop.run(bench_rebuild(dsn_for(base, "bench_append"), nats.url, rebuilt))
            rows.append(
                (
                    f"rebuild reporting.submissions, {rebuilt:,} events",
                    f"{rate:,.0f} ev/s",
                    f"{fill:,.0f}/s stream fill",
                    f"{rate / fill:.2f}×",
                    "≥ 100,000 ev/s",
                )
            )

        if "peer" in only:
            console.print("the peer, eventsourcing with its PostgreSQL persistence …")
            rows.extend(_peer(base, quick))
        if any(figure in only for figure in HTTP_FIGURES):
            secret = "bench-" + new_event_id()
            env = {"NATS_URL": nats.url, "JWT_SECRET": secret, "LOG_LEVEL": "warning", "NATS_PREFIX": "bh"}
            a_port, r_port, m_port = free_port(), free_port(), free_port()
            # As deployed: the API answers commands; a worker process of the same service runs the
            # relay and the projections (on the embedded default one process does both).
            appraisal_env = {**env, "DATABASE_URL": dsn_for(base, "grassroots_appraisal")}
            procs.append(
                _uvicorn(
                    "appraisal.main:create_app",
                    a_port,
                    {**appraisal_env, "PORT": str(a_port), "RUN_WORKERS": "false"},
                    folder / "appraisal.log",
                )
            )
            worker_port = free_port()
            procs.append(
                _uvicorn(
                    "appraisal.main:create_app",
                    worker_port,
                    {**appraisal_env, "PORT": str(worker_port), "RUN_WORKERS": "true"},
                    folder / "appraisal-worker.log",
                )
            )
            procs.append(
                _uvicorn(
                    "reporting.main:create_app",
                    r_port,
                    {**env, "DATABASE_URL": dsn_for(base, "grassroots_reporting"), "PORT": str(r_port)},
                    folder / "reporting.log",
                )
            )
            procs.append(
                _uvicorn(
                    "grassroots_cli.bench_minimal:create_app",
                    m_port,
                    {**env, "DATABASE_URL": dsn_for(base, "bench_minimal")},
                    folder / "minimal.log",
                )
            )
            for proc, (port, path, log) in zip(
                procs[-4:],
                (
                    (a_port, "/healthz", "appraisal.log"),
                    (worker_port, "/readyz", "appraisal-worker.log"),
                    (r_port, "/readyz", "reporting.log"),
                    (m_port, "/healthz", "minimal.log"),
                ),
                strict=True,
            ):
                _wait_ready(f"http://127.0.0.1:{port}{path}", folder / log, proc=proc)
            tokens, token_file, script = wrk_inputs(secret, folder)
            console.print("HTTP command path …")
            minimal_url, logs_url = f"http://127.0.0.1:{m_port}/minimal", f"http://127.0.0.1:{a_port}/api/v1/logs"
            # Each target: (url, its pid, keyed). Keyed requests carry an Idempotency-Key, as the web
            # app sends with every command; the minimal endpoint's keyed route stores its record too.
            targets = {
                "minimal": (minimal_url, procs[3].pid, False),
                "logs": (logs_url, procs[0].pid, False),
                "minimal keyed": (minimal_url + "/keyed", procs[3].pid, True),
                "logs keyed": (logs_url, procs[0].pid, True),
            }
            # Warm-up, as the staff's phones keep the service: every token seen once (a verified token
            # is remembered), pools full. On last year's weeks, so the measured logs are first submissions.
            for url, _, keyed in targets.values():
                _warm_up(url, script, token_file, len(tokens), 3 if quick else 5, keyed)
            shared = {"appraisal worker (relay, projections)": [procs[1].pid], "reporting": [procs[2].pid]}
            if nats.process is not None:
                shared["NATS"] = [nats.process.pid]
            rounds, years = (2, (2026, 2024)) if quick else (3, (2026, 2024, 2023))
            per_round = max(seconds // rounds, 3)
            measured: dict[str, tuple[float, float, dict[str, float]]] = {}
            wal: dict[str, float] = {}  # PostgreSQL WAL bytes per request (the whole server, each round alone)

            def alternate(names: tuple[str, ...]) -> None:
                """Alternating rounds, so the machine's moods fall on both sides alike; a year per round
                (and keyed requests on other weeks than unkeyed ones), so every log is a first submission."""
                served = dict.fromkeys(names, 0.0)
                p99s: dict[str, list[float]] = {name: [] for name in names}
                cpu: dict[str, dict[str, float]] = {name: {} for name in names}
                for year in years:
                    for name in names:
                        url, pid, keyed = targets[name]
                        wal_before = asyncio.run(_wal_bytes(base))
                        (round_rate, round_p99, _), spent = bench_cpu.measure(
                            {"API process": [pid], **shared},
                            lambda url=url, year=year, keyed=keyed: _wrk(
                                url, script, token_file, per_round, year=year, keyed=keyed
                            ),
                            pg.pgdata,
                        )
                        served[name] += round_rate * per_round
                        p99s[name].append(round_p99)
                        wal[name] = wal.get(name, 0) + asyncio.run(_wal_bytes(base)) - wal_before
                        for group, value in spent.items():
                            cpu[name][group] = cpu[name].get(group, 0.0) + value
                for name in names:
                    per_request = {group: value / served[name] * 1000 for group, value in cpu[name].items()}
                    wal[name] /= served[name]
                    measured[name] = (served[name] / (per_round * rounds), max(p99s[name]), per_request)

            def row(name: str, baseline: str, label: str, target: str) -> None:
                rate, p99, _ = measured[name]
                base_rate, base_p99, _ = measured[baseline]
                rows.append(
                    (
                        label,
                        f"{rate:,.0f}/s p99 {p99:.1f} ms",
                        f"{base_rate:,.0f}/s p99 {base_p99:.1f} ms {baseline}",
                        f"{rate / base_rate:.2f}×",
                        target,
                    )
                )

            if "http" in only or "tail" in only:
                alternate(("minimal", "logs"))
                row(
                    "logs",
                    "minimal",
                    f"POST /api/v1/logs, no key, 32 connections, {rounds} alternating rounds (p99: worst round)",
                    "≥ 0.85×",
                )
            if "keyed" in only:
                alternate(("minimal keyed", "logs keyed"))
                row(
                    "logs keyed",
                    "minimal keyed",
                    f"POST /api/v1/logs with an Idempotency-Key, as the web app sends, {rounds} rounds",
                    "(key handling on both sides)",
                )
                if "minimal" in measured:
                    row("logs keyed", "minimal", "the same, against the minimal endpoint without a key", "≥ 0.8×")
            for group in next(iter(measured.values()))[2] if measured else ():
                cpu_rows.append((group, *(f"{measured[name][2].get(group, 0.0):.3f}" for name in measured)))
            if measured:
                cpu_rows.append(("all", *(f"{sum(measured[name][2].values()):.3f}" for name in measured)))
                cpu_names.extend(measured)
                cpu_rows.append(("PostgreSQL WAL, bytes per request", *(f"{wal[name]:,.0f}" for name in measured)))
            if "tail" in only:
                console.print("tail under an offered load …")
                offered = measured["minimal"][0] * 0.7
                count = int(offered * (4 if quick else 8))
                tails = {}
                for name, year in (("minimal", 2019), ("logs", 2019), ("minimal keyed", 2018), ("logs keyed", 2018)):
                    url, _, keyed = targets[name]
                    origin, _, path = url.partition("//")[2].partition("/")
                    tails[name] = uvloop.run(
                        _open_loop(f"http://{origin}", "/" + path, tokens, year, offered, count, keyed)
                    )
                for name, baseline in (("logs", "minimal"), ("logs keyed", "minimal keyed")):
                    (p99, achieved), (base_p99, base_achieved) = tails[name], tails[baseline]
                    rows.append(
                        (
                            f"{name}: p99 at {offered:,.0f}/s offered (70 % of minimal's maximum), open loop, "
                            f"{count:,} requests",
                            f"p99 {p99:.1f} ms ({achieved:,.0f}/s done)",
                            f"p99 {base_p99:.1f} ms {baseline} ({base_achieved:,.0f}/s done)",
                            f"{p99 / base_p99:.2f}× the p99",
                            "p99 ≤ 30 ms",
                        )
                    )
            if "http" in only:
                console.print("freshness …")
                fresh_rate = measured["logs"][0] / 2
                p99_fresh, fresh_achieved = uvloop.run(
                    _freshness(
                        f"http://127.0.0.1:{a_port}",
                        tokens,
                        dsn_for(base, "grassroots_reporting"),
                        fresh_rate,
                        600 if quick else 3000,
                    )
                )
                rows.append(
                    (
                        f"freshness at half the rate above: {fresh_rate:,.0f} commands/s asked, {fresh_achieved:,.0f}/s done",
                        f"p99 {p99_fresh:.0f} ms",
                        "-",
                        "-",
                        "p99 ≤ 50 ms",
                    )
                )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(15)
        nats.stop()
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)
    table = Table(
        "figure", "measured", "baseline (same run)", "ratio", "target", title="Grassroots foundation benchmark"
    )
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if cpu_rows:
        cpu_table = Table(
            "process",
            *cpu_names,
            title="CPU ms per request during the HTTP runs (2 cores: 2,000 ms of CPU per second)",
        )
        for row in cpu_rows:
            cpu_table.add_row(*row)
        console.print(cpu_table)
    print(
        orjson.dumps(
            [dict(zip(("figure", "measured", "baseline", "ratio", "target"), r, strict=True)) for r in rows]
        ).decode()
    )
