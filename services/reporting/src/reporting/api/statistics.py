"""Statistics across services for a period and a unit / town / community filter, with Excel export."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import Response

from grassroots_common.as_of import check_as_of
from grassroots_common.clock import real_now
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.routing import api_router
from reporting import authz, figures, periods
from reporting.api.models import XLSX, FigureOut, Positions, attachment
from reporting.past import past_read_models
from reporting.workbook import workbook

router = api_router(prefix="/api/v1/statistics", tags=["statistics"])

Id = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
PeriodQuery = Annotated[
    str | None,
    Query(
        pattern=periods.PERIOD_PATTERN,
        examples=["2026-Q3"],
        description="Week, month, quarter or year; default: this quarter",
    ),
]
AsOfQuery = Annotated[
    dt.datetime | None,
    Query(description="The figures as they stood at this time (ISO 8601 with a zone), folded from the events"),
]
APPRAISAL = ["log_submission", "summary_submission", "review_progress", "result_use_by_kind", "result_use_by_unit"]


class ScopeOut(Answer):
    unit: str | None
    town: str | None
    community: str | None


class StatisticsOut(Answer):
    period: str
    period_label: str
    scope: ScopeOut
    figures: list[FigureOut]
    positions: Positions
    as_of: dt.datetime | None = None


async def _statistics(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    period: PeriodQuery = None,
    unit: Id = None,
    town: Id = None,
    community: Id = None,
    as_of: AsOfQuery = None,
) -> StatisticsOut:
    """The figures a request asks for (its period, its unit / town / community, its time): what both
    the answer and the workbook hold."""
    scope = authz.statistics_scope(principal, figures.Scope(unit=unit, town=town, community=community))
    at = check_as_of(as_of, real_now())
    # In the past, "now" is that time: what had fallen due by then, from the events recorded by then.
    now = at or runtime.clock()
    p = periods.parse(period) if period else periods.containing("quarter", now.astimezone(periods.BEIJING).date())
    # A unit administrator sees their unit's appraisal figures; grid and village figures are district-wide.
    keys = APPRAISAL if scope.unit and not authz.reads_all(principal) else list(figures.FIGURES)
    if at is None:
        built, positions = await figures.build(runtime.pool, keys, p, scope, now)
    else:
        async with past_read_models(runtime, figures.projections_of(keys), at) as then:
            built = await figures.build_from(then, keys, p, scope, now)
            positions = then.past.positions
    return StatisticsOut(
        period=p.code,
        period_label=p.label,
        scope=ScopeOut(unit=scope.unit, town=scope.town, community=scope.community),
        figures=[FigureOut(**f.as_dict()) for f in built],
        positions=positions,
        as_of=at,
    )


Statistics = Annotated[StatisticsOut, Depends(_statistics)]


@router.get("", summary="Counts and rates across services (一键统计)")
async def statistics(stats: Statistics) -> StatisticsOut:
    return stats


@router.get(".xlsx", summary="The same tables as an Excel workbook (一键导出)", response_class=Response)
async def statistics_workbook(runtime: RuntimeDep, stats: Statistics) -> Response:
    about = {
        "期间": stats.period_label,
        "单位": stats.scope.unit or "全部",
        "镇": stats.scope.town or "全部",
        "社区": stats.scope.community or "全部",
        "生成时间": runtime.clock().isoformat(),
        **({"统计时点": stats.as_of.astimezone(periods.BEIJING).strftime("%Y-%m-%d %H:%M")} if stats.as_of else {}),
        "数据位置": stats.positions,
    }
    body = workbook(f"统计报表 {stats.period_label}", [f.model_dump() for f in stats.figures], about)
    return Response(body, media_type=XLSX, headers=attachment(f"统计报表-{stats.period}.xlsx"))
