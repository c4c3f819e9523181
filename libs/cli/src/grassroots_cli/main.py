"""``grassroots``: start the embedded platform and operate it (streams, events, projections, replay)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Protocol

import typer
from nats.js.api import ClusterInfo
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from grassroots_cli.operator import (
    PUBLISHING,
    Target,
    all_projections,
    bindings_for,
    find_projection,
    leader_locks,
)
from grassroots_common import keystore
from grassroots_common.auth import MAX_TOKEN_LIFETIME, ROLES, load_or_create_secret, mint_token, rotate_secret
from grassroots_common.events import RecordedEvent
from grassroots_common.jetstream import consumer_pending, stream_last_sequence
from grassroots_common.projections.dead_letters import retry_parked, skip_parked
from grassroots_common.projections.rebuild import RebuildProgress, rebuild

app = typer.Typer(help="Grassroots platform: run it, watch it, replay it.", no_args_is_help=True)
events_app = typer.Typer(help="Browse the events of a stream or of one aggregate.")
dead_app = typer.Typer(help="Events a projection parked: list, retry, skip.")
app.add_typer(events_app, name="events")
app.add_typer(dead_app, name="dead-letters")
console = Console()

DataDir = Annotated[Path, typer.Option("--data-dir", envvar="GRASSROOTS_DATA", help="Data folder")]


@app.command()
def up(
    data_dir: DataDir = Path("data"),
    port: Annotated[int, typer.Option(envvar="GRASSROOTS_PORT", help="Port of the one origin")] = 8000,
    host: Annotated[
        str, typer.Option(envvar="GRASSROOTS_HOST", help="Address of the one origin (not loopback: no demo sign-in)")
    ] = "127.0.0.1",
    demo: Annotated[
        bool, typer.Option(help="Seed demo data on first start, and offer the demo sign-in on a loopback address")
    ] = True,
    service_ports: Annotated[
        int, typer.Option(envvar="GRASSROOTS_SERVICE_PORTS", help="First of four ports for the services")
    ] = 8101,
    nats_port: Annotated[int, typer.Option(envvar="GRASSROOTS_NATS_PORT", help="Port of the embedded NATS")] = 4222,
) -> None:
    """Start NATS, PostgreSQL, every service and the web app on one machine, and keep them running
    (a process that dies is started again); Ctrl-C stops all."""
    from grassroots_cli.platform import Platform
    from grassroots_cli.services import SERVICES

    platform = Platform(
        data_dir=data_dir,
        port=port,
        host=host,
        seed_demo=demo,
        service_ports={name: service_ports + i for i, name in enumerate(SERVICES)},
        nats_port=nats_port,
    )

    def ready() -> None:
        console.print(
            f"[green]Ready[/] at [bold]{platform.url}[/]  (NATS {platform.nats_url}; logs in {data_dir}/logs)"
        )
        if not platform.dev_signin:
            console.print("Demo sign-in is off: sign in with a token from `grassroots token`.")

    _run_until_stopped(platform, f"[bold]Grassroots[/] starting under {data_dir.resolve()} …", ready)


@app.command()
def cluster(
    data_dir: DataDir = Path("data-cluster"),
    port: Annotated[int, typer.Option(envvar="GRASSROOTS_PORT", help="Port of the one origin")] = 8000,
    demo: Annotated[bool, typer.Option(help="Seed demo data on first start, and offer the demo sign-in")] = True,
    service_ports: Annotated[
        int, typer.Option(envvar="GRASSROOTS_SERVICE_PORTS", help="First of 16 ports for the service processes")
    ] = 8101,
    nats_port: Annotated[
        int, typer.Option(envvar="GRASSROOTS_NATS_PORT", help="First client port of the three NATS nodes")
    ] = 4222,
) -> None:
    """Start the deploy's shape on this machine, on loopback: three NATS nodes (streams of 3
    replicas), PostgreSQL, and for each service two API replicas behind the one origin and two worker
    processes (one active per lock); every process supervised. Ctrl-C stops all."""
    from grassroots_cli.cluster import Cluster

    topology = Cluster(data_dir=data_dir, port=port, seed_demo=demo, service_base=service_ports, nats_port=nats_port)

    def ready() -> None:
        console.print(
            f"[green]Ready[/] at [bold]{topology.url}[/] in {topology.started_in:.0f}s (NATS {topology.nats_url})"
        )
        console.print(
            f"`grassroots streams --data-dir {data_dir}` and `grassroots locks --data-dir {data_dir}` show it."
        )

    _run_until_stopped(topology, f"[bold]Grassroots cluster[/] starting under {data_dir.resolve()} …", ready)


class _Supervised(Protocol):
    def check_ports(self) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


def _run_until_stopped(processes: _Supervised, starting: str, ready: Callable[[], None]) -> None:
    """Start ``processes`` (refused when a port is taken), say ``ready``, and run until Ctrl-C or
    SIGTERM; then stop them all, whatever happened."""
    from grassroots_common.embedded import PortTaken

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    taken = "[red]Cannot start:[/] {}. Stop that program, or choose other ports (see --help)."
    try:
        processes.check_ports()
    except PortTaken as exc:
        console.print(taken.format(exc))
        raise typer.Exit(1) from exc
    console.print(starting)
    try:
        processes.start()
        ready()
        console.print("Press Ctrl-C to stop.")
        while not stop.wait(1.0):  # a bounded wait, so the signal handlers get to run
            pass
    except PortTaken as exc:
        console.print(taken.format(exc))
        raise typer.Exit(1) from exc
    finally:
        console.print("Stopping …")
        processes.stop()
        console.print("Stopped.")


@app.command()
def token(
    sub: Annotated[str, typer.Argument(help="Subject (person or account id)")],
    role: Annotated[list[str], typer.Option("--role", "-r", help="Role (repeatable)")],
    name: Annotated[str, typer.Option(help="Display name")] = "",
    scope: Annotated[list[str], typer.Option("--scope", "-s", help="kind=id, e.g. unit=u01")] = [],  # noqa: B006
    hours: Annotated[float, typer.Option(help="Validity in hours")] = 12,
    data_dir: DataDir = Path("data"),
) -> None:
    """Mint a development token signed with the embedded default's key."""
    unknown = [r for r in role if r not in ROLES]
    if unknown:
        raise typer.BadParameter(f"unknown roles {unknown}; known: {', '.join(sorted(ROLES))}")
    scopes = dict(s.split("=", 1) for s in scope)
    if not 0 < hours <= MAX_TOKEN_LIFETIME.total_seconds() / 3600:
        raise typer.BadParameter(f"a token lives at most {MAX_TOKEN_LIFETIME.total_seconds() / 3600:g} hours")
    secret = load_or_create_secret(data_dir / "keys" / "jwt.secret")
    typer.echo(mint_token(secret, sub, name or sub, role, scopes, dt.timedelta(hours=hours)))


