"""Notices (通报): weekly, monthly and quarterly, numbered per year, their figures frozen when issued.

A notice is generated once per kind and period (on demand or by the scheduler); its number is
taken under a per-year lock, so two generators never share one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import orjson

from grassroots_common.db import snapshot
from grassroots_common.errors import Conflict, Invalid, NotFound
from reporting import figures
from reporting.figures import Scope
from reporting.periods import KIND_OF, Period

ISSUER = "中共凤翔区委组织部"
NOTICE_KINDS = {"weekly": "周通报", "monthly": "月通报", "quarterly": "季度通报"}
SECTIONS = {
    "weekly": ["log_submission", "ticket_departments", "projects_behind"],
    "monthly": [
        "log_submission",
        "summary_submission",
        "review_progress",
        "ticket_departments",
        "grid_overview",
        "project_ranking",
        "projects_behind",
    ],
    "quarterly": [
        "log_submission",
        "summary_submission",
        "review_progress",
        "result_use_by_kind",
        "result_use_by_unit",
        "ticket_departments",
        "grid_overview",
        "project_ranking",
        "projects_behind",
        "funds_by_source",
    ],
}
_COLUMNS = "id, kind, period, year, number, title, summary, sections, positions, generated_at, generated_by"


def code(year: int, number: int) -> str:
    return f"凤组通〔{year}〕{number}号"


def as_dict(row: asyncpg.Record) -> dict[str, Any]:
    out = dict(row)
    out["code"] = code(row["year"], row["number"])
    out["kind_name"] = NOTICE_KINDS[row["kind"]]
    out["issuer"] = ISSUER
    return out


async def generate(
    pool: asyncpg.Pool, kind: str, period: Period, actor: str, now: dt.datetime, *, if_missing: bool = False
) -> dict[str, Any] | None:
    """Generate and store the notice of ``kind`` for ``period``; ``if_missing`` answers None when it
    exists instead of refusing (the scheduler's way)."""
    if KIND_OF.get(period.grain) != kind:
        raise Invalid("period_kind_mismatch", f"{NOTICE_KINDS[kind]}的期间应为对应的周、月或季度", field="period")
    existing = await pool.fetchval(
        "SELECT id FROM reporting.notices WHERE kind = $1 AND period = $2", kind, period.code
    )
    if existing is not None:
        if if_missing:
            return None
        raise Conflict(
            "notice_exists", f"{period.label}的{NOTICE_KINDS[kind]}已生成（编号 {existing}）", notice_id=existing
        )
    built, positions = await figures.build(pool, SECTIONS[kind], period, Scope(), now)
    title = f"关于{period.label}平时考核和基层治理工作情况的{NOTICE_KINDS[kind]}"
    summary = "".join(f.sentence for f in built)
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('reporting.notices:' || $1::int))", period.year)
        number = await conn.fetchval(
            "SELECT coalesce(max(number), 0) + 1 FROM reporting.notices WHERE year = $1", period.year
        )
        row = await conn.fetchrow(
            f"""INSERT INTO reporting.notices (kind, period, year, number, title, summary, sections, positions,
                                               generated_at, generated_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb, $9, $10)
                ON CONFLICT (kind, period) DO NOTHING RETURNING {_COLUMNS}""",
            kind,
            period.code,
            period.year,
            number,
            title,
            summary,
            orjson.dumps([f.as_dict() for f in built]).decode(),
            orjson.dumps(positions).decode(),
            now,
            actor,
        )
    if row is None:
        if if_missing:
            return None
        raise Conflict("notice_exists", f"{period.label}的{NOTICE_KINDS[kind]}已生成")
    return as_dict(row)


async def get(pool: asyncpg.Pool, notice_id: int) -> dict[str, Any]:
    row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM reporting.notices WHERE id = $1", notice_id)
    if row is None:
        raise NotFound("notice_not_found", "找不到该通报")
    return as_dict(row)


async def list_page(
    pool: asyncpg.Pool, kind: str | None, year: int | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    async with snapshot(pool) as conn:
        rows = await conn.fetch(
            f"""SELECT {_COLUMNS} FROM reporting.notices
                WHERE ($1::text IS NULL OR kind = $1) AND ($2::int IS NULL OR year = $2)
                ORDER BY year DESC, number DESC LIMIT $3 OFFSET $4""",
            kind,
            year,
            limit,
            offset,
        )
        total = await conn.fetchval(
            "SELECT count(*) FROM reporting.notices WHERE ($1::text IS NULL OR kind = $1) AND ($2::int IS NULL OR year = $2)",
            kind,
            year,
        )
    return [as_dict(r) for r in rows], total
