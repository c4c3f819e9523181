"""Read-model SQL for the reporting API: figures over the projections' tables, archives, and the
positions an answer reflects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

import asyncpg

from grassroots_common.projections.read_after import read_position
from reporting.periods import Span


class Reads(Protocol):
    """What the figures' queries read through: a pool, a connection, or past folds
    (``reporting.past.PastReader``)."""

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]: ...

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None: ...

    async def fetchval(self, query: str, *args: Any) -> Any: ...


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


async def positions(pool: asyncpg.Pool, projections: Iterable[str]) -> dict[str, dict[str, dict[str, int | str]]]:
    """Per projection an answer reads, the sequence of each source stream it has applied. A
    projection reads only the event types it knows, so its checkpoint is the last of those: the
    positions are stated per projection, never merged across projections."""
    return {name: await read_position(pool, name) for name in sorted(set(projections))}


async def log_submission(pool: Reads, weeks: list[Span], unit: str | None) -> list[asyncpg.Record]:
    return await _submissions(pool, "weekly_submissions", "week", weeks, unit)


async def summary_submission(pool: Reads, months: list[Span], unit: str | None) -> list[asyncpg.Record]:
    return await _submissions(pool, "monthly_submissions", "month", months, unit)


async def _submissions(
    pool: Reads, table: str, column: str, periods: list[Span], unit: str | None
) -> list[asyncpg.Record]:
    """Per unit: what was due in ``periods`` (weeks or months that have fallen due) — one per person
    and period while the person was on the roster, from enrolment to leaving — and what came in."""
    return await pool.fetch(
        f"""WITH due_periods AS (
               SELECT * FROM unnest($1::text[], $2::date[], $3::date[]) AS d(code, starts, ends)),
           roster AS (
               SELECT p.unit_id, count(*) FILTER (WHERE p.active) AS people, count(d.code) AS due
               FROM rpt_appraisal.people p
               LEFT JOIN due_periods d ON (p.enrolled_on IS NULL OR d.ends > p.enrolled_on)
                                      AND (p.left_on IS NULL OR d.starts <= p.left_on)
               GROUP BY p.unit_id),
           subs AS (
               SELECT unit_id, count(*) AS submitted, count(*) FILTER (WHERE late) AS late,
                      count(DISTINCT person_id) AS writers
               FROM rpt_submissions.{table} WHERE {column} = ANY($1::text[]) GROUP BY unit_id)
           SELECT u.unit_id, coalesce(n.name, u.unit_id) AS unit_name, coalesce(r.people, 0) AS people,
                  coalesce(r.due, 0) AS due, coalesce(s.submitted, 0) AS submitted, coalesce(s.late, 0) AS late,
                  coalesce(s.writers, 0) AS writers
           FROM (SELECT unit_id FROM roster UNION SELECT unit_id FROM subs) u
           LEFT JOIN roster r USING (unit_id) LEFT JOIN subs s USING (unit_id)
           LEFT JOIN rpt_appraisal.units n USING (unit_id)
           WHERE $4::text IS NULL OR u.unit_id = $4
           ORDER BY u.unit_id""",
        [p.code for p in periods],
        [p.start for p in periods],
        [p.end for p in periods],
        unit,
    )


async def review_progress(pool: Reads, quarter: str, unit: str | None) -> list[asyncpg.Record]:
    return await pool.fetch(
        """WITH pq AS (
               SELECT unit_id, count(*) AS people,
                      count(*) FILTER (WHERE self_assessed) AS self_assessed,
                      count(*) FILTER (WHERE section_chief IS NOT NULL) AS section_chief,
                      count(*) FILTER (WHERE deputy_leader IS NOT NULL) AS deputy_leader,
                      count(*) FILTER (WHERE principal_leader IS NOT NULL) AS principal_leader,
                      count(*) FILTER (WHERE grade = '好') AS good,
                      count(*) FILTER (WHERE appeal_open) AS appeals_open,
                      sum(adjustments) AS adjustments
               FROM rpt_appraisal.person_quarters WHERE quarter = $1 GROUP BY unit_id)
           SELECT pq.unit_id, coalesce(n.name, pq.unit_id) AS unit_name,
                  greatest(coalesce(uq.participants, 0), pq.people) AS participants, pq.self_assessed,
                  pq.section_chief, pq.deputy_leader, pq.principal_leader, pq.good, uq.good_cap,
                  pq.appeals_open, pq.adjustments, uq.published_at, uq.finalized_at
           FROM pq LEFT JOIN rpt_appraisal.unit_quarters uq ON uq.unit_id = pq.unit_id AND uq.quarter = $1
           LEFT JOIN rpt_appraisal.units n ON n.unit_id = pq.unit_id
           WHERE $2::text IS NULL OR pq.unit_id = $2
           ORDER BY pq.unit_id""",
        quarter,
        unit,
    )


async def result_uses(pool: Reads, start: dt.date, end: dt.date, unit: str | None) -> list[asyncpg.Record]:
    return await pool.fetch(
        """SELECT r.unit_id, coalesce(n.name, r.unit_id) AS unit_name, r.kind, r.positive, sum(r.uses) AS uses
           FROM rpt_appraisal.result_uses r LEFT JOIN rpt_appraisal.units n USING (unit_id)
           WHERE r.decided_on >= $1 AND r.decided_on < $2 AND ($3::text IS NULL OR r.unit_id = $3)
           GROUP BY r.unit_id, n.name, r.kind, r.positive ORDER BY r.unit_id, r.kind""",
        start,
        end,
        unit,
    )


async def ticket_departments(
    pool: Reads, start: dt.datetime, end: dt.datetime, community: str | None, now: dt.datetime
) -> list[asyncpg.Record]:
    return await pool.fetch(
        """SELECT t.department_id, coalesce(n.name, t.department_id) AS department_name,
                  count(*) AS dispatched,
                  count(*) FILTER (WHERE accepted_at IS NOT NULL) AS accepted,
                  count(*) FILTER (WHERE accepted_on_time) AS accepted_on_time,
                  count(*) FILTER (WHERE reported_at IS NOT NULL) AS reported,
                  count(*) FILTER (WHERE reported_on_time) AS reported_on_time,
                  count(*) FILTER (WHERE status = 'closed') AS closed,
                  count(*) FILTER (WHERE satisfaction IS NOT NULL) AS revisited,
                  count(*) FILTER (WHERE satisfaction IN ('satisfied', 'basically')) AS satisfied,
                  count(*) FILTER (WHERE satisfaction = 'partly') AS partly,
                  count(*) FILTER (WHERE satisfaction = 'unsatisfied') AS unsolved,
                  count(*) FILTER (WHERE reported_at IS NULL AND deadline < $4) AS overdue_open,
                  sum(returns) AS returns, sum(escalations) AS escalations
           FROM rpt_tickets.tickets t
           LEFT JOIN rpt_tickets.names n ON n.kind = 'department' AND n.id = t.department_id
           WHERE t.dispatched_at >= $1 AND t.dispatched_at < $2 AND ($3::text IS NULL OR t.community_id = $3)
           GROUP BY t.department_id, n.name ORDER BY t.department_id""",
        start,
        end,
        community,
        now,
    )


async def grid_overview(
    pool: Reads, start: dt.datetime, end: dt.datetime, community: str | None
) -> list[asyncpg.Record]:
    return await pool.fetch(
        """WITH r AS (
               SELECT community_id, count(*) AS reports, count(*) FILTER (WHERE resolved_in_grid) AS in_grid,
                      count(*) FILTER (WHERE escalated) AS escalated
               FROM rpt_tickets.reports WHERE filed_at >= $1 AND filed_at < $2 GROUP BY community_id),
           w AS (
               SELECT community_id, count(*) AS wishes, count(*) FILTER (WHERE status = 'fulfilled') AS fulfilled
               FROM rpt_tickets.wishes WHERE collected_at >= $1 AND collected_at < $2 GROUP BY community_id)
           SELECT c.community_id, coalesce(n.name, c.community_id) AS community_name,
                  coalesce(r.reports, 0) AS reports, coalesce(r.in_grid, 0) AS in_grid,
                  coalesce(r.escalated, 0) AS escalated, coalesce(w.wishes, 0) AS wishes,
                  coalesce(w.fulfilled, 0) AS fulfilled
           FROM (SELECT community_id FROM r UNION SELECT community_id FROM w) c
           LEFT JOIN r USING (community_id) LEFT JOIN w USING (community_id)
           LEFT JOIN rpt_tickets.names n ON n.kind = 'community' AND n.id = c.community_id
           WHERE $3::text IS NULL OR c.community_id = $3
           ORDER BY c.community_id""",
        start,
        end,
        community,
    )


# As the village service reckons it (its dashboards and these figures give one number): the
# progress the time elapsed by $2 calls for, linear from start to due date, 0..100; behind
# schedule is past the due date and not complete, or more than $3 points short of that.
_EXPECTED = """CASE WHEN p.starts_on IS NULL OR p.due_on IS NULL THEN NULL
                  ELSE LEAST(100, GREATEST(0, (($2::date - p.starts_on) * 100) / GREATEST(p.due_on - p.starts_on, 1)))
             END"""
_BEHIND = f"((p.progress < 100 AND $2::date > p.due_on) OR p.progress < {_EXPECTED} - $3)"


async def behind_schedule_margin(pool: Reads, default: int) -> int:
    """The district's margin for "behind schedule" (``default`` until it has set one)."""
    margin = await pool.fetchval("SELECT behind_schedule_margin_pct FROM rpt_villages.policy WHERE policy = 'district'")
    return default if margin is None else margin


