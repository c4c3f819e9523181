"""``grassroots events unloadable``: per service database, the streams whose events fail to load."""

from __future__ import annotations

import asyncio
import json
import uuid

from typer.testing import CliRunner

from grassroots_cli.main import app as cli
from grassroots_common.db import create_pool
from grassroots_common.migrations import migrate


async def test_the_cli_lists_the_streams_whose_events_fail_to_load(servers, new_database, tmp_path) -> None:
    dsns = {name: await new_database() for name in ("appraisal", "grid", "village")}
    for dsn in dsns.values():
        pool = await create_pool(dsn)
        async with pool.acquire() as conn:
            await migrate(conn)
        await pool.close()
    env = {
        "DATABASE_URL": str(servers["database_url"]),
        "COLUMNS": "250",
        **{f"{name.upper()}_DATABASE_URL": dsn for name, dsn in dsns.items()},
    }

    def run(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, ["events", "unloadable", *args, "--data-dir", str(tmp_path)], env=env)
        return result.exit_code, result.output

    code, output = await asyncio.to_thread(run)
    assert code == 0 and "Every event of every stream loads" in output

    pool = await create_pool(dsns["grid"])
    ticket = {
        "ticket_id": "tkt_1",
        "community_id": "com_1",
        "department_id": "dep_1",
        "closed_at": "2026-11-20T09:00:00Z",
    }
    for stream, version, data in (
        ("ticket-tkt_1", 1, ticket),
        ("ticket-tkt_2", 1, ticket | {"ticket_id": "t" * 500}),  # longer than any id: does not load
        ("ticket-tkt_2", 2, ticket | {"closed_at": "not a time"}),
    ):
        await pool.execute(
            """INSERT INTO events (event_id, stream_id, stream_type, version, type, schema_version, data, metadata, occurred_at)
               VALUES ($1, $2, 'ticket', $3, 'TicketClosed', 1, $4::text::jsonb, '{}'::jsonb, now())""",
            uuid.uuid4(),
            stream,
            version,
            json.dumps(data),
        )
    await pool.close()

    code, output = await asyncio.to_thread(run)
    assert code == 1, output
    assert "ticket-tkt_2" in output and "ticket-tkt_1" not in output
    assert "TicketClosed" in output and "ticket_id" in output and "1 stream(s)" in output
    code, output = await asyncio.to_thread(run, "village")
    assert code == 0, output
