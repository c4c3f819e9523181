"""Read-model SQL for the API."""

from __future__ import annotations

import asyncpg


async def list_logs(
    pool: asyncpg.Pool, *, person: str | None, unit: str | None, week: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    where, args = [], []
    for column, value in (("person_id", person), ("unit_id", unit), ("week", week)):
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = await pool.fetchval(f"SELECT count(*) FROM rm_logs.weekly_logs {clause}", *args)
    rows = await pool.fetch(
        f"""SELECT * FROM rm_logs.weekly_logs {clause}
            ORDER BY week DESC, person_id LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}""",
        *args,
        limit,
        offset,
    )
    return rows, total