@app.command()
def clock(
    advance_by: Annotated[
        str | None, typer.Option("--advance", help="Move a running demo platform's clock forward, e.g. 7d or 36h")
    ] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Show (or move forward) the clock of a demo platform started with this data folder."""
    from grassroots_common.clock import ClockRefused, advance, moved_by

    try:
        total = advance(data_dir, advance_by) if advance_by else moved_by(data_dir / "clock.json")
    except ClockRefused as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"Moved forward by {total} beyond the start offset (demo platforms under {data_dir} only)")


@app.command()
def streams(data_dir: DataDir = Path("data")) -> None:
    """Each service's stream: message count, first and last sequence."""

    async def run() -> None:
        target = Target.resolve(data_dir)
        nc = await target.nats()
        js = nc.jetstream()
        table = Table("stream", "messages", "first seq", "last seq", "bytes", "consumers", "leader", "replicas (lag)")
        for svc in PUBLISHING:
            spec = target.spec(svc)
            try:
                info = await js.stream_info(spec.name)
            except Exception:
                table.add_row(spec.name, "-", "-", "-", "-", "-", "-", "-")
                continue
            s = info.state
            table.add_row(
                spec.name,
                str(s.messages),
                str(s.first_seq),
                str(s.last_seq),
                f"{s.bytes:,}",
                str(s.consumer_count),
                *_replication(info.cluster),
            )
        console.print(table)
        await nc.close()

    asyncio.run(run())


def _replication(cluster: ClusterInfo | None) -> tuple[str, str]:
    """The stream's leader, and each other replica with the operations it is behind (or offline)."""
    if cluster is None:
        return "-", "-"
    replicas = [
        f"{p.name}: {'offline' if p.offline else p.lag or 0}{'' if p.current or p.offline else ' (catching up)'}"
        for p in cluster.replicas or []
    ]
    return cluster.leader or "none (electing)", ", ".join(replicas) or "-"


@app.command()
def locks(data_dir: DataDir = Path("data")) -> None:
    """Which process holds each leader lock (relays, projections, schedulers), and which stand by."""

    async def run() -> None:
        target = Target.resolve(data_dir)
        pool = await target.pool(PUBLISHING[0])
        try:
            async with pool.acquire() as conn:
                states = await leader_locks(conn)
        finally:
            await pool.close()
        table = Table("service", "lock", "held by", "standing by")
        for lock in states:
            table.add_row(
                lock.database.removeprefix("grassroots_"),
                lock.name,
                lock.holder or "[red]nobody[/]",
                ", ".join(lock.standby) or "-",
            )
        console.print(table)

    asyncio.run(run())


def _print_events(events: list[RecordedEvent]) -> None:
    table = Table("seq/pos", "type", "stream id", "v", "actor", "occurred", "data")
    for e in events:
        table.add_row(
            str(e.sequence or e.position),
            e.type,
            e.stream_id,
            str(e.version),
            e.actor_id,
            e.occurred_at.isoformat(timespec="seconds"),
            json.dumps(e.data, ensure_ascii=False)[:120],
        )
    console.print(table)


@events_app.command("tail")
def events_tail(
    service_name: Annotated[str, typer.Argument(metavar="SERVICE", help="appraisal, grid or village")],
    count: Annotated[int, typer.Option("-n", help="How many of the last events")] = 20,
    data_dir: DataDir = Path("data"),
) -> None:
    """The last events of a service's stream (from JetStream)."""

    async def run() -> None:
        target = Target.resolve(data_dir)
        nc = await target.nats()
        js = nc.jetstream()
        spec = target.spec(service_name)
        info = await js.stream_info(spec.name)
        first = max(info.state.first_seq, info.state.last_seq - count + 1)
        await target.keys()
        messages = [(seq, await js.get_msg(spec.name, seq=seq)) for seq in range(first, info.state.last_seq + 1)]
        await keystore.prepare(msg.data or b"{}" for _, msg in messages)
        events = [RecordedEvent.from_json(msg.data or b"{}", seq, service_name) for seq, msg in messages]
        _print_events(events)
        await nc.close()

    asyncio.run(run())


@events_app.command("show")
def events_show(
    service_name: Annotated[str, typer.Argument(metavar="SERVICE")],
    stream_id: Annotated[str, typer.Argument(help="Aggregate (stream) id")],
    data_dir: DataDir = Path("data"),
) -> None:
    """Every event of one aggregate, from the service's event store."""

    async def run() -> None:
        from grassroots_common.store import EventStore

        target = Target.resolve(data_dir)
        pool = await target.pool(service_name)
        events = await EventStore(pool).load(stream_id)
        if not events:
            console.print(f"[yellow]no events for {stream_id}[/]")
        _print_events(events)
        await pool.close()

    asyncio.run(run())


@events_app.command("unloadable")
def events_unloadable(
    service_names: Annotated[
        list[str] | None, typer.Argument(metavar="[SERVICE]...", help="appraisal, grid or village (default: all)")
    ] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """The streams whose events fail to load (written by an older version before a contract was
    bounded), per service database: each needs an upcaster. Exits 1 when there are any."""

    async def run() -> int:
        import grassroots_common.contracts  # noqa: F401  (registers every event type)
        from grassroots_common.store import EventStore

        target = Target.resolve(data_dir)
        table = Table("service", "stream id", "stream type", "first bad v", "type", "schema", "bad events", "error")
        bad = 0
        for svc in service_names or PUBLISHING:
            pool = await target.pool(svc)
            try:
                streams = await EventStore(pool).unloadable()
            finally:
                await pool.close()
            bad += len(streams)
            for u in streams:
                table.add_row(
                    svc,
                    u.stream_id,
                    u.stream_type,
                    str(u.version),
                    u.type,
                    str(u.schema_version),
                    str(u.events),
                    u.error,
                )
        if bad:
            console.print(table)
            console.print(f"[red]{bad} stream(s) hold events that do not load[/]: register an upcaster for each")
        else:
            console.print("[green]Every event of every stream loads.[/]")
        return 1 if bad else 0

    raise typer.Exit(asyncio.run(run()))


@app.command()
def projections(data_dir: DataDir = Path("data")) -> None:
    """Status and lag of every projection: checkpoint per source against the stream's last sequence."""

    async def run() -> None:
        target = Target.resolve(data_dir)
        nc = await target.nats()
        js = nc.jetstream()
        table = Table("projection", "state", "source", "checkpoint", "stream last", "lag", "parked", "unknown")
        for owner, projection in all_projections():
            pool = await target.pool(owner)
            status = await pool.fetchrow(
                "SELECT state, unknown_events FROM projection_status WHERE projection=$1", projection.name
            )
            parked = await pool.fetchval(
                "SELECT count(*) FROM dead_letters WHERE projection=$1 AND state='parked'", projection.name
            )
            for source in projection.sources:
                done = await pool.fetchval(
                    "SELECT sequence FROM projection_checkpoints WHERE projection=$1 AND source=$2",
                    projection.name,
                    source,
                )
                spec = target.spec(source)
                last = await stream_last_sequence(js, spec.name)
                pending = await consumer_pending(js, spec.name, f"{owner}-{projection.name}")
                table.add_row(
                    f"{owner}.{projection.name}",
                    status["state"] if status else "not installed",
                    source,
                    str(done or 0),
                    str(last),
                    "-" if pending is None else str(pending),
                    str(parked),
                    str(status["unknown_events"] if status else 0),
                )
            await pool.close()
        console.print(table)
        await nc.close()

    asyncio.run(run())


@app.command()
def replay(
    projection_name: Annotated[str, typer.Argument(metavar="PROJECTION", help="e.g. reporting.submissions")],
    from_sequence: Annotated[int, typer.Option("--from-seq", help="Start at this stream sequence")] = 1,
    from_time: Annotated[str | None, typer.Option("--from-time", help="Start at this ISO time")] = None,
    data_dir: DataDir = Path("data"),
) -> None:
    """Rebuild a projection into shadow tables and swap it in; queries keep answering meanwhile."""
    owner, projection = find_projection(projection_name)
    since = dt.datetime.fromisoformat(from_time) if from_time else None

    async def run() -> None:
        target = Target.resolve(data_dir)
        nc = await target.nats()
        pool = await target.pool(owner)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]:>10,.0f} events/s"),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            tasks: dict[str, int] = {}

            def report(p: RebuildProgress) -> None:
                if p.source not in tasks:
                    tasks[p.source] = progress.add_task(f"{projection.name} ← {p.source}", total=p.total, rate=0.0)
                progress.update(tasks[p.source], completed=p.done, total=p.total, rate=p.rate)

            started = asyncio.get_running_loop().time()
            applied = await rebuild(
                pool,
                nc,
                projection,
                bindings_for(target, owner, projection),
                from_sequence=from_sequence,
                from_time=since,
                progress=report,
            )
            elapsed = asyncio.get_running_loop().time() - started
        console.print(f"[green]Rebuilt[/] {owner}.{projection.name}: {applied} events in {elapsed:.1f}s, swapped in")
        await pool.close()
        await nc.close()

    asyncio.run(run())


