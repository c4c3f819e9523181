"""Patrol reports: file from the grid, resolve on the spot, or escalate to the community."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import Field

from grassroots_common.commands import CommandResult
from grassroots_common.contracts.grid import Urgency
from grassroots_common.errors import Forbidden, NotFound
from grassroots_common.fields import Key, Name, Text
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from grid import authz, queries
from grid.api.models import CATEGORY_PATTERN, ID_PATTERN, Id, ReportOut, TwinOut, UploadIds
from grid.domain.report import REJOIN_DAYS, TWIN_RADIUS_M
from grid.handlers import reports as handlers
from grid.projections import HierarchyProjection, ReportsProjection, TicketsProjection

router = api_router(prefix="/api/v1/reports", tags=["patrol reports"])

ReportPath = Annotated[str, Path(pattern=ID_PATTERN)]
Positions = Annotated[dict, Depends(ReadAfter(ReportsProjection, joined=(TicketsProjection, HierarchyProjection)))]


class FileReportBody(Body):
    category: Key = Field(pattern=CATEGORY_PATTERN, examples=["sanitation"])
    text: Text = Field(min_length=4, max_length=1000, examples=["东大街 12 号门前垃圾堆积三天未清运"])
    address: Name = Field(min_length=2, max_length=200, examples=["东大街 12 号"])
    latitude: float | None = Field(default=None, ge=-90, le=90, examples=[34.5213])
    longitude: float | None = Field(default=None, ge=-180, le=180, examples=[107.3926])
    photo_upload_ids: UploadIds
    urgency: Urgency = "normal"
    grid_id: Id | None = Field(
        default=None, description="Only for 网格指导员 and 总网格长; others report in their grid"
    )


class ResolveBody(Body):
    resolution: Text = Field(min_length=2, max_length=1000, examples=["已联系保洁员当场清运"])
    photo_upload_ids: UploadIds


class EscalateBody(Body):
    reason: Text = Field(min_length=2, max_length=500, examples=["涉及管网破损，需住建部门处理"])


class JoinBody(Body):
    note: Text = Field(default="", max_length=500, examples=["今早路过又看到了，比昨天更多"])
    photo_upload_ids: UploadIds


class MergeBody(Body):
    into: Id = Field(description="The report to keep; this one is its duplicate")


@router.post("", summary="File a report from patrol (category, text, address, photos, urgency)")
async def file_report(body: FileReportBody, ctx: CommandDep) -> CommandResult:
    return await handlers.file_report(ctx, handlers.FileReport(**body.model_dump()))


@router.get("", summary="Reports: my grid's, or my community's for dispatchers")
async def list_reports(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    state: Annotated[str | None, Query(pattern="^(filed|resolved|escalated|merged)$")] = None,
    grid_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    dispatched: Annotated[
        bool | None,
        Query(description="false: no ticket dispatched from the report yet (待派单); true: a ticket was dispatched"),
    ] = None,
) -> Page[ReportOut]:
    community, own_grid = authz.read_reports(principal, grid_id)
    if grid_id is not None and community is not None and own_grid is None:
        grid_community = await queries.grid_community(runtime.pool, grid_id)
        if grid_community is not None and grid_community != community:
            raise Forbidden("not_your_community", "只能查看本社区网格的上报")
    rows, total = await queries.reports(
        runtime.pool,
        community_id=community,
        grid_id=own_grid or grid_id,
        co_reporter_id=principal.sub if own_grid else None,
        state=state,
        dispatched=dispatched,
        limit=page.limit,
        offset=page.offset,
    )
    return Page[ReportOut].of([ReportOut.model_validate(r) for r in rows], total, page, positions)


@router.get("/twins", summary="Twins of a report about to be filed: same category, within 50 m, open or lately closed")
async def report_twins(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Positions,
    category: Annotated[str, Query(pattern=CATEGORY_PATTERN)],
    latitude: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    longitude: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    exclude: Annotated[str | None, Query(pattern=ID_PATTERN, description="A report to leave out (merging)")] = None,
) -> list[TwinOut]:
    community = authz.twins(principal)
    rows = await queries.twins(
        runtime.pool,
        community_id=community,
        category=category,
        latitude=latitude,
        longitude=longitude,
        radius_m=TWIN_RADIUS_M,
        closed_within=dt.timedelta(days=REJOIN_DAYS),
        now=runtime.clock(),
        exclude=exclude,
    )
    return [
        TwinOut.model_validate(
            {
                **r,
                "title": r["ticket_title"] or r["text"],
                "distance_m": round(r["distance_m"]),
                "co_reporters": len(r["co_reporters"] or []),
                "joined": r["reporter_id"] == principal.sub or principal.sub in (r["co_reporter_ids"] or []),
            }
        )
        for r in rows
    ]


@router.get("/{report_id}", summary="One report")
async def get_report(
    report_id: ReportPath, runtime: RuntimeDep, principal: PrincipalDep, positions: Positions
) -> ReportOut:
    row = await queries.report(runtime.pool, report_id)
    if row is None:
        raise NotFound("report_not_found", "找不到该上报")
    community, grid = authz.read_reports(principal)
    joined = principal.sub in (row["co_reporter_ids"] or [])
    if (community and row["community_id"] != community) or (grid and row["grid_id"] != grid and not joined):
        raise NotFound("report_not_found", "找不到该上报")
    return ReportOut.model_validate(row)


@router.post("/{report_id}/resolution", summary="Resolve in the grid (小事不出网格)")
async def resolve_report(report_id: ReportPath, body: ResolveBody, ctx: CommandDep) -> CommandResult:
    return await handlers.resolve_report(ctx, handlers.ResolveReport(report_id=report_id, **body.model_dump()))


@router.post("/{report_id}/escalation", summary="Escalate to the community for dispatch")
async def escalate_report(report_id: ReportPath, body: EscalateBody, ctx: CommandDep) -> CommandResult:
    return await handlers.escalate_report(ctx, handlers.EscalateReport(report_id=report_id, **body.model_dump()))


@router.post("/{report_id}/co-reporters", summary="Join a report as a co-reporter (the same matter, found again)")
async def join_report(report_id: ReportPath, body: JoinBody, ctx: CommandDep) -> CommandResult:
    return await handlers.join_report(ctx, handlers.JoinReport(report_id=report_id, **body.model_dump()))


@router.post("/{report_id}/merge", summary="Merge this duplicate into another report (the dispatcher)")
async def merge_report(report_id: ReportPath, body: MergeBody, ctx: CommandDep) -> CommandResult:
    return await handlers.merge_report(ctx, handlers.MergeReport(report_id=report_id, **body.model_dump()))
