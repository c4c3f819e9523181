"""Read-model SQL for the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from grassroots_common.db import page
from grid.projections.hierarchy import SCHEMA as H
from grid.projections.reports import SCHEMA as R
from grid.projections.tickets import SCHEMA as T
from grid.projections.wishes import SCHEMA as W

OPEN_TICKET_STATES = ("dispatched", "accepted", "handled", "reported_back", "verified", "returned")
IN_DEPARTMENT_STATES = ("dispatched", "accepted", "handled")


class Where:
    """Builds a WHERE clause with numbered parameters."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.args: list[Any] = []

    def add(self, sql: str, *values: Any) -> Where:
        for value in values:
            self.args.append(value)
            sql = sql.replace("?", f"${len(self.args)}", 1)
        self.parts.append(sql)
        return self

    def eq(self, column: str, value: Any) -> Where:
        return self if value is None else self.add(f"{column} = ?", value)

    @property
    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.parts)}" if self.parts else ""

    def next(self) -> str:
        return f"${len(self.args) + 1}"


async def _page(
    pool: asyncpg.Pool, table: str, where: Where, order: str, limit: int, offset: int, columns: str = "*"
) -> tuple[list[dict[str, Any]], int]:
    select, count = f"SELECT {columns} FROM {table} {where.sql}", f"SELECT count(*) FROM {table} {where.sql}"
    return await page(pool, select, where.args, order, limit, offset, count=count)


# --- hierarchy ------------------------------------------------------------------------------


async def communities(pool: asyncpg.Pool, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    return await _page(
        pool,
        f"{H}.communities c",
        Where(),
        "c.name",
        limit,
        offset,
        f"""c.*, (SELECT count(*) FROM {H}.grids g WHERE g.community_id = c.community_id) AS grids,
            (SELECT count(*) FROM {H}.members m WHERE m.community_id = c.community_id) AS members""",
    )


async def community(pool: asyncpg.Pool, community_id: str) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"SELECT * FROM {H}.communities WHERE community_id = $1", community_id)
    return dict(row) if row else None


async def grids(pool: asyncpg.Pool, community_id: str) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"""SELECT g.*, count(m.person_id) AS members,
                   max(m.person_name) FILTER (WHERE m.role = 'grid_head') AS head_name
            FROM {H}.grids g LEFT JOIN {H}.members m ON m.grid_id = g.grid_id
            WHERE g.community_id = $1 GROUP BY g.grid_id ORDER BY g.name""",
        community_id,
    )
    return [dict(r) for r in rows]


