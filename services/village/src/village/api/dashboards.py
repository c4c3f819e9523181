"""Town and district dashboards: funds, investment, coverage, progress ranking (比拼晾晒), projects
behind schedule, inspections, rectification, subsidies, bonuses, pairing."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.routing import api_router
from village import queries
from village.api.fields import TOWN_ID, YearQuery, read_after
from village.api.models import Dashboard
from village.authz import authorize
from village.handlers.context import today
from village.projections import PROJECTIONS

router = api_router(prefix="/api/v1/dashboards", tags=["dashboards"])
EVERY_READ_MODEL = tuple(type(p) for p in PROJECTIONS)  # a dashboard joins them all


@router.get("/district", summary="District dashboard: per-town figures and ranking for a year")
async def district(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    year: YearQuery,
    positions: Annotated[dict, read_after(*EVERY_READ_MODEL)],
) -> Dashboard:
    authorize(principal, "district.read")
    found = await queries.dashboard(runtime.pool, year=year, today=today(runtime), town_id=None)
    return Dashboard.model_validate({**found, "positions": positions})


@router.get("/towns/{town_id}", summary="Town dashboard: per-village figures and ranking for a year")
async def town(
    town_id: Annotated[str, Path(pattern=TOWN_ID)],
    runtime: RuntimeDep,
    principal: PrincipalDep,
    year: YearQuery,
    positions: Annotated[dict, read_after(*EVERY_READ_MODEL)],
) -> Dashboard:
    authorize(principal, "town.read", town_id=town_id)
    found = await queries.dashboard(runtime.pool, year=year, today=today(runtime), town_id=town_id)
    return Dashboard.model_validate({**found, "positions": positions})
