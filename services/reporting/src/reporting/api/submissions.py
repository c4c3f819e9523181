"""Weekly-log submissions by unit, for a week."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from grassroots_common.http.dependencies import PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.routing import api_router
from reporting import authz, queries
from reporting.projections import SubmissionsProjection

router = api_router(prefix="/api/v1/submissions", tags=["submissions"])


class UnitSubmissions(Answer):
    unit_id: str
    submitted: int
    late: int
    revised: int


class WeekSubmissions(Answer):
    week: str
    units: list[UnitSubmissions]
    positions: dict[str, dict[str, int | str]]


@router.get("", summary="Weekly logs submitted and late, by unit")
async def submissions(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Annotated[dict, Depends(ReadAfter(SubmissionsProjection))],
    week: Annotated[str, Query(pattern=r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$", examples=["2026-W47"])],
) -> WeekSubmissions:
    unit = authz.unit_scope(principal)
    rows = await queries.submissions_by_unit(runtime.pool, week, unit)
    return WeekSubmissions(week=week, units=[UnitSubmissions(**dict(r)) for r in rows], positions=positions)
