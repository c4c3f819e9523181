"""Figures: the tables (with a sentence of numbers) that notices, bulletins, statistics and the
Excel export are made of. Each figure names the projections it reads, so an answer can state the
stream positions it reflects."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg

from grassroots_common.contracts.appraisal import RESULT_USE_NAMES
from grassroots_common.contracts.village import (
    DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT,
    DEVELOPMENT_MODEL_NAMES,
    FUNDING_SOURCE_NAMES,
)
from reporting import queries
from reporting.periods import BEIJING, Period

PROJECTS_LISTED = 50  # rows of a project table; the sentence counts them all


@dataclass(frozen=True, slots=True)
class Scope:
    """Filters of a figure: a unit (appraisal), a town (village), a community (grid)."""

    unit: str | None = None
    town: str | None = None
    community: str | None = None


@dataclass(slots=True)
class Figure:
    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    sentence: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": [{"key": k, "label": label} for k, label in self.columns],
            "rows": self.rows,
            "sentence": self.sentence,
        }


def rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def yuan(fen: int | None) -> float:
    return round((fen or 0) / 100, 2)


def wan(fen: int | None) -> str:
    return f"{(fen or 0) / 1_000_000:,.2f}万元"


async def log_submission(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    """Weekly logs of the period's weeks that have fallen due by ``now``: a quarter under way counts
    its past weeks only, and each person from the week they were enrolled."""
    weeks = period.weeks_due(now)
    records = await queries.log_submission(pool, weeks, scope.unit)
    return _submission_figure("log_submission", "周纪实", period.label, records, len(weeks))


async def summary_submission(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    """Monthly summaries of the months that fell due in the period (a month's notice: the month
    before), those months only once they have ended, each person from their enrolment."""
    months = period.summary_months_due(now)
    records = await queries.summary_submission(pool, months, scope.unit)
    label = _months_label([m.code for m in months]) if months else period.label
    return _submission_figure("summary_submission", "月小结", label, records, len(months))


def _months_label(months: list[str]) -> str:
    first, last = months[0], months[-1]
    if first == last:
        return f"{first[:4]}年{int(first[5:])}月"
    if first[:4] == last[:4]:
        return f"{first[:4]}年{int(first[5:])}月至{int(last[5:])}月"
    return f"{first[:4]}年{int(first[5:])}月至{last[:4]}年{int(last[5:])}月"


def _submission_figure(key: str, noun: str, label: str, records: list[asyncpg.Record], periods: int) -> Figure:
    """Submissions by unit against what was due: one per person and week (or month) that fell due
    while the person was on the roster (never fewer than came in)."""
    rows = []
    for r in records:
        expected = max(r["due"], r["submitted"]) if periods else 0
        rows.append(
            {
                "unit_id": r["unit_id"],
                "unit_name": r["unit_name"],
                "expected": expected,
                "submitted": r["submitted"],
                "late": r["late"],
                "submission_rate": rate(r["submitted"], expected),
                "late_rate": rate(r["late"], r["submitted"]),
            }
        )
    rows.sort(key=lambda x: (-(x["submission_rate"] or 0), x["unit_id"]))
    expected, submitted, late = (sum(x[k] for x in rows) for k in ("expected", "submitted", "late"))
    sentence = (
        f"{label}，{len(rows)} 个单位应提交{noun} {expected} 篇，实交 {submitted} 篇，"
        f"提交率 {pct(rate(submitted, expected))}；逾期提交 {late} 篇。"
    )
    if not periods:
        sentence = f"{label}尚无到期的{noun}。"
    lowest = rows[-1]["submission_rate"] if rows and periods else None
    if len(rows) > 1 and lowest is not None and lowest < (rows[0]["submission_rate"] or 0):
        sentence += f"提交率最低的是{rows[-1]['unit_name']}（{pct(lowest)}）。"
    return Figure(
        key,
        f"{noun}提交情况",
        [
            ("unit_name", "单位"),
            ("expected", "应交"),
            ("submitted", "实交"),
            ("late", "逾期"),
            ("submission_rate", "提交率%"),
            ("late_rate", "逾期率%"),
        ],
        rows,
        sentence,
    )


async def review_progress(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    # The period's last quarter that has started (a year or a quarter not yet opened reports the latest one).
    quarter, found = period.quarter, []
    for candidate in reversed(period.quarters):
        found = await queries.review_progress(pool, candidate, scope.unit)
        if found:
            quarter = candidate
            break
    rows = []
    for r in found:
        cap = r["good_cap"]
        rows.append(
            {
                "unit_id": r["unit_id"],
                "unit_name": r["unit_name"],
                "participants": r["participants"],
                "self_assessed": r["self_assessed"],
                "section_chief": r["section_chief"],
                "deputy_leader": r["deputy_leader"],
                "principal_leader": r["principal_leader"],
                "completion_rate": rate(r["principal_leader"], r["participants"]),
                "good": r["good"],
                "good_cap": cap,
                "good_remaining": None if cap is None else max(cap - r["good"], 0),
                "appeals_open": r["appeals_open"],
                "stage": "已确定" if r["finalized_at"] else "公示中" if r["published_at"] else "考评中",
            }
        )
    rows.sort(key=lambda x: (-(x["completion_rate"] or 0), x["unit_id"]))
    people = sum(x["participants"] for x in rows)
    done = sum(x["principal_leader"] for x in rows)
    good = sum(x["good"] for x in rows)
    sentence = (
        f"{quarter[:4]}年第{quarter[-1]}季度考评：{len(rows)} 个单位 {people} 人参评，主要领导已评定 {done} 人，"
        f"完成率 {pct(rate(done, people))}；评为“好”等次 {good} 人，占 {pct(rate(good, people))}。"
    )
    if not rows:  # a quarter under way: its appraisal opens after it ends, so there is nothing to count yet
        sentence = f"{quarter[:4]}年第{quarter[-1]}季度考评尚未开展，暂无考评进度。"
    over = [x["unit_name"] for x in rows if x["good_cap"] is not None and x["good"] > x["good_cap"]]
    if over:
        sentence += f"超出“好”等次比例的单位：{'、'.join(over)}。"
    return Figure(
        "review_progress",
        "季度考评进度与“好”等次使用",
        [
            ("unit_name", "单位"),
            ("participants", "参评人数"),
            ("self_assessed", "已自评"),
            ("section_chief", "股组长已评"),
            ("deputy_leader", "分管领导已评"),
            ("principal_leader", "主要领导已评"),
            ("completion_rate", "完成率%"),
            ("good", "“好”等次"),
            ("good_cap", "“好”等次上限"),
            ("good_remaining", "剩余名额"),
            ("stage", "阶段"),
        ],
        rows,
        sentence,
    )


async def result_use_by_kind(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    totals: dict[tuple[str, bool], int] = defaultdict(int)
    for r in await queries.result_uses(pool, period.start, period.end, scope.unit):
        totals[(r["kind"], r["positive"])] += r["uses"]
    rows = [
        {
            "kind": kind,
            "kind_name": RESULT_USE_NAMES.get(kind, kind),
            "polarity": "正向激励" if positive else "反向约束",
            "uses": uses,
        }
        for (kind, positive), uses in sorted(totals.items(), key=lambda kv: (not kv[0][1], -kv[1], kv[0][0]))
    ]
    positive = sum(x["uses"] for x in rows if x["polarity"] == "正向激励")
    negative = sum(x["uses"] for x in rows) - positive
    parts = "、".join(f"{x['kind_name']} {x['uses']} 人次" for x in rows)
    sentence = (
        f"{period.label}考核结果运用 {positive + negative} 人次，其中正向激励 {positive} 人次、反向约束 {negative} 人次"
    )
    sentence += f"（{parts}）。" if parts else "。"
    return Figure(
        "result_use_by_kind",
        "考核结果运用（按类别）",
        [("kind_name", "运用类别"), ("polarity", "性质"), ("uses", "人次")],
        rows,
        sentence,
    )


async def result_use_by_unit(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    units: dict[str, dict[str, Any]] = {}
    for r in await queries.result_uses(pool, period.start, period.end, scope.unit):
        row = units.setdefault(
            r["unit_id"], {"unit_id": r["unit_id"], "unit_name": r["unit_name"], "positive": 0, "negative": 0}
        )
        row["positive" if r["positive"] else "negative"] += r["uses"]
        row[r["kind"]] = row.get(r["kind"], 0) + r["uses"]
    rows = sorted(units.values(), key=lambda x: (-(x["positive"] + x["negative"]), x["unit_id"]))
    for row in rows:
        row["total"] = row["positive"] + row["negative"]
    return Figure(
        "result_use_by_unit",
        "考核结果运用（按单位）",
        [
            ("unit_name", "单位"),
            ("positive", "正向激励"),
            ("negative", "反向约束"),
            ("total", "合计"),
            *((kind, label) for kind, label in RESULT_USE_NAMES.items()),
        ],
        rows,
        f"{len(rows)} 个单位运用了考核结果，合计 {sum(x['total'] for x in rows)} 人次。",
    )


async def ticket_departments(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    as_of = min(now, period.ends_at)
    rows = []
    for r in await queries.ticket_departments(pool, period.starts_at, period.ends_at, scope.community, as_of):
        rows.append(
            {
                "department_id": r["department_id"],
                "department_name": r["department_name"],
                "dispatched": r["dispatched"],
                "response_rate": rate(r["accepted_on_time"], r["dispatched"]),
                "on_time_rate": rate(r["reported_on_time"], r["reported"]),
                "satisfaction_rate": rate(r["satisfied"], r["revisited"]),
                "partly_rate": rate(r["partly"], r["revisited"]),
                "unsolved_rate": rate(r["unsolved"], r["revisited"]),
                "closed": r["closed"],
                "overdue_open": r["overdue_open"],
                "returns": r["returns"],
                "escalations": r["escalations"],
            }
        )
    rows.sort(key=lambda x: (-(x["on_time_rate"] or 0), -(x["response_rate"] or 0), x["department_id"]))
    dispatched = sum(x["dispatched"] for x in rows)
    overdue = sum(x["overdue_open"] for x in rows)
    sentence = f"{period.label}共派单 {dispatched} 件，涉及 {len(rows)} 个职能部门，超期未办结 {overdue} 件。"
    if rows:
        sentence += f"按时办结率最高的是{rows[0]['department_name']}（{pct(rows[0]['on_time_rate'])}）。"
    return Figure(
        "ticket_departments",
        "职能部门接单办理情况",
        [
            ("department_name", "部门"),
            ("dispatched", "派单数"),
            ("response_rate", "按时签收率%"),
            ("on_time_rate", "按时办结率%"),
            ("satisfaction_rate", "满意率%"),
            ("partly_rate", "部分解决率%"),
            ("unsolved_rate", "未解决率%"),
            ("closed", "已结单"),
            ("overdue_open", "超期未办结"),
            ("returns", "退单"),
            ("escalations", "督办"),
        ],
        rows,
        sentence,
    )


async def grid_overview(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    rows = []
    for r in await queries.grid_overview(pool, period.starts_at, period.ends_at, scope.community):
        rows.append({**dict(r), "in_grid_rate": rate(r["in_grid"], r["reports"])})
    reports, in_grid = sum(x["reports"] for x in rows), sum(x["in_grid"] for x in rows)
    fulfilled = sum(x["fulfilled"] for x in rows)
    return Figure(
        "grid_overview",
        "网格上报与微心愿",
        [
            ("community_name", "社区"),
            ("reports", "网格上报"),
            ("in_grid", "网格内解决"),
            ("in_grid_rate", "就地解决率%"),
            ("escalated", "上报社区"),
            ("wishes", "微心愿"),
            ("fulfilled", "已实现"),
        ],
        rows,
        f"{period.label}网格员上报问题 {reports} 件，网格内就地解决 {in_grid} 件（{pct(rate(in_grid, reports))}）；"
        f"实现微心愿 {fulfilled} 个。",
    )


def project_day(period: Period, now: dt.datetime) -> dt.date:
    """The day a period's project figures stand at: its last day, or today while it runs."""
    return min(period.end - dt.timedelta(days=1), now.astimezone(BEIJING).date())


