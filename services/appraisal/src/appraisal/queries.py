"""Read-model SQL for the API."""

from __future__ import annotations

import asyncpg

from appraisal.authz import RecordsScope
from appraisal.projections.logs import LOG_COLUMNS, SUMMARY_COLUMNS
from grassroots_common.contracts.appraisal import ReviewingChain
from grassroots_common.db import page


def _where(filters: tuple[tuple[str, object], ...], args: list) -> str:
    where = []
    for column, value in filters:
        if value is not None:
            args.append(value)
            where.append(f"{column} = ${len(args)}")
    return f"WHERE {' AND '.join(where)}" if where else ""


async def _page(pool: asyncpg.Pool, sql: str, order: str, args: list, limit: int, offset: int) -> tuple[list, int]:
    return await page(pool, sql, args, order, limit, offset)


# --- logs and summaries ------------------------------------------------------------------------


def _in_chain(column: str, reviewer: str | None, args: list) -> str:
    """A condition: ``column`` is the reviewer or someone whose reviewing chain holds them."""
    if reviewer is None:
        return ""
    args.append(reviewer)
    n = len(args)
    return f"""({column} = ${n} OR {column} IN (SELECT person_id FROM rm_roster.people
               WHERE section_chief_id = ${n} OR deputy_leader_id = ${n} OR principal_leader_id = ${n}))"""


def _and(clause: str, condition: str) -> str:
    if not condition:
        return clause
    return f"{clause} AND {condition}" if clause else f"WHERE {condition}"


# The person's name as the roster holds it: a token's name may be missing or just the id.
_LOG_SELECT = ", ".join(f"l.{c}" for c in LOG_COLUMNS if c not in ("person_name", "comments"))
# Each comment's reviewer as the roster names them now (a renamed reviewer shows the new name);
# a reviewer the roster does not hold is named by their link in the writer's reviewing chain.
_COMMENTS = """(SELECT coalesce(jsonb_agg(c.comment || jsonb_build_object('reviewer_name', coalesce(
                       r.person_name,
                       CASE c.comment->>'reviewer_id' WHEN p.section_chief_id THEN '股组长'
                            WHEN p.deputy_leader_id THEN '分管领导' WHEN p.principal_leader_id THEN '主要领导'
                            ELSE '审核领导' END)) ORDER BY c.n), '[]'::jsonb)
                FROM jsonb_array_elements(l.comments) WITH ORDINALITY AS c(comment, n)
                LEFT JOIN rm_roster.people r ON r.person_id = c.comment->>'reviewer_id') AS comments"""
_SUMMARY_SELECT = ", ".join(f"m.{c}" for c in SUMMARY_COLUMNS if c != "person_name")


