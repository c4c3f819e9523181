"""Bulletins (简报, 组工信息 第N期): numbered issues per year made of sections of written text or of
figure blocks filled from the read models (a table or a sentence with numbers), frozen at issue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import asyncpg
import orjson

from grassroots_common.db import snapshot
from grassroots_common.errors import NotFound
from reporting import figures, periods, queries
from reporting.figures import Scope

SERIES = "组工信息"


@dataclass(frozen=True, slots=True)
class FigureRequest:
    key: str
    period: str
    display: str  # table or sentence
    scope: Scope


@dataclass(frozen=True, slots=True)
class SectionRequest:
    heading: str
    text: str | None = None
    figure: FigureRequest | None = None


@dataclass(frozen=True, slots=True)
class BulletinRequest:
    title: str
    issuer: str
    issued_on: dt.date
    editor_note: str
    sections: list[SectionRequest]
    distribution: list[str]


_COLUMNS = (
    "id, year, issue, title, issuer, issued_on, editor_note, sections, distribution, positions, created_at, created_by"
)


def as_dict(row: asyncpg.Record) -> dict[str, Any]:
    out = dict(row)
    out["series"] = SERIES
    out["issue_label"] = f"{row['year']}年第{row['issue']}期"
    return out


async def create(pool: asyncpg.Pool, request: BulletinRequest, actor: str, now: dt.datetime) -> dict[str, Any]:
    sections = []
    involved: set[str] = set()
    for section in request.sections:
        if section.figure is None:
            sections.append({"heading": section.heading, "kind": "text", "text": section.text or ""})
            continue
        f = section.figure
        period = periods.parse(f.period)
        involved.update(figures.PROJECTIONS_OF[f.key])
        built = await figures.FIGURES[f.key](pool, period, f.scope, now)
        sections.append(
            {
                "heading": section.heading,
                "kind": "figure",
                "display": f.display,
                "period": period.code,
                "text": section.text or "",
                "figure": built.as_dict(),
            }
        )
    positions = await queries.positions(pool, involved)
    year = request.issued_on.year
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('reporting.bulletins:' || $1::int))", year)
        issue = await conn.fetchval("SELECT coalesce(max(issue), 0) + 1 FROM reporting.bulletins WHERE year = $1", year)
        row = await conn.fetchrow(
            f"""INSERT INTO reporting.bulletins (year, issue, title, issuer, issued_on, editor_note, sections,
                                                 distribution, positions, created_at, created_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8::text::jsonb, $9::text::jsonb, $10, $11)
                RETURNING {_COLUMNS}""",
            year,
            issue,
            request.title,
            request.issuer,
            request.issued_on,
            request.editor_note,
            orjson.dumps(sections).decode(),
            orjson.dumps(request.distribution).decode(),
            orjson.dumps(positions).decode(),
            now,
            actor,
        )
    return as_dict(row)


async def get(pool: asyncpg.Pool, bulletin_id: int) -> dict[str, Any]:
    row = await pool.fetchrow(f"SELECT {_COLUMNS} FROM reporting.bulletins WHERE id = $1", bulletin_id)
    if row is None:
        raise NotFound("bulletin_not_found", "找不到该期简报")
    return as_dict(row)


async def list_page(pool: asyncpg.Pool, year: int | None, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    async with snapshot(pool) as conn:
        rows = await conn.fetch(
            f"""SELECT {_COLUMNS} FROM reporting.bulletins WHERE $1::int IS NULL OR year = $1
                ORDER BY year DESC, issue DESC LIMIT $2 OFFSET $3""",
            year,
            limit,
            offset,
        )
        total = await conn.fetchval("SELECT count(*) FROM reporting.bulletins WHERE $1::int IS NULL OR year = $1", year)
    return [as_dict(r) for r in rows], total