async def _projects(
    pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime, *, behind_only: bool
) -> tuple[dt.date, list[dict[str, Any]], asyncpg.Record]:
    """The projects of the period's year as they stand on ``project_day``, and their counts."""
    day = project_day(period, now)
    margin = await queries.behind_schedule_margin(pool, DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT)
    rows = await queries.projects(pool, scope.town, day, margin, behind_only=behind_only, limit=PROJECTS_LISTED)
    counts = await queries.project_counts(pool, scope.town, day, margin)
    listed = [
        {
            "rank": r["rank"],
            "project_id": r["project_id"],
            "name": r["name"],
            "village_name": r["village_name"],
            "town_name": r["town_name"],
            "model": DEVELOPMENT_MODEL_NAMES.get(r["model"] or "", r["model"]),
            "progress": r["progress"],
            "expected": r["expected"],
            "due_on": r["due_on"].isoformat() if r["due_on"] else None,
            "funded_yuan": yuan(r["funded_fen"]),
            "budget_yuan": yuan(r["budget_fen"]),
        }
        for r in rows
    ]
    return day, listed, counts


_PROJECT_COLUMNS = [
    ("rank", "名次"),
    ("name", "项目"),
    ("village_name", "村"),
    ("town_name", "镇"),
    ("model", "发展模式"),
    ("progress", "进度%"),
    ("expected", "应达进度%"),
    ("due_on", "计划完成"),
    ("funded_yuan", "到位资金(元)"),
]


