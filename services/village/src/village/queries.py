"""Read-model SQL for the API: lists, the village file, and the town and district dashboards.

Every list takes a ``ReadScope`` (everything, one town or one village) so a principal only ever
sees what ``authz.read_scope`` allows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg

from grassroots_common.auth import Principal
from grassroots_common.contracts.village import VillagePolicySet
from grassroots_common.db import page
from grassroots_common.errors import Forbidden
from village.authz import ReadScope, read_scope
from village.domain.policy import DEFAULT_POLICY

# Expected progress of a project today: linear from its start to its due date, 0..100.
EXPECTED = """LEAST(100, GREATEST(0, (($1::date - p.starts_on) * 100) / GREATEST(p.due_on - p.starts_on, 1)))"""
# Past its plan's end and not complete: overdue, however close to 100 % it is.
OVERDUE = "(p.progress_pct < 100 AND $1::date > p.due_on)"


def behind_sql(margin: str) -> str:
    """Behind schedule: overdue, or more than ``margin`` points short of the progress expected by now."""
    return f"({OVERDUE} OR p.progress_pct < {EXPECTED} - {margin})"


async def list_scope(
    pool: asyncpg.Pool, principal: Principal, *, town_id: str | None = None, village_id: str | None = None
) -> ReadScope:
    """``read_scope``, and a village asked for by a town must be one of its own: another town's
    village is refused (403), not answered with an empty list."""
    scope = read_scope(principal, town_id=town_id, village_id=village_id)
    if village_id is not None and scope.town_id is not None:
        town = await pool.fetchval("SELECT town_id FROM rm_villages.villages WHERE village_id = $1", village_id)
        if town is not None and town != scope.town_id:
            raise Forbidden("out_of_scope", "只能查看本镇的数据")
    return scope


def _scope(alias: str, first: int = 2) -> str:
    """The ReadScope filter on ``alias``: the town id is parameter ``first``, the village id the next."""
    town, village = f"${first}", f"${first + 1}"
    return f"({town}::text IS NULL OR {alias}.town_id = {town}) AND ({village}::text IS NULL OR {alias}.village_id = {village})"


async def policy(pool: asyncpg.Pool) -> VillagePolicySet:
    data = await pool.fetchval("SELECT data FROM rm_villages.policy WHERE id = 1")
    return VillagePolicySet.model_validate(data) if data else DEFAULT_POLICY


async def _page(pool: asyncpg.Pool, sql: str, args: list[Any], order: str, limit: int, offset: int):
    # Its orders name the select's output columns (a village's ``town_name``): cut from the whole.
    return await page(pool, f"SELECT * FROM ({sql}) q", args, order, limit, offset)


async def list_towns(pool: asyncpg.Pool, limit: int, offset: int):
    sql = """SELECT t.*, (SELECT count(*) FROM rm_villages.villages v WHERE v.town_id = t.town_id) AS villages
             FROM rm_villages.towns t"""
    return await _page(pool, sql, [], "town_id", limit, offset)


async def list_villages(pool: asyncpg.Pool, scope: ReadScope, level: str | None, limit: int, offset: int):
    target = (await policy(pool)).reserve_target
    sql = f"""SELECT v.*, t.name AS town_name, GREATEST(0, $5 - v.reserves) AS reserve_shortfall
              FROM rm_villages.villages v JOIN rm_villages.towns t USING (town_id)
              WHERE $1::int IS NOT NULL AND {_scope("v")} AND ($4::text IS NULL OR v.level = $4)"""
    return await _page(
        pool, sql, [0, scope.town_id, scope.village_id, level, target], "town_id, village_id", limit, offset
    )


async def reserve_shortfall(pool: asyncpg.Pool, scope: ReadScope, limit: int, offset: int):
    target = (await policy(pool)).reserve_target
    sql = f"""SELECT v.village_id, v.town_id, v.name, v.reserves, $1::int AS target, $1::int - v.reserves AS shortfall
              FROM rm_villages.villages v WHERE {_scope("v")} AND v.reserves < $1::int"""
    return await _page(
        pool, sql, [target, scope.town_id, scope.village_id], "shortfall DESC, village_id", limit, offset
    )


async def village_file(pool: asyncpg.Pool, village_id: str, today: dt.date) -> dict | None:
    """Everything about one village (村档案), as one answer for the phone."""
    village = await pool.fetchrow(
        """SELECT v.*, t.name AS town_name FROM rm_villages.villages v JOIN rm_villages.towns t USING (town_id)
           WHERE v.village_id = $1""",
        village_id,
    )
    if village is None:
        return None
    rules = await policy(pool)
    cadres = await pool.fetch(
        "SELECT * FROM rm_villages.cadres WHERE village_id = $1 ORDER BY left_on NULLS FIRST, appointed_on", village_id
    )
    fetch = {
        "status_history": "SELECT * FROM rm_villages.status_changes WHERE village_id = $1 ORDER BY effective_on",
        "subsidies": """SELECT month, total_fen, cadres, lines FROM rm_villages.subsidies WHERE village_id = $1
                        ORDER BY month DESC LIMIT 12""",
        "incomes": "SELECT * FROM rm_villages.incomes WHERE village_id = $1 ORDER BY year DESC",
        "projects": f"""SELECT p.*, {EXPECTED.replace("$1", "$2")} AS expected_pct FROM rm_village_projects.projects p
                        WHERE p.village_id = $1 ORDER BY p.year DESC, p.project_id""",
        "inspections": """SELECT rv.*, r.name AS round_name FROM rm_village_inspections.round_villages rv
                          JOIN rm_village_inspections.rounds r USING (round_id) WHERE rv.village_id = $1
                          ORDER BY r.opened_on DESC""",
        "findings": """SELECT * FROM rm_village_inspections.findings WHERE village_id = $1
                       ORDER BY closed_on NULLS FIRST, deadline""",
        "rectifications": "SELECT * FROM rm_village_weakness.cases WHERE village_id = $1 ORDER BY year DESC",
        "pilot_items": "SELECT * FROM rm_village_pilots.items WHERE village_id = $1 ORDER BY item_id",
        "pairings": "SELECT * FROM rm_village_pairings.pairings WHERE village_id = $1 ORDER BY year DESC, unit_id",
    }
    out: dict[str, Any] = {"village": dict(village)}
    out["cadres"] = [dict(c) for c in cadres]
    out["reserve_target"] = rules.reserve_target
    out["reserve_shortfall"] = max(0, rules.reserve_target - village["reserves"])
    for name, sql in fetch.items():
        args = [village_id, today] if name == "projects" else [village_id]
        out[name] = [dict(r) for r in await pool.fetch(sql, *args)]
    out["pilot"] = (
        dict(await pool.fetchrow("SELECT * FROM rm_village_pilots.plans WHERE village_id = $1", village_id) or {})
        or None
    )
    return out


async def list_subsidies(pool: asyncpg.Pool, scope: ReadScope, month: str | None, limit: int, offset: int):
    sql = f"""SELECT s.*, v.name AS village_name FROM rm_villages.subsidies s
              JOIN rm_villages.villages v USING (village_id)
              WHERE ($1::text IS NULL OR s.month = $1) AND {_scope("s")}"""
    args = [month, scope.town_id, scope.village_id]
    total_fen = await pool.fetchval(f"SELECT COALESCE(sum(total_fen), 0) FROM ({sql}) q", *args)
    rows, total = await _page(pool, sql, args, "month DESC, town_id, village_id", limit, offset)
    return rows, total, total_fen


async def list_bonuses(pool: asyncpg.Pool, scope: ReadScope, year: int, limit: int, offset: int):
    """The bonus list of a year: every village with reported income, its tier and bonus (if decided)."""
    sql = f"""SELECT i.*, v.name AS village_name FROM rm_villages.incomes i
              JOIN rm_villages.villages v USING (village_id) WHERE i.year = $1 AND {_scope("i")}"""
    args = [year, scope.town_id, scope.village_id]
    bonus_total = await pool.fetchval(f"SELECT COALESCE(sum(bonus_fen), 0) FROM ({sql}) q", *args)
    rows, total = await _page(pool, sql, args, "bonus_fen DESC NULLS LAST, income_fen DESC, village_id", limit, offset)
    return rows, total, bonus_total


async def list_rounds(pool: asyncpg.Pool, limit: int, offset: int):
    sql = """SELECT r.round_id, r.name, r.year, r.opened_on, r.due_on, r.villages,
                    count(rv.inspected_on) AS inspected, round(avg(rv.total_score), 1)::float8 AS avg_score
             FROM rm_village_inspections.rounds r
             LEFT JOIN rm_village_inspections.round_villages rv USING (round_id) GROUP BY r.round_id"""
    return await _page(pool, sql, [], "opened_on DESC, round_id", limit, offset)


async def round_detail(pool: asyncpg.Pool, round_id: str, scope: ReadScope) -> dict | None:
    round_ = await pool.fetchrow("SELECT * FROM rm_village_inspections.rounds WHERE round_id = $1", round_id)
    if round_ is None:
        return None
    all_villages = await pool.fetchval(
        "SELECT count(*) FROM rm_villages.villages v WHERE ($1::text IS NULL OR v.town_id = $1)", scope.town_id
    )
    rows = await pool.fetch(
        f"""SELECT rv.*, v.name AS village_name FROM rm_village_inspections.round_villages rv
            JOIN rm_villages.villages v USING (village_id)
            WHERE rv.round_id = $1 AND {_scope("rv")} ORDER BY rv.team_id, rv.village_id""",
        round_id,
        scope.town_id,
        scope.village_id,
    )
    inspected = [r for r in rows if r["inspected_on"] is not None]
    teams: dict[str, dict] = {}
    for r in rows:
        team = teams.setdefault(
            r["team_id"], {"team_id": r["team_id"], "name": r["team_name"], "villages": 0, "inspected": 0}
        )
        team["villages"] += 1
        team["inspected"] += r["inspected_on"] is not None
    scores = [r["total_score"] for r in inspected]
    return {
        "round": dict(round_),
        "coverage": {
            "assigned": len(rows),
            "inspected": len(inspected),
            "all_villages": all_villages,
            "coverage_pct": round(100 * len(inspected) / all_villages, 1) if all_villages else 0.0,
        },
        "avg_score": round(sum(scores) / len(scores), 1) if scores else None,
        "teams": list(teams.values()),
        "villages": [dict(r) for r in rows],
    }


async def list_findings(
    pool: asyncpg.Pool, scope: ReadScope, open_only: bool, overdue_only: bool, today: dt.date, limit: int, offset: int
):
    sql = f"""SELECT f.*, v.name AS village_name, (f.closed_on IS NULL AND f.deadline < $4) AS overdue_open
              FROM rm_village_inspections.findings f JOIN rm_villages.villages v USING (village_id)
              WHERE ($1::bool IS FALSE OR f.closed_on IS NULL) AND {_scope("f")}
                AND ($5::bool IS FALSE OR (f.closed_on IS NULL AND f.deadline < $4) OR f.overdue)"""
    args = [open_only, scope.town_id, scope.village_id, today, overdue_only]
    return await _page(pool, sql, args, "deadline, finding_id", limit, offset)


async def list_rectifications(
    pool: asyncpg.Pool,
    scope: ReadScope,
    year: int | None,
    overdue_only: bool,
    today: dt.date,
    limit: int,
    offset: int,
    flagged_only: bool = False,
):
    sql = f"""SELECT c.*, v.name AS village_name,
                     (c.stage <> 'accepted' AND c.deadline IS NOT NULL AND c.deadline < $4) AS overdue
              FROM rm_village_weakness.cases c JOIN rm_villages.villages v USING (village_id)
              WHERE ($1::int IS NULL OR c.year = $1) AND {_scope("c")}"""
    args = [year, scope.town_id, scope.village_id, today]
    if overdue_only:
        sql += " AND c.stage <> 'accepted' AND c.deadline < $4"
    if flagged_only:
        sql += " AND (c.stage <> 'screened' OR jsonb_array_length(c.hits) > 0)"
    return await _page(pool, sql, args, "year DESC, stage, village_id", limit, offset)


async def pilot(pool: asyncpg.Pool, village_id: str) -> dict | None:
    plan = await pool.fetchrow("SELECT * FROM rm_village_pilots.plans WHERE village_id = $1", village_id)
    if plan is None:
        return None
    items = [
        dict(r)
        for r in await pool.fetch(
            "SELECT * FROM rm_village_pilots.items WHERE village_id = $1 ORDER BY item_id", village_id
        )
    ]
    aspects: dict[str, dict] = {}
    for item in items:
        a = aspects.setdefault(
            item["aspect"], {"aspect": item["aspect"], "items": 0, "progress_pct": 0, "budget_fen": 0}
        )
        a["items"] += 1
        a["progress_pct"] += item["progress_pct"]
        a["budget_fen"] += item["budget_fen"]
    for a in aspects.values():
        a["progress_pct"] = round(a["progress_pct"] / a["items"], 1)
    overall = round(sum(i["progress_pct"] for i in items) / len(items), 1) if items else 0.0
    return {"plan": dict(plan), "progress_pct": overall, "aspects": list(aspects.values()), "items": items}


async def list_projects(
    pool: asyncpg.Pool | asyncpg.Connection,
    scope: ReadScope,
    *,
    year: int | None,
    model: str | None,
    behind_only: bool,
    today: dt.date,
    limit: int,
    offset: int,
    schema: str = "rm_village_projects",
):
    """``schema``: another fold of the projects projection (the ranking as it stood, ``as_of``)."""
    margin = (await policy(pool)).behind_schedule_margin_pct
    sql = f"""SELECT p.*, v.name AS village_name, {EXPECTED} AS expected_pct,
                     {behind_sql("$6")} AS behind_schedule, {OVERDUE} AS overdue
              FROM {schema}.projects p JOIN rm_villages.villages v USING (village_id)
              WHERE {_scope("p")} AND ($4::int IS NULL OR p.year = $4) AND ($5::text IS NULL OR p.model = $5)"""
    args = [today, scope.town_id, scope.village_id, year, model, margin]
    if behind_only:
        sql += f" AND {behind_sql('$6')}"
    return await _page(pool, sql, args, "progress_pct DESC, project_id", limit, offset)


async def project_detail(pool: asyncpg.Pool, project_id: str, today: dt.date) -> dict | None:
    margin = (await policy(pool)).behind_schedule_margin_pct
    row = await pool.fetchrow(
        f"""SELECT p.*, {EXPECTED} AS expected_pct, {behind_sql("$3")} AS behind_schedule, {OVERDUE} AS overdue
            FROM rm_village_projects.projects p WHERE p.project_id = $2""",
        today,
        project_id,
        margin,
    )
    if row is None:
        return None
    out: dict[str, Any] = {"project": dict(row)}
    for name, order in (
        ("fundings", "received_on"),
        ("investments", "signed_on"),
        ("milestones", "reported_on"),
        ("project_incomes", "reported_on"),
    ):
        rows = await pool.fetch(
            f"SELECT * FROM rm_village_projects.{name} WHERE project_id = $1 ORDER BY {order}", project_id
        )
        out[name] = [dict(r) for r in rows]
    return out


async def pairing_units(pool: asyncpg.Pool, scope: ReadScope, year: int, behind_only: bool, limit: int, offset: int):
    """Units and what they delivered in a year; ``behind`` when any "511" target is not yet met."""
    sql = f"""SELECT unit_id, year, min(unit_name) AS unit_name, array_agg(village_id ORDER BY village_id) AS village_ids,
                     max(target_funds_fen) AS target_funds_fen, sum(funds_fen)::bigint AS funds_fen,
                     max(target_supporting_projects) AS target_supporting_projects,
                     sum(supporting_projects)::int AS supporting_projects,
                     max(target_industry_projects) AS target_industry_projects,
                     sum(industry_projects)::int AS industry_projects,
                     (sum(funds_fen) < max(target_funds_fen)
                      OR sum(supporting_projects) < max(target_supporting_projects)
                      OR sum(industry_projects) < max(target_industry_projects)) AS behind
              FROM rm_village_pairings.pairings pr WHERE pr.year = $1 AND {_scope("pr")}
              GROUP BY unit_id, year"""
    if behind_only:
        sql = f"SELECT * FROM ({sql}) u WHERE u.behind"
    return await _page(pool, sql, [year, scope.town_id, scope.village_id], "behind DESC, unit_id", limit, offset)


async def dashboard(pool: asyncpg.Pool, *, year: int, today: dt.date, town_id: str | None) -> dict:
    """The district dashboard (grouped by town) or a town's (grouped by village) for one year."""
    rules = await policy(pool)
    group = "v.village_id" if town_id else "v.town_id"
    label = "v.name" if town_id else "t.name"
    active = "p.year <= $3 AND EXTRACT(year FROM p.due_on) >= $3"
    groups = await pool.fetch(
        f"""WITH p AS (
                SELECT p.*, {EXPECTED} AS expected, {OVERDUE} AS overdue FROM rm_village_projects.projects p
                WHERE ($2::text IS NULL OR p.town_id = $2) AND {active}),
            f AS (SELECT village_id, sum(amount_fen) AS amount FROM rm_village_projects.fundings
                  WHERE ($2::text IS NULL OR town_id = $2) AND EXTRACT(year FROM received_on) = $3 GROUP BY village_id),
            i AS (SELECT village_id, sum(amount_fen) AS amount FROM rm_village_projects.investments
                  WHERE ($2::text IS NULL OR town_id = $2) AND EXTRACT(year FROM signed_on) = $3 GROUP BY village_id),
            pv AS (SELECT village_id, count(*) AS projects, avg(progress_pct) AS progress,
                          count(*) FILTER (WHERE overdue OR progress_pct < expected - $4) AS behind
                   FROM p GROUP BY village_id),
            s AS (SELECT village_id, sum(total_fen) AS amount FROM rm_villages.subsidies
                  WHERE ($2::text IS NULL OR town_id = $2) AND month LIKE $3::text || '-%' GROUP BY village_id),
            b AS (SELECT village_id, income_fen, bonus_fen FROM rm_villages.incomes
                  WHERE ($2::text IS NULL OR town_id = $2) AND year = $3)
            SELECT {group} AS id, min({label}) AS name, count(*) AS villages,
                   count(pv.village_id) AS villages_with_project, COALESCE(sum(pv.projects), 0)::int AS projects,
                   round(COALESCE(sum(pv.progress * pv.projects) / NULLIF(sum(pv.projects), 0), 0), 1)::float8 AS avg_progress,
                   COALESCE(sum(pv.behind), 0)::int AS behind_schedule,
                   COALESCE(sum(f.amount), 0)::bigint AS funds_integrated_fen,
                   COALESCE(sum(i.amount), 0)::bigint AS investment_attracted_fen,
                   COALESCE(sum(s.amount), 0)::bigint AS subsidy_fen,
                   COALESCE(sum(b.income_fen), 0)::bigint AS income_fen,
                   COALESCE(sum(b.bonus_fen), 0)::bigint AS bonus_fen,
                   count(b.bonus_fen) AS bonus_villages,
                   count(*) FILTER (WHERE v.level = 'provincial') AS provincial,
                   count(*) FILTER (WHERE v.level = 'district') AS district,
                   count(*) FILTER (WHERE v.level = 'town_benchmark') AS town_benchmark,
                   COALESCE(sum(GREATEST(0, $5 - v.reserves)), 0)::int AS reserve_shortfall
            FROM rm_villages.villages v JOIN rm_villages.towns t USING (town_id)
            LEFT JOIN pv USING (village_id) LEFT JOIN f USING (village_id) LEFT JOIN i USING (village_id)
            LEFT JOIN s USING (village_id) LEFT JOIN b USING (village_id)
            WHERE ($2::text IS NULL OR v.town_id = $2)
            GROUP BY {group} ORDER BY avg_progress DESC, id""",
        today,
        town_id,
        year,
        rules.behind_schedule_margin_pct,
        rules.reserve_target,
    )
    rows = [dict(r) for r in groups]
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["project_coverage_pct"] = (
            round(100 * row["villages_with_project"] / row["villages"], 1) if row["villages"] else 0.0
        )
    summed = (
        "villages", "villages_with_project", "projects", "behind_schedule", "funds_integrated_fen",
        "investment_attracted_fen", "subsidy_fen", "income_fen", "bonus_fen", "bonus_villages",
        "provincial", "district", "town_benchmark", "reserve_shortfall",
    )  # fmt: skip
    totals: dict[str, Any] = {k: sum(r[k] for r in rows) for k in summed}
    totals["project_coverage_pct"] = (
        round(100 * totals["villages_with_project"] / totals["villages"], 1) if totals["villages"] else 0.0
    )
    by_source = await pool.fetch(
        """SELECT source, sum(amount_fen)::bigint AS amount_fen FROM rm_village_projects.fundings
           WHERE ($1::text IS NULL OR town_id = $1) AND EXTRACT(year FROM received_on) = $2
           GROUP BY source ORDER BY amount_fen DESC""",
        town_id,
        year,
    )
    behind = await pool.fetch(
        f"""SELECT p.project_id, p.name, p.village_id, v.name AS village_name, p.town_id, p.progress_pct,
                   {EXPECTED} AS expected_pct, p.due_on, p.owner_name
            FROM rm_village_projects.projects p JOIN rm_villages.villages v USING (village_id)
            WHERE ($2::text IS NULL OR p.town_id = $2) AND {active} AND {behind_sql("$4")}
            ORDER BY {EXPECTED} - p.progress_pct DESC, p.project_id LIMIT 20""",
        today,
        town_id,
        year,
        rules.behind_schedule_margin_pct,
    )
    inspection = await pool.fetchrow(
        """SELECT r.round_id, r.name, r.opened_on, count(rv.village_id) AS assigned,
                  count(rv.inspected_on) AS inspected, round(avg(rv.total_score), 1)::float8 AS avg_score,
                  max(rv.max_total) AS max_total, COALESCE(sum(rv.open_findings), 0)::int AS open_findings
           FROM rm_village_inspections.rounds r
           JOIN rm_village_inspections.round_villages rv
             ON rv.round_id = r.round_id AND ($1::text IS NULL OR rv.town_id = $1)
           WHERE r.year = $2 GROUP BY r.round_id ORDER BY r.opened_on DESC, r.round_id DESC LIMIT 1""",
        town_id,
        year,
    )
    overdue_findings = await pool.fetchval(
        """SELECT count(*) FROM rm_village_inspections.findings
           WHERE ($1::text IS NULL OR town_id = $1) AND closed_on IS NULL AND deadline < $2""",
        town_id,
        today,
    )
    rect = await pool.fetchrow(
        """SELECT count(*) AS screened, count(*) FILTER (WHERE stage <> 'screened') AS designated,
                  count(*) FILTER (WHERE stage = 'rectifying') AS rectifying,
                  count(*) FILTER (WHERE stage = 'accepted') AS accepted,
                  count(*) FILTER (WHERE stage <> 'accepted' AND deadline < $3) AS overdue
           FROM rm_village_weakness.cases WHERE ($1::text IS NULL OR town_id = $1) AND year = $2""",
        town_id,
        year,
        today,
    )
    pairing = await pool.fetchrow(
        """SELECT count(*) AS units, count(*) FILTER (WHERE behind) AS behind FROM (
               SELECT unit_id, (sum(funds_fen) < max(target_funds_fen)
                                OR sum(supporting_projects) < max(target_supporting_projects)
                                OR sum(industry_projects) < max(target_industry_projects)) AS behind
               FROM rm_village_pairings.pairings WHERE year = $2 AND ($1::text IS NULL OR town_id = $1)
               GROUP BY unit_id) u""",
        town_id,
        year,
    )
    inspection_out = None
    if inspection is not None:
        inspection_out = dict(inspection)
        inspection_out["coverage_pct"] = (
            round(100 * inspection["inspected"] / totals["villages"], 1) if totals["villages"] else 0.0
        )
        inspection_out["overdue_findings"] = overdue_findings
    return {
        "year": year,
        "town_id": town_id,
        "totals": totals,
        "funds_by_source": [dict(r) for r in by_source],
        "ranking": rows,
        "behind_schedule": [dict(r) for r in behind],
        "inspection": inspection_out,
        "rectification": dict(rect),
        "pairing": dict(pairing),
    }