async def projects(
    pool: Reads, town: str | None, as_of: dt.date, margin: int, *, behind_only: bool, limit: int
) -> list[asyncpg.Record]:
    """The year's projects by progress (or, behind schedule only, by how far behind), with the
    progress the time elapsed by ``as_of`` calls for."""
    order = "(e.expected - e.progress) DESC, e.project_id" if behind_only else "e.progress DESC, e.project_id"
    return await pool.fetch(
        f"""WITH e AS (
                SELECT p.*, {_EXPECTED} AS expected, {_BEHIND} AS behind FROM rpt_villages.projects p
                WHERE p.name IS NOT NULL AND ($1::text IS NULL OR p.town_id = $1)
                  AND p.year = extract(year FROM $2::date))
            SELECT e.project_id, e.name, e.model, coalesce(v.name, e.village_id) AS village_name,
                   coalesce(t.name, e.town_id) AS town_name, e.due_on, e.progress, e.expected,
                   e.budget_fen, e.funded_fen, rank() OVER (ORDER BY e.progress DESC) AS rank
            FROM e LEFT JOIN rpt_villages.villages v USING (village_id)
            LEFT JOIN rpt_villages.towns t ON t.town_id = e.town_id
            WHERE NOT $4 OR e.behind
            ORDER BY {order} LIMIT $5""",
        town,
        as_of,
        margin,
        behind_only,
        limit,
    )


