"""Read-model SQL for the reporting API."""

from __future__ import annotations

import asyncpg


async def submissions_by_unit(pool: asyncpg.Pool, week: str, unit: str | None) -> list[asyncpg.Record]:
    return await pool.fetch(
        """SELECT unit_id, count(*) AS submitted, count(*) FILTER (WHERE late) AS late,
                  count(*) FILTER (WHERE revisions > 1) AS revised
           FROM rpt_submissions.weekly_submissions
           WHERE week = $1 AND ($2::text IS NULL OR unit_id = $2)
           GROUP BY unit_id ORDER BY unit_id""",
        week,
        unit,
    )