@dead_app.command("list")
def dead_list(data_dir: DataDir = Path("data")) -> None:
    """Parked events of every projection."""

    async def run() -> None:
        target = Target.resolve(data_dir)
        table = Table("id", "projection", "source", "seq", "type", "attempts", "state", "error")
        owners = sorted({owner for owner, _ in all_projections()})
        for owner in owners:
            pool = await target.pool(owner)
            for r in await pool.fetch("SELECT * FROM dead_letters ORDER BY id"):
                table.add_row(
                    f"{owner}:{r['id']}",
                    r["projection"],
                    r["source"],
                    str(r["sequence"]),
                    r["event_type"],
                    str(r["attempts"]),
                    r["state"],
                    r["error"][:80],
                )
            await pool.close()
        console.print(table)

    asyncio.run(run())


def _resolve_parked(projection_name: str, parked_id: int, action: str, data_dir: Path) -> None:
    owner, projection = find_projection(projection_name)

    async def run() -> None:
        target = Target.resolve(data_dir)
        pool = await target.pool(owner)
        try:
            if action == "retry":
                await retry_parked(pool, projection, parked_id)
            else:
                await skip_parked(pool, projection, parked_id)
        except LookupError as exc:
            raise SystemExit(str(exc)) from exc
        finally:
            await pool.close()
        console.print(f"[green]{action} done[/] for parked event {parked_id} of {owner}.{projection.name}")

    asyncio.run(run())