async def list_logs(
    pool: asyncpg.Pool, scope: RecordsScope, *, week: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    args: list = []
    clause = _where((("l.person_id", scope.person), ("l.unit_id", scope.unit), ("l.week", week)), args)
    clause = _and(clause, _in_chain("l.person_id", scope.reviewer, args))
    sql = f"""SELECT {_LOG_SELECT}, coalesce(p.person_name, l.person_name) AS person_name, {_COMMENTS}
              FROM rm_logs.weekly_logs l LEFT JOIN rm_roster.people p ON p.person_id = l.person_id {clause}"""
    return await _page(pool, sql, "week DESC, person_id", args, limit, offset)


async def log_status(
    pool: asyncpg.Pool,
    *,
    unit: str,
    week: str,
    only: str | None,
    reviewer: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int, asyncpg.Record]:
    """Every active person of the unit (of ``reviewer``'s chain, for a leader) with their log for
    the week: missing, late or on time."""
    args: list = [unit, week]
    chain = _and("WHERE p.unit_id = $1 AND p.active", _in_chain("p.person_id", reviewer, args))
    base = f"""SELECT p.person_id, p.person_name, p.section_id,
                     CASE WHEN l.person_id IS NULL THEN 'missing' WHEN l.late THEN 'late' ELSE 'on_time' END AS state,
                     l.first_submitted_at, l.deadline, coalesce(l.status, 'missing') AS log_status,
                     r.reminded_at, coalesce(r.times, 0) AS reminders
              FROM rm_roster.people p
              LEFT JOIN rm_logs.weekly_logs l ON l.person_id = p.person_id AND l.week = $2
              LEFT JOIN rm_logs.log_reminders r ON r.person_id = p.person_id AND r.week = $2
              {chain}"""
    counts = await pool.fetchrow(
        f"""SELECT count(*) AS people, count(*) FILTER (WHERE state = 'missing') AS missing,
                   count(*) FILTER (WHERE state = 'late') AS late, count(*) FILTER (WHERE state = 'on_time') AS on_time
            FROM ({base}) AS s""",
        *args,
    )
    sql = f"SELECT * FROM ({base}) AS s"
    if only:
        args.append(only)
        sql += f" WHERE state = ${len(args)}"
    rows, total = await _page(pool, sql, "state, person_id", args, limit, offset)
    return rows, total, counts


async def list_summaries(
    pool: asyncpg.Pool, scope: RecordsScope, *, month: str | None, limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    args: list = []
    clause = _where((("m.person_id", scope.person), ("m.unit_id", scope.unit), ("m.month", month)), args)
    clause = _and(clause, _in_chain("m.person_id", scope.reviewer, args))
    sql = f"""SELECT {_SUMMARY_SELECT}, coalesce(p.person_name, m.person_name) AS person_name
              FROM rm_logs.monthly_summaries m LEFT JOIN rm_roster.people p ON p.person_id = m.person_id {clause}"""
    return await _page(pool, sql, "month DESC, person_id", args, limit, offset)


async def summary_submitted(pool: asyncpg.Pool, *, person: str, month: str) -> bool:
    return bool(
        await pool.fetchval(
            "SELECT 1 FROM rm_logs.monthly_summaries WHERE person_id = $1 AND month = $2", person, month
        )
    )


# --- roster ------------------------------------------------------------------------------------


async def list_units(pool: asyncpg.Pool, *, unit: str | None, limit: int, offset: int) -> tuple[list, int]:
    args: list = []
    clause = _where((("u.unit_id", unit),), args)
    sql = f"""SELECT u.unit_id, u.unit_name,
                     (SELECT count(*) FROM rm_roster.people p WHERE p.unit_id = u.unit_id AND p.active) AS people,
                     (SELECT count(*) FROM rm_roster.sections s WHERE s.unit_id = u.unit_id) AS sections
              FROM rm_roster.units u {clause}"""
    return await _page(pool, sql, "unit_id", args, limit, offset)


async def list_people(
    pool: asyncpg.Pool, *, unit: str, active: bool | None, limit: int, offset: int
) -> tuple[list, int]:
    args: list = []
    clause = _where((("p.unit_id", unit), ("p.active", active)), args)
    sql = f"""SELECT p.*, s.section_name FROM rm_roster.people p
              LEFT JOIN rm_roster.sections s ON s.section_id = p.section_id {clause}"""
    return await _page(pool, sql, "p.person_id", args, limit, offset)


async def list_sections(pool: asyncpg.Pool, unit: str) -> list[asyncpg.Record]:
    return await pool.fetch("SELECT * FROM rm_roster.sections WHERE unit_id = $1 ORDER BY section_id", unit)


async def person(pool: asyncpg.Pool, person_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow("SELECT * FROM rm_roster.people WHERE person_id = $1", person_id)


async def person_chain(pool: asyncpg.Pool, person_id: str) -> ReviewingChain | None:
    """The person's reviewing chain as the roster holds it (None for someone not on a roster)."""
    row = await pool.fetchrow(
        "SELECT section_chief_id, deputy_leader_id, principal_leader_id FROM rm_roster.people WHERE person_id = $1",
        person_id,
    )
    return ReviewingChain(**dict(row)) if row is not None else None


async def scheme(pool: asyncpg.Pool, unit: str, year: int) -> asyncpg.Record | None:
    return await pool.fetchrow("SELECT * FROM rm_roster.schemes WHERE unit_id = $1 AND year = $2", unit, year)


# --- quarters ----------------------------------------------------------------------------------


async def quarter(
    pool: asyncpg.Pool | asyncpg.Connection, unit: str, quarter: str, *, schema: str = "rm_quarters"
) -> asyncpg.Record | None:
    """``schema``: another fold of the quarters projection (a board as it stood, ``as_of``)."""
    return await pool.fetchrow(f"SELECT * FROM {schema}.quarters WHERE unit_id = $1 AND quarter = $2", unit, quarter)


async def list_quarters(
    pool: asyncpg.Pool, *, unit: str | None, status: str | None, limit: int, offset: int
) -> tuple[list, int]:
    args: list = []
    clause = _where((("unit_id", unit), ("status", status)), args)
    return await _page(
        pool, f"SELECT * FROM rm_quarters.quarters {clause}", "quarter DESC, unit_id", args, limit, offset
    )


async def board(
    pool: asyncpg.Pool | asyncpg.Connection,
    *,
    unit: str,
    quarter: str,
    section: str | None,
    chain: tuple[str, str] | None,
    limit: int,
    offset: int,
    schema: str = "rm_quarters",
) -> tuple[list, int]:
    args: list = []
    filters = (("unit_id", unit), ("quarter", quarter), ("section_id", section))
    if chain is not None:
        filters += ((f"{chain[0]}_id", chain[1]),)
    clause = _where(filters, args)
    return await _page(
        pool,
        f"SELECT * FROM {schema}.quarter_people {clause}",
        "section_id NULLS FIRST, person_id",
        args,
        limit,
        offset,
    )


async def board_rows(
    pool: asyncpg.Pool, *, unit: str, quarter: str, section: str | None, chain: tuple[str, str] | None
) -> list[asyncpg.Record]:
    """The whole board (as ``board`` filters it) with section names, for the Excel export."""
    args: list = []
    filters = (("p.unit_id", unit), ("p.quarter", quarter), ("p.section_id", section))
    if chain is not None:
        filters += ((f"p.{chain[0]}_id", chain[1]),)
    clause = _where(filters, args)
    return await pool.fetch(
        f"""SELECT p.*, s.section_name FROM rm_quarters.quarter_people p
            LEFT JOIN rm_roster.sections s USING (section_id) {clause}
            ORDER BY p.section_id NULLS FIRST, p.person_id""",
        *args,
    )


async def result_rows(pool: asyncpg.Pool, *, unit: str, quarter: str) -> list[asyncpg.Record]:
    """The published results of one quarter with section names (none before publication)."""
    return await pool.fetch(
        """SELECT p.person_id, p.person_name, s.section_name, p.grade, p.composite_score, q.status
           FROM rm_quarters.quarter_people p JOIN rm_quarters.quarters q USING (unit_id, quarter)
           LEFT JOIN rm_roster.sections s USING (section_id)
           WHERE p.unit_id = $1 AND p.quarter = $2 AND q.status IN ('published', 'finalized')
           ORDER BY p.section_id NULLS FIRST, p.person_id""",
        unit,
        quarter,
    )


async def unit_name(pool: asyncpg.Pool, unit: str) -> str | None:
    return await pool.fetchval("SELECT unit_name FROM rm_roster.units WHERE unit_id = $1", unit)


async def board_progress(
    pool: asyncpg.Pool | asyncpg.Connection, unit: str, quarter: str, *, schema: str = "rm_quarters"
) -> asyncpg.Record:
    return await pool.fetchrow(
        f"""SELECT count(*) AS participants,
                  count(*) FILTER (WHERE self_grade IS NOT NULL) AS self_assessed,
                  count(*) FILTER (WHERE next_level = 'section_chief') AS at_section_chief,
                  count(*) FILTER (WHERE next_level = 'deputy_leader') AS at_deputy_leader,
                  count(*) FILTER (WHERE next_level = 'principal_leader') AS at_principal_leader,
                  count(*) FILTER (WHERE next_level IS NULL) AS decided
           FROM {schema}.quarter_people WHERE unit_id = $1 AND quarter = $2""",
        unit,
        quarter,
    )


async def queue(pool: asyncpg.Pool, *, reviewer: str, limit: int, offset: int) -> tuple[list, int]:
    """People waiting for this reviewer's decision, oldest first."""
    sql = """SELECT p.*, q.good_cap, q.good_used FROM rm_quarters.quarter_people p
             JOIN rm_quarters.quarters q USING (unit_id, quarter)
             WHERE p.next_reviewer_id = $1 AND q.status = 'open'
               AND p.self_grade IS NOT NULL AND p.peer_count >= q.peer_reviews_required"""
    return await _page(pool, sql, "p.waiting_since, p.person_id", [reviewer], limit, offset)


async def appeals(
    pool: asyncpg.Pool,
    *,
    unit: str | None,
    quarter: str | None,
    status: str | None,
    principal: str | None,
    reviewer: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list, int]:
    args: list = []
    clause = _where(
        (("unit_id", unit), ("quarter", quarter), ("appeal_status", status), ("principal_leader_id", principal)), args
    )
    clause = _and(_and(clause, "appeal_id IS NOT NULL"), _in_chain("person_id", reviewer, args))
    return await _page(
        pool, f"SELECT * FROM rm_quarters.quarter_people {clause}", "appeal_filed_at", args, limit, offset
    )


async def my_quarters(pool: asyncpg.Pool, *, person: str, limit: int, offset: int) -> tuple[list, int]:
    sql = """SELECT p.*, q.status, q.period_ends_at FROM rm_quarters.quarter_people p
             JOIN rm_quarters.quarters q USING (unit_id, quarter) WHERE p.person_id = $1"""
    return await _page(pool, sql, "p.quarter DESC", [person], limit, offset)


async def my_peer_reviews(pool: asyncpg.Pool, *, reviewer: str, limit: int, offset: int) -> tuple[list, int]:
    """Colleagues in the reviewer's open quarters, with the reviewer's own peer review of each."""
    sql = """SELECT p.unit_id, p.quarter, p.person_id, p.person_name, p.section_id, s.section_name,
                    p.self_grade IS NOT NULL AS self_assessed,
                    (p.section_chief_grade IS NOT NULL OR p.deputy_leader_grade IS NOT NULL
                     OR p.principal_leader_grade IS NOT NULL) AS in_leader_review,
                    q.peer_reviews_required, r.grade AS my_grade, r.comment AS my_comment, r.reviewed_at
             FROM rm_quarters.quarter_people me
             JOIN rm_quarters.quarters q ON q.unit_id = me.unit_id AND q.quarter = me.quarter AND q.status = 'open'
             JOIN rm_quarters.quarter_people p ON p.unit_id = me.unit_id AND p.quarter = me.quarter
                                              AND p.person_id <> me.person_id
             LEFT JOIN rm_quarters.peer_reviews r ON r.unit_id = p.unit_id AND r.quarter = p.quarter
                                                 AND r.person_id = p.person_id AND r.reviewer_id = me.person_id
             LEFT JOIN rm_roster.sections s ON s.section_id = p.section_id
             WHERE me.person_id = $1"""
    return await _page(
        pool,
        sql,
        "p.quarter DESC, r.grade IS NOT NULL, p.section_id NULLS FIRST, p.person_id",
        [reviewer],
        limit,
        offset,
    )


async def my_peer_review_count(pool: asyncpg.Pool, *, reviewer: str) -> int:
    return await pool.fetchval(
        """SELECT count(*) FROM rm_quarters.peer_reviews r
           JOIN rm_quarters.quarters q USING (unit_id, quarter) WHERE r.reviewer_id = $1 AND q.status = 'open'""",
        reviewer,
    )


# The mentor as the roster names them now (the event holds the name when assigned).
_FOLLOW_UP_SELECT = """SELECT f.unit_id, f.quarter, f.person_id, f.person_name, f.grades, f.opened_at, f.mentor_id,
                              coalesce(m.person_name, f.mentor_name) AS mentor_name, f.visits
                       FROM rm_growth.follow_ups f LEFT JOIN rm_roster.people m ON m.person_id = f.mentor_id"""


async def my_follow_ups(pool: asyncpg.Pool, *, person: str, limit: int, offset: int) -> tuple[list, int]:
    return await _page(pool, f"{_FOLLOW_UP_SELECT} WHERE f.person_id = $1", "f.quarter DESC", [person], limit, offset)


async def person_names(pool: asyncpg.Pool, person_ids: set[str]) -> dict[str, str]:
    rows = await pool.fetch(
        "SELECT person_id, person_name FROM rm_roster.people WHERE person_id = ANY($1::text[])", list(person_ids)
    )
    return {r["person_id"]: r["person_name"] for r in rows}


async def published_results(
    pool: asyncpg.Pool, *, unit: str, quarter: str | None, limit: int, offset: int
) -> tuple[list, int]:
    args: list = [unit]
    sql = """SELECT p.unit_id, p.quarter, p.person_id, p.person_name, p.section_id, p.grade, p.composite_score,
                    q.status, q.published_at, q.period_ends_at
             FROM rm_quarters.quarter_people p JOIN rm_quarters.quarters q USING (unit_id, quarter)
             WHERE p.unit_id = $1 AND q.status IN ('published', 'finalized')"""
    if quarter is not None:
        args.append(quarter)
        sql += " AND p.quarter = $2"
    return await _page(pool, sql, "p.quarter DESC, p.person_id", args, limit, offset)


# --- annual review, reminders, follow-ups, result use ---------------------------------------


async def annual_board(
    pool: asyncpg.Pool, *, unit: str, year: int, reviewer: str | None = None, limit: int, offset: int
) -> tuple[list, int, int, int]:
    """The annual board's rows (``reviewer``'s chain for a leader) and the unit's 优秀 quota."""
    args: list = [unit, year]
    clause = _and("WHERE unit_id = $1 AND year = $2", _in_chain("person_id", reviewer, args))
    rows, total = await _page(
        pool,
        f"SELECT * FROM rm_growth.annual_people {clause}",
        "excellent_eligible DESC, person_id",
        args,
        limit,
        offset,
    )
    quota = await pool.fetchrow(
        """SELECT coalesce(max(excellent_cap), 0) AS cap, count(*) FILTER (WHERE grade = '优秀') AS used
           FROM rm_growth.annual_people WHERE unit_id = $1 AND year = $2""",
        unit,
        year,
    )
    return rows, total, quota["cap"], quota["used"]


async def reminders(
    pool: asyncpg.Pool,
    *,
    unit: str | None,
    person: str | None,
    status: str | None,
    reviewer: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list, int]:
    args: list = []
    clause = _where((("unit_id", unit), ("person_id", person), ("status", status)), args)
    clause = _and(clause, _in_chain("person_id", reviewer, args))
    return await _page(pool, f"SELECT * FROM rm_growth.reminders {clause}", "issued_at DESC", args, limit, offset)


async def follow_ups(
    pool: asyncpg.Pool, *, unit: str, reviewer: str | None = None, limit: int, offset: int
) -> tuple[list, int]:
    args: list = [unit]
    clause = _and("WHERE f.unit_id = $1", _in_chain("f.person_id", reviewer, args))
    return await _page(pool, f"{_FOLLOW_UP_SELECT} {clause}", "f.quarter DESC, f.person_id", args, limit, offset)


async def result_uses(
    pool: asyncpg.Pool, *, unit: str, year: int | None, reviewer: str | None = None, limit: int, offset: int
) -> tuple[list, int]:
    args: list = []
    clause = _where((("unit_id", unit), ("year", year)), args)
    clause = _and(clause, _in_chain("person_id", reviewer, args))
    return await _page(
        pool, f"SELECT * FROM rm_growth.result_uses {clause}", "decided_on DESC, person_id", args, limit, offset
    )