async def members(
    pool: asyncpg.Pool, community_id: str, grid_id: str | None, role: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where = Where().eq("community_id", community_id).eq("grid_id", grid_id).eq("role", role)
    return await _page(pool, f"{H}.members", where, "grid_id NULLS FIRST, role, person_name", limit, offset)


async def departments(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    return [dict(r) for r in await pool.fetch(f"SELECT * FROM {H}.departments ORDER BY name")]


async def routing_rules(pool: asyncpg.Pool) -> list[dict[str, Any]]:
    return [dict(r) for r in await pool.fetch(f"SELECT * FROM {H}.routing_rules ORDER BY category")]


# --- reports --------------------------------------------------------------------------------


async def reports(
    pool: asyncpg.Pool,
    *,
    community_id: str | None,
    grid_id: str | None,
    state: str | None,
    dispatched: bool | None = None,
    co_reporter_id: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """``co_reporter_id`` with ``grid_id``: the grid's reports and those the person joined elsewhere."""
    where = Where().eq("community_id", community_id).eq("state", state)
    if grid_id is not None and co_reporter_id is not None:
        where.add("(grid_id = ? OR co_reporter_ids @> jsonb_build_array(?::text))", grid_id, co_reporter_id)
    else:
        where.eq("grid_id", grid_id)
    if dispatched is not None:
        where.add("ticket_id IS NOT NULL" if dispatched else "ticket_id IS NULL")
    return await _page(pool, f"{R}.reports", where, "filed_at DESC, report_id", limit, offset)


async def report(pool: asyncpg.Pool, report_id: str) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"SELECT * FROM {R}.reports WHERE report_id = $1", report_id)
    return dict(row) if row else None


EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = 111_195.0


async def twins(
    pool: asyncpg.Pool,
    *,
    community_id: str,
    category: str,
    latitude: float,
    longitude: float,
    radius_m: float,
    closed_within: dt.timedelta,
    now: dt.datetime,
    exclude: str | None = None,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """Reports of the category within ``radius_m`` (haversine) that are open, or were closed (in
    the grid, or their ticket) within ``closed_within`` of ``now``; merged duplicates are left out.
    Nearest first."""
    margin = radius_m / METRES_PER_DEGREE
    rows = await pool.fetch(
        f"""SELECT * FROM (
              SELECT r.report_id, r.grid_id, r.reporter_id, r.reporter_name, r.category, r.text, r.address,
                     r.state, r.filed_at, r.ticket_id, r.co_reporters, r.co_reporter_ids,
                     t.title AS ticket_title, t.state AS ticket_state,
                     CASE WHEN r.state = 'resolved' THEN r.settled_at
                          WHEN t.state = 'closed' THEN t.closed_at END AS closed_at,
                     2 * {EARTH_RADIUS_M} * asin(sqrt(
                         power(sin(radians(r.latitude - $3) / 2), 2)
                         + cos(radians($3)) * cos(radians(r.latitude))
                           * power(sin(radians(r.longitude - $4) / 2), 2))) AS distance_m
              FROM {R}.reports r LEFT JOIN {T}.tickets t ON t.ticket_id = r.ticket_id
              WHERE r.community_id = $1 AND r.category = $2 AND r.state <> 'merged'
                AND r.latitude BETWEEN $3 - $5 AND $3 + $5 AND r.longitude IS NOT NULL
                AND ($8::text IS NULL OR r.report_id <> $8)
            ) c
            WHERE c.distance_m <= $6 AND (c.closed_at IS NULL OR c.closed_at >= $7)
            ORDER BY c.distance_m, c.filed_at DESC LIMIT $9""",
        community_id,
        category,
        latitude,
        longitude,
        margin,
        radius_m,
        now - closed_within,
        exclude,
        limit,
    )
    return [dict(r) for r in rows]


# --- tickets --------------------------------------------------------------------------------


async def ticket(pool: asyncpg.Pool, ticket_id: str) -> dict[str, Any] | None:
    """One ticket, with the photos of the grid report it was dispatched from (none when direct)."""
    row = await pool.fetchrow(
        f"""SELECT t.*, coalesce(r.photo_upload_ids, '[]'::jsonb) AS report_photo_upload_ids,
                   r.reporter_name AS report_reporter_name,
                   coalesce(r.co_reporters, '[]'::jsonb) AS report_co_reporters,
                   coalesce(r.co_reporter_ids, '[]'::jsonb) AS report_co_reporter_ids
            FROM {T}.tickets t LEFT JOIN {R}.reports r ON r.report_id = t.report_id
            WHERE t.ticket_id = $1""",
        ticket_id,
    )
    return dict(row) if row else None


async def tickets(
    pool: asyncpg.Pool,
    *,
    community_id: str | None = None,
    department_id: str | None = None,
    grid_id: str | None = None,
    states: tuple[str, ...] | None = None,
    overdue: bool = False,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    where = Where().eq("community_id", community_id).eq("department_id", department_id).eq("grid_id", grid_id)
    if states:
        where.add("state = ANY(?::text[])", list(states))
    if overdue:
        where.add("(resolution_overdue OR acceptance_overdue)")
    return await _page(pool, f"{T}.tickets", where, "deadline, ticket_id", limit, offset)


async def state_counts(
    pool: asyncpg.Pool, *, community_id: str | None = None, department_id: str | None = None
) -> dict[str, int]:
    where = Where().eq("community_id", community_id).eq("department_id", department_id)
    rows = await pool.fetch(f"SELECT state, count(*) AS n FROM {T}.tickets {where.sql} GROUP BY state", *where.args)
    return {r["state"]: r["n"] for r in rows}


async def league(
    pool: asyncpg.Pool | asyncpg.Connection,
    *,
    community_id: str | None,
    since: dt.datetime,
    until: dt.datetime,
    now: dt.datetime,
    schema: str = T,
) -> list[dict[str, Any]]:
    """Per department, over the dispatch rounds of the period: response, on-time resolution and
    satisfaction rates, and mean hours to accept and to report back. Of the revisited rounds, the
    satisfied, partly solved and unsolved shares (the latter two reopened the ticket); a
    ``basically`` a read model kept from before the 部分解决 answer counts as satisfied, as its
    event now reads. ``schema``: another fold of the tickets projection (the table as it stood,
    ``as_of``; ``now`` is then that time)."""
    where = (
        Where().add("a.dispatched_at >= ?", since).add("a.dispatched_at < ?", until).eq("a.community_id", community_id)
    )
    now_param = where.next()
    rows = await pool.fetch(
        f"""SELECT a.department_id, coalesce(d.name, a.department_id) AS department_name,
                   count(*) AS assigned,
                   count(*) FILTER (WHERE a.returned_at IS NOT NULL) AS returned,
                   count(*) FILTER (WHERE a.responded_on_time) AS responded_on_time,
                   count(*) FILTER (WHERE a.responded_on_time IS NOT NULL OR a.accept_by < {now_param})
                       AS response_due,
                   count(*) FILTER (WHERE a.reported_at IS NOT NULL) AS resolved,
                   count(*) FILTER (WHERE a.reported_on_time) AS resolved_on_time,
                   count(*) FILTER (WHERE a.returned_at IS NULL
                                    AND (a.reported_at IS NOT NULL OR a.deadline < {now_param})) AS resolution_due,
                   count(*) FILTER (WHERE a.overdue) AS overdue,
                   count(a.satisfaction) AS revisited,
                   count(*) FILTER (WHERE a.satisfaction IN ('satisfied', 'basically')) AS satisfied,
                   count(*) FILTER (WHERE a.satisfaction = 'partly') AS partly,
                   count(*) FILTER (WHERE a.satisfaction = 'unsatisfied') AS unsolved,
                   avg(extract(epoch FROM a.accepted_at - a.dispatched_at)) / 3600 AS mean_hours_to_accept,
                   avg(extract(epoch FROM a.reported_at - a.dispatched_at)) / 3600 AS mean_hours_to_resolve
            FROM {schema}.assignments a LEFT JOIN {H}.departments d ON d.department_id = a.department_id
            {where.sql}
            GROUP BY a.department_id, d.name""",
        *where.args,
        now,
    )
    out = []
    for r in rows:
        row = dict(r)
        row["response_rate"] = _rate(row["responded_on_time"], row["response_due"])
        row["on_time_rate"] = _rate(row["resolved_on_time"], row["resolution_due"])
        row["satisfaction_rate"] = _rate(row["satisfied"], row["revisited"])
        row["partly_rate"] = _rate(row["partly"], row["revisited"])
        row["unsolved_rate"] = _rate(row["unsolved"], row["revisited"])
        out.append(row)
    out.sort(key=lambda r: (-(r["on_time_rate"] or 0), -(r["response_rate"] or 0), r["department_name"]))
    for rank, row in enumerate(out, start=1):
        row["rank"] = rank
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def grid_workload(pool: asyncpg.Pool, community_id: str, since: dt.datetime) -> list[dict[str, Any]]:
    rows = await pool.fetch(
        f"""WITH g AS (SELECT grid_id, name FROM {H}.grids WHERE community_id = $1),
             m AS (SELECT grid_id, count(*) AS members FROM {H}.members WHERE community_id = $1 GROUP BY grid_id),
             r AS (SELECT grid_id, count(*) AS reports,
                          count(*) FILTER (WHERE state = 'resolved') AS resolved_in_grid,
                          count(*) FILTER (WHERE state = 'escalated') AS escalated,
                          count(*) FILTER (WHERE state = 'filed') AS pending
                   FROM {R}.reports WHERE community_id = $1 AND filed_at >= $2 GROUP BY grid_id),
             t AS (SELECT grid_id,
                          count(*) FILTER (WHERE state <> 'closed') AS open_tickets,
                          count(*) FILTER (WHERE state = 'closed') AS closed_tickets,
                          count(*) FILTER (WHERE state <> 'closed' AND (resolution_overdue OR acceptance_overdue))
                              AS overdue_tickets
                   FROM {T}.tickets WHERE community_id = $1 AND created_at >= $2 GROUP BY grid_id)
            SELECT g.grid_id, g.name, coalesce(m.members, 0) AS members,
                   coalesce(r.reports, 0) AS reports, coalesce(r.resolved_in_grid, 0) AS resolved_in_grid,
                   coalesce(r.escalated, 0) AS escalated, coalesce(r.pending, 0) AS pending_reports,
                   coalesce(t.open_tickets, 0) AS open_tickets, coalesce(t.closed_tickets, 0) AS closed_tickets,
                   coalesce(t.overdue_tickets, 0) AS overdue_tickets
            FROM g LEFT JOIN m USING (grid_id) LEFT JOIN r USING (grid_id) LEFT JOIN t USING (grid_id)
            ORDER BY g.name""",
        community_id,
        since,
    )
    return [dict(r) for r in rows]


# --- micro-wishes ---------------------------------------------------------------------------


async def grid_community(pool: asyncpg.Pool, grid_id: str) -> str | None:
    """The community a grid belongs to (None for an unknown grid)."""
    return await pool.fetchval(f"SELECT community_id FROM {H}.grids WHERE grid_id = $1", grid_id)


async def wishes(
    pool: asyncpg.Pool,
    *,
    community_id: str | None,
    states: tuple[str, ...] | None,
    claimant_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    where = Where().eq("w.community_id", community_id).eq("w.claimant_id", claimant_id)
    if states:
        where.add("w.state = ANY(?::text[])", list(states))
    return await _page(pool, WISHES_NAMED, where, "w.collected_at DESC, w.wish_id", limit, offset, WISH_COLUMNS)


# A wish with the names of its grid and community, from the hierarchy read model.
WISHES_NAMED = f"""{W}.wishes w LEFT JOIN {H}.grids g ON g.grid_id = w.grid_id
    LEFT JOIN {H}.communities c ON c.community_id = w.community_id"""
WISH_COLUMNS = "w.*, g.name AS grid_name, c.name AS community_name"


async def wish(pool: asyncpg.Pool, wish_id: str) -> dict[str, Any] | None:
    row = await pool.fetchrow(f"SELECT {WISH_COLUMNS} FROM {WISHES_NAMED} WHERE w.wish_id = $1", wish_id)
    return dict(row) if row else None


async def wish_counts(pool: asyncpg.Pool, community_id: str | None) -> dict[str, int]:
    where = Where().eq("community_id", community_id)
    rows = await pool.fetch(f"SELECT state, count(*) AS n FROM {W}.wishes {where.sql} GROUP BY state", *where.args)
    return {r["state"]: r["n"] for r in rows}


async def resources(
    pool: asyncpg.Pool, *, community_id: str | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where = Where().eq("r.community_id", community_id)
    return await _page(
        pool,
        f"{W}.resources r",
        where,
        "r.offered_at DESC, r.resource_id",
        limit,
        offset,
        f"""r.*, (SELECT count(*) FROM {W}.wishes w WHERE w.resource_id = r.resource_id
                  AND w.state IN ('claimed', 'fulfilled', 'revisited')) AS matched""",
    )