async def project_counts(pool: Reads, town: str | None, as_of: dt.date, margin: int) -> asyncpg.Record:
    """The year's projects (the year of ``as_of``) and how many are behind schedule on that day."""
    return await pool.fetchrow(
        f"""SELECT count(*) AS total, count(*) FILTER (WHERE {_BEHIND}) AS behind
            FROM rpt_villages.projects p
            WHERE p.name IS NOT NULL AND ($1::text IS NULL OR p.town_id = $1)
              AND p.year = extract(year FROM $2::date)""",
        town,
        as_of,
        margin,
    )


async def funds_by_source(pool: Reads, start: dt.date, end: dt.date, town: str | None) -> list[asyncpg.Record]:
    return await pool.fetch(
        """SELECT source, sum(amount_fen)::bigint AS amount_fen, sum(grants)::bigint AS grants,
                  count(DISTINCT project_id) AS projects
           FROM rpt_villages.funds
           WHERE received_on >= $1 AND received_on < $2 AND ($3::text IS NULL OR town_id = $3)
           GROUP BY source ORDER BY sum(amount_fen) DESC""",
        start,
        end,
        town,
    )


async def archive_entries(
    pool: asyncpg.Pool, kind: str, subject: str, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    rows = await pool.fetch(
        """SELECT at, source, type, title, detail FROM rpt_archives.entries
           WHERE subject_kind = $1 AND subject_id = $2 ORDER BY at, source, sequence LIMIT $3 OFFSET $4""",
        kind,
        subject,
        limit,
        offset,
    )
    total = await pool.fetchval(
        "SELECT count(*) FROM rpt_archives.entries WHERE subject_kind = $1 AND subject_id = $2", kind, subject
    )
    return rows, total


async def person(pool: asyncpg.Pool, person_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow(
        """SELECT p.person_id, p.name, p.unit_id, coalesce(u.name, p.unit_id) AS unit_name, p.section_id, p.active
           FROM rpt_appraisal.people p LEFT JOIN rpt_appraisal.units u USING (unit_id) WHERE p.person_id = $1""",
        person_id,
    )


async def find_people(
    pool: asyncpg.Pool, *, name: str | None, unit: str | None, unit_id: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    """People whose name contains ``name`` and whose unit is ``unit`` (its id, or part of its name);
    ``unit_id`` narrows to one unit (a unit administrator's own)."""
    where = """($1::text IS NULL OR p.name ILIKE '%' || $1 || '%')
               AND ($2::text IS NULL OR p.unit_id = $4 OR u.name ILIKE '%' || $2 || '%')
               AND ($3::text IS NULL OR p.unit_id = $3)"""
    source = "rpt_appraisal.people p LEFT JOIN rpt_appraisal.units u USING (unit_id)"
    args = (_like(name), _like(unit), unit_id, unit.strip() if unit else None)
    rows = await pool.fetch(
        f"""SELECT p.person_id, p.name, p.unit_id, coalesce(u.name, p.unit_id) AS unit_name, p.active
            FROM {source} WHERE {where} ORDER BY p.active DESC, p.name, p.person_id LIMIT $5 OFFSET $6""",
        *args,
        limit,
        offset,
    )
    total = await pool.fetchval(f"SELECT count(*) FROM {source} WHERE {where}", *args)
    return rows, total


def _like(term: str | None) -> str | None:
    """A search term with LIKE's wildcards taken literally."""
    if term is None or not term.strip():
        return None
    return term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def person_quarters(pool: asyncpg.Pool, person_id: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        """SELECT quarter, unit_id, grade, section_chief, deputy_leader, principal_leader, adjustments, appeals,
                  published, finalized
           FROM rpt_appraisal.person_quarters WHERE person_id = $1 ORDER BY quarter""",
        person_id,
    )


async def annual_grades(pool: asyncpg.Pool, person_id: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT year, unit_id, grade FROM rpt_appraisal.annual_grades WHERE person_id = $1 ORDER BY year", person_id
    )


async def village(pool: asyncpg.Pool, village_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow(
        """SELECT v.village_id, v.name, v.town_id, coalesce(t.name, v.town_id) AS town_name, v.level, v.weak_year,
                  v.rectified
           FROM rpt_villages.villages v LEFT JOIN rpt_villages.towns t USING (town_id) WHERE v.village_id = $1""",
        village_id,
    )


async def village_incomes(pool: asyncpg.Pool, village_id: str) -> list[asyncpg.Record]:
    return await pool.fetch(
        "SELECT year, income_fen, bonus_fen FROM rpt_villages.incomes WHERE village_id = $1 ORDER BY year",
        village_id,
    )


async def ticket(pool: asyncpg.Pool, ticket_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow("SELECT * FROM rpt_tickets.tickets WHERE ticket_id = $1", ticket_id)


async def has_data(pool: asyncpg.Pool) -> bool:
    """Whether any read model holds something a notice could report."""
    return bool(
        await pool.fetchval(
            """SELECT EXISTS (SELECT 1 FROM rpt_submissions.weekly_submissions)
                   OR EXISTS (SELECT 1 FROM rpt_appraisal.person_quarters)
                   OR EXISTS (SELECT 1 FROM rpt_tickets.tickets)
                   OR EXISTS (SELECT 1 FROM rpt_villages.projects)"""
        )
    )
