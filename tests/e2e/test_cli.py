"""The operator CLI against a running platform: streams, events, projections, replay, dead letters, token."""

from __future__ import annotations

import asyncio
import os

import jwt
import pytest
from typer.testing import CliRunner

from appraisal.main import create_app as appraisal_app
from grassroots_cli.main import app as cli
from grassroots_cli.platform import Platform
from grassroots_common.clock import OFFSET_ENV, ClockRefused
from reporting.main import create_app as reporting_app

pytestmark = pytest.mark.slow


async def test_operator_commands_on_a_running_platform(
    servers, new_database, make_settings, serve, auth, wait_until, clock, prefix, tmp_path
) -> None:
    dsns = {name: await new_database() for name in ("appraisal", "grid", "village", "reporting")}
    a_app = appraisal_app(make_settings("appraisal", dsns["appraisal"]))
    r_app = reporting_app(make_settings("reporting", dsns["reporting"]))
    env = {
        "NATS_URL": str(servers["nats_url"]),
        "DATABASE_URL": str(servers["database_url"]),
        "NATS_PREFIX": prefix,
        "COLUMNS": "250",
        **{f"{name.upper()}_DATABASE_URL": dsn for name, dsn in dsns.items()},
    }
    runner = CliRunner()

    async def run(*args: str) -> str:
        result = await asyncio.to_thread(
            runner.invoke, cli, [*args, "--data-dir", str(tmp_path)], env=env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return result.output

    # Grid and village databases exist but hold no schema: migrate them as their services would.
    from grassroots_common.db import create_pool
    from grassroots_common.migrations import migrate

    for name in ("grid", "village"):
        pool = await create_pool(dsns[name])
        async with pool.acquire() as conn:
            await migrate(conn, name)
        await pool.close()

    async with serve(a_app) as appraisal, serve(r_app) as reporting:
        a_app.state.runtime.clock = clock
        staff = auth("p1", "staff", name="张三", unit="u1")
        body = {"week": "2026-W47", "items": [{"text": "整理党建台账", "indicators": []}]}
        assert (await appraisal.post("/api/v1/logs", json=body, headers=staff)).status_code == 200
        district = auth("d1", "district_admin")

        async def reported() -> bool:
            r = await reporting.get("/api/v1/submissions?week=2026-W47", headers=district)
            return bool(r.json()["units"])

        await wait_until(reported)

        streams = await run("streams")
        assert f"{prefix.upper()}_APPRAISAL" in streams
        # Which process holds each leader lock: here the appraisal app's relay, as host:pid.
        locks = await run("locks")
        relay_lock = next(line for line in locks.splitlines() if f"relay:{prefix.upper()}_APPRAISAL" in line)
        assert f":{os.getpid()}" in relay_lock
        tail = await run("events", "tail", "appraisal", "-n", "5")
        assert "LogSubmitted" in tail
        # The names open with the persons' keys; a sealed value would print as its person's id.
        assert "\x1e" not in tail and "\x1c" not in tail
        show = await run("events", "show", "appraisal", "log-p1-2026-W47")
        assert "LogSubmitted" in show and "\x1e" not in show
        projections = await run("projections")
        assert "submissions" in projections and "running" in projections
        replayed = await run("replay", "reporting.submissions")
        assert "Rebuilt reporting.submissions" in replayed
        r = await reporting.get("/api/v1/submissions?week=2026-W47", headers=district)
        assert r.json()["units"][0]["submitted"] == 1
        assert "projection" in await run("dead-letters", "list")

    token = (await run("token", "p9", "--role", "staff", "--scope", "unit=u9")).strip()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["roles"] == ["staff"] and claims["scopes"] == {"unit": "u9"}


def test_the_platform_refuses_a_moved_clock_without_demo_mode(tmp_path, monkeypatch) -> None:
    """Refused before anything starts (no server, no data folder): a deploy never runs on it."""
    data = tmp_path / "data"
    with pytest.raises(ClockRefused, match="SEED_DEMO"):
        Platform(data_dir=data, seed_demo=False, clock_offset="+30d").start()
    monkeypatch.setenv(OFFSET_ENV, "+30d")
    with pytest.raises(ClockRefused):
        Platform(data_dir=data, seed_demo=False).start()
    assert not data.exists()