async def project_ranking(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    day, rows, counts = await _projects(pool, period, scope, now, behind_only=False)
    sentence = f"截至{day:%Y年%m月%d日}，{day.year}年书记项目 {counts['total']} 个，滞后 {counts['behind']} 个。"
    if rows:
        sentence += f"进度领先的是{rows[0]['village_name']}“{rows[0]['name']}”（{rows[0]['progress']}%）。"
    title = "书记项目进度排名（比拼晾晒）" + (f"前 {PROJECTS_LISTED} 名" if counts["total"] > PROJECTS_LISTED else "")
    return Figure("project_ranking", title, _PROJECT_COLUMNS, rows, sentence)


async def projects_behind(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    _, rows, counts = await _projects(pool, period, scope, now, behind_only=True)
    behind = counts["behind"]
    names = "、".join(f"{x['village_name']}“{x['name']}”" for x in rows[:5])
    sentence = f"进度滞后的书记项目 {behind} 个" + (f"：{names}{'等' if behind > 5 else ''}。" if rows else "。")
    return Figure("projects_behind", "进度滞后的书记项目（按滞后程度）", _PROJECT_COLUMNS, rows, sentence)


async def funds_by_source(pool: queries.Reads, period: Period, scope: Scope, now: dt.datetime) -> Figure:
    rows = [
        {
            "source": r["source"],
            "source_name": FUNDING_SOURCE_NAMES.get(r["source"], r["source"]),
            "amount_yuan": yuan(r["amount_fen"]),
            "grants": r["grants"],
            "projects": r["projects"],
        }
        for r in await queries.funds_by_source(pool, period.start, period.end, scope.town)
    ]
    total = sum(x["amount_yuan"] for x in rows)
    parts = "、".join(f"{x['source_name']} {wan(round(x['amount_yuan'] * 100))}" for x in rows)
    return Figure(
        "funds_by_source",
        "项目资金来源",
        [("source_name", "来源"), ("amount_yuan", "金额(元)"), ("grants", "笔数"), ("projects", "项目数")],
        rows,
        f"{period.label}书记项目到位资金 {wan(round(total * 100))}" + (f"，其中{parts}。" if parts else "。"),
    )


Builder = Callable[[queries.Reads, Period, Scope, dt.datetime], Awaitable[Figure]]
FIGURES: dict[str, Builder] = {
    "log_submission": log_submission,
    "summary_submission": summary_submission,
    "review_progress": review_progress,
    "ticket_departments": ticket_departments,
    "grid_overview": grid_overview,
    "project_ranking": project_ranking,
    "projects_behind": projects_behind,
    "result_use_by_kind": result_use_by_kind,
    "result_use_by_unit": result_use_by_unit,
    "funds_by_source": funds_by_source,
}
PROJECTIONS_OF = {
    "log_submission": ("submissions", "appraisal"),
    "summary_submission": ("submissions", "appraisal"),
    "review_progress": ("appraisal",),
    "ticket_departments": ("tickets",),
    "grid_overview": ("tickets",),
    "project_ranking": ("villages",),
    "projects_behind": ("villages",),
    "result_use_by_kind": ("appraisal",),
    "result_use_by_unit": ("appraisal",),
    "funds_by_source": ("villages",),
}


def projections_of(keys: list[str]) -> set[str]:
    """The projections the figures ``keys`` read."""
    return {p for k in keys for p in PROJECTIONS_OF[k]}


async def build(
    pool: asyncpg.Pool, keys: list[str], period: Period, scope: Scope, now: dt.datetime
) -> tuple[list[Figure], dict[str, dict[str, int | str]]]:
    """The figures and the positions they reflect (read before the figures: at least that fresh)."""
    positions = await queries.positions(pool, projections_of(keys))
    return await build_from(pool, keys, period, scope, now), positions


async def build_from(
    db: queries.Reads, keys: list[str], period: Period, scope: Scope, now: dt.datetime
) -> list[Figure]:
    """The figures read from ``db``: the live read models or past folds of them."""
    return [await FIGURES[k](db, period, scope, now) for k in keys]
