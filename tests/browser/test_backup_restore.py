"""Back up the running platform's databases and NATS folder, restore them into a fresh data folder,
and find the events and a read model back (the runbook's backup and restore, docs/runbook.*.md)."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
from pathlib import Path

import asyncpg
import pytest

from grassroots_cli.backup import backup, restore
from grassroots_cli.operator import Target
from grassroots_cli.services import available_services
from grassroots_common.embedded import EmbeddedPostgres, dsn_for


def _on_own_thread(call, *args):
    """``call(*args)`` on a thread of its own: Playwright's sync API keeps an event loop running on
    this one, and the snapshot, the backup and the restore each run their own (``asyncio.run``)."""
    out: dict[str, object] = {}

    def run() -> None:
        try:
            out["value"] = call(*args)
        except BaseException as exc:  # re-raised on the test's thread
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]  # type: ignore[misc]
    return out["value"]


async def _snapshot(dsn: str, with_roster: bool) -> dict:
    conn = await asyncpg.connect(dsn)
    try:
        last = await conn.fetchval("SELECT coalesce(max(position), 0) FROM events")
        found = {
            "last": last,
            "events": await conn.fetchval("SELECT count(*) FROM events WHERE position <= $1", last),
            "ids": await conn.fetchval(
                "SELECT md5(string_agg(event_id::text, ',' ORDER BY position)) FROM events WHERE position <= $1", last
            ),
            "max_tx": await conn.fetchval("SELECT coalesce(max(tx_id), 0) FROM events"),
        }
        if with_roster:  # a read model: the appraisal roster
            found["people"] = [tuple(r) for r in await conn.fetch("SELECT * FROM rm_roster.people ORDER BY 1")]
        return found
    finally:
        await conn.close()


async def _keys(dsn: str) -> list[tuple]:
    """The persons' keys: a restore without them would read every name as erased."""
    conn = await asyncpg.connect(dsn)
    try:
        return [tuple(r) for r in await conn.fetch("SELECT subject_id, key FROM person_keys ORDER BY 1")]
    finally:
        await conn.close()


async def _after(dsn: str, last: int, with_roster: bool) -> dict:
    conn = await asyncpg.connect(dsn)
    try:
        found = {
            "events": await conn.fetchval("SELECT count(*) FROM events WHERE position <= $1", last),
            "ids": await conn.fetchval(
                "SELECT md5(string_agg(event_id::text, ',' ORDER BY position)) FROM events WHERE position <= $1", last
            ),
            "next_tx": await conn.fetchval("SELECT pg_current_xact_id()::text::bigint"),
        }
        if with_roster:
            found["people"] = [tuple(r) for r in await conn.fetch("SELECT * FROM rm_roster.people ORDER BY 1")]
        return found
    finally:
        await conn.close()


def test_a_backup_restores_into_a_fresh_platform_with_its_events_and_read_models(
    platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DATABASE_URL", *(f"{s.upper()}_DATABASE_URL" for s in available_services())):
        monkeypatch.delenv(name, raising=False)
    source = Target.resolve(platform.data_dir)
    before = {
        name: _on_own_thread(asyncio.run, _snapshot(source.dsn(name), name == "appraisal"))
        for name in available_services()
    }
    assert before["appraisal"]["events"] > 0 and before["appraisal"]["people"], "the demo platform holds no data"
    keys_before = _on_own_thread(asyncio.run, _keys(source.keys_dsn()))
    assert keys_before, "no person's key: the demo platform's names are not sealed"
    work = Path(tempfile.mkdtemp(prefix="grassroots-restore-"))
    os.chmod(work, 0o755)
    if not os.environ.get("XDG_RUNTIME_DIR"):  # the embedded server's socket folder; not left set after
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(work / "run"))
    fresh_pg: EmbeddedPostgres | None = None
    try:
        report = _on_own_thread(backup, platform.data_dir, work / "backup")
        assert {p.name for p in (work / "backup").iterdir()} >= {f"{s}.dump" for s in [*available_services(), "keys"]}
        assert all(report.events[s] >= before[s]["events"] for s in available_services())

        fresh = work / "fresh"
        counts = _on_own_thread(restore, work / "backup", fresh)
        assert all(counts[s] >= before[s]["events"] for s in available_services())
        if report.nats:
            assert (fresh / "nats" / "jetstream").is_dir()

        fresh_pg = EmbeddedPostgres(fresh / "postgres")
        admin = fresh_pg.start()
        for name in available_services():
            after = _on_own_thread(
                asyncio.run, _after(dsn_for(admin, f"grassroots_{name}"), before[name]["last"], name == "appraisal")
            )
            assert after["events"] == before[name]["events"], name
            assert after["ids"] == before[name]["ids"], name
            # New events must commit after the restored ones, or the relay would never read them.
            assert after["next_tx"] > before[name]["max_tx"], name
            if name == "appraisal":
                assert after["people"] == before[name]["people"]

        keys_after = _on_own_thread(asyncio.run, _keys(dsn_for(admin, "grassroots_keys")))
        assert set(keys_before) <= set(keys_after)  # every key taken before the backup, restored

        with pytest.raises(SystemExit, match="running"):
            _on_own_thread(restore, work / "backup", fresh)  # never over a running platform
    finally:
        if fresh_pg is not None:
            fresh_pg.stop()
        shutil.rmtree(work, ignore_errors=True)