@dead_app.command("retry")
def dead_retry(
    projection_name: Annotated[str, typer.Argument(metavar="PROJECTION")],
    parked_id: Annotated[int, typer.Argument(metavar="ID")],
    data_dir: DataDir = Path("data"),
) -> None:
    """Apply a parked event again (after fixing its handler); a stopped projection resumes."""
    _resolve_parked(projection_name, parked_id, "retry", data_dir)


@dead_app.command("skip")
def dead_skip(
    projection_name: Annotated[str, typer.Argument(metavar="PROJECTION")],
    parked_id: Annotated[int, typer.Argument(metavar="ID")],
    data_dir: DataDir = Path("data"),
) -> None:
    """Give up on a parked event; the checkpoint moves past it and a stopped projection resumes."""
    _resolve_parked(projection_name, parked_id, "skip", data_dir)


@app.command("backup")
def backup_command(
    out: Annotated[Path, typer.Argument(metavar="FOLDER", help="A new folder for the backup")],
    data_dir: DataDir = Path("data"),
) -> None:
    """Back up the running platform: pg_dump of every service database, the NATS data folder."""
    from grassroots_cli.backup import backup

    report = backup(data_dir, out)
    events = ", ".join(f"{name} {n}" for name, n in report.events.items())
    console.print(
        f"[green]Backed up[/] into {report.folder}: events {events}; NATS folder {'yes' if report.nats else 'no'}"
    )


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(metavar="FOLDER", help="A folder grassroots backup wrote")],
    data_dir: DataDir = Path("data"),
) -> None:
    """Restore a backup into a stopped platform's (fresh) data folder; then start it with grassroots up."""
    from grassroots_cli.backup import restore

    counts = restore(source, data_dir)
    events = ", ".join(f"{name} {n}" for name, n in counts.items())
    console.print(f"[green]Restored[/] into {data_dir}: events {events}. Start it: grassroots up --data-dir {data_dir}")


@app.command("rotate-key")
def rotate_key(data_dir: DataDir = Path("data")) -> None:
    """Replace the signing key (data/keys/jwt.secret); restart the platform so every old token is refused."""
    rotate_secret(data_dir / "keys" / "jwt.secret")
    console.print(
        "[green]New signing key written.[/] Restart the platform: tokens signed with the old key are refused."
    )


@app.command()
def bench(
    quick: Annotated[bool, typer.Option(help="Smaller runs (for a smoke check)")] = False,
    only: Annotated[
        list[str] | None,
        typer.Option(
            help="Only these figures (repeatable): append, first, relay, rebuild, http (with freshness), keyed, tail, peer"
        ),
    ] = None,
) -> None:
    """Run the foundation benchmark: each figure beside a baseline measured in the same run."""
    from grassroots_cli.bench import FIGURES, run_all

    unknown = sorted(set(only or ()) - set(FIGURES))
    if unknown:
        raise typer.BadParameter(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
    run_all(quick=quick, only=tuple(only) if only else FIGURES)


if __name__ == "__main__":
    app()
