"""Boards and figures: the community's dispatch board, a department's queue, overdue tickets, the
department league table and the per-grid workload."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import Field

from grassroots_common.as_of import as_of as past
from grassroots_common.as_of import check_as_of
from grassroots_common.auth import Principal
from grassroots_common.calendar_projection import load_calendar
from grassroots_common.clock import real_now
from grassroots_common.errors import Invalid
from grassroots_common.http.dependencies import PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.paging import Page, PageDep, PageParams
from grassroots_common.routing import api_router
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA
from grid import authz, queries
from grid.api.models import ID_PATTERN, TicketOut
from grid.api.tickets import enrich
from grid.domain.ticket import STATE_NAMES
from grid.projections import HierarchyProjection, ReportsProjection, TicketsProjection

router = api_router(prefix="/api/v1", tags=["boards and figures"])

Positions = Annotated[dict, Depends(ReadAfter(TicketsProjection, joined=(ReportsProjection, HierarchyProjection)))]
STATE_FILTER = f"^({'|'.join(STATE_NAMES)})$"


class Board(Page[TicketOut]):
    counts: dict[str, int]


class LeagueRow(Answer):
    rank: int
    department_id: str
    department_name: str
    assigned: int
    returned: int
    responded_on_time: int
    resolved: int
    resolved_on_time: int
    overdue: int
    revisited: int
    satisfied: int
    partly: int
    unsolved: int
    response_rate: float | None
    on_time_rate: float | None
    satisfaction_rate: float | None
    partly_rate: float | None
    unsolved_rate: float | None
    mean_hours_to_accept: float | None
    mean_hours_to_resolve: float | None


class League(Answer):
    since: dt.date
    until: dt.date
    community_id: str | None
    departments: list[LeagueRow]
    as_of: dt.datetime | None = Field(default=None, description="The time the table stood at; none: live")


class WorkloadRow(Answer):
    grid_id: str
    name: str
    members: int
    reports: int
    resolved_in_grid: int
    escalated: int
    pending_reports: int
    open_tickets: int
    closed_tickets: int
    overdue_tickets: int


def _community_of(principal: Principal, community_id: str | None) -> str | None:
    """The community a board shows: the caller's own, or any for the district."""
    if principal.has(*authz.DISTRICT):
        return community_id
    own = principal.scope("community")
    authz.read_community(principal, community_id or own or "")
    return community_id or own


def _period(since: dt.date | None, until: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    until = until or today
    since = since or until - dt.timedelta(days=90)
    if since > until:
        raise Invalid("period_invalid", "开始日期不能晚于结束日期", field="since")
    if (until - since).days > 731:
        raise Invalid("period_too_long", "统计区间最长两年", field="since")
    return since, until


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


async def _tickets(runtime: Runtime, page: PageParams, **filters: Any) -> tuple[list[TicketOut], int]:
    """One page of the tickets ``queries.tickets`` finds by ``filters``, each with its age and time
    left as of now; and how many there are in all."""
    rows, total = await queries.tickets(runtime.pool, limit=page.limit, offset=page.offset, **filters)
    now, calendar = runtime.clock(), await load_calendar(runtime.pool)
    return [TicketOut.model_validate(enrich(r, now, calendar)) for r in rows], total


async def _board(
    runtime: Runtime, page: PageParams, positions: dict, states: tuple[str, ...], **scope: str | None
) -> Board:
    """A board: one page of the tickets in ``scope`` (a community or a department) in ``states``,
    with the counts by state of all the scope's tickets."""
    items, total = await _tickets(runtime, page, states=states, **scope)
    return Board.of(
        items,
        total,
        page,
        positions,
        counts=await queries.state_counts(runtime.pool, **scope),
    )


@router.get("/boards/dispatch", summary="Community dispatch board: open tickets by state, age and deadline")
async def dispatch_board(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    state: Annotated[str | None, Query(pattern=STATE_FILTER)] = None,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> Board:
    states = (state,) if state else queries.OPEN_TICKET_STATES
    return await _board(runtime, page, positions, states, community_id=_community_of(principal, community_id))


@router.get("/boards/department", summary="My department's queue: tickets to accept, handle and report back")
async def department_queue(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    state: Annotated[str | None, Query(pattern=STATE_FILTER)] = None,
) -> Board:
    states = (state,) if state else queries.IN_DEPARTMENT_STATES
    return await _board(runtime, page, positions, states, department_id=authz.own_department(principal))


@router.get("/boards/overdue", summary="Overdue open tickets: of my community, my department, or all")
async def overdue(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> Page[TicketOut]:
    department = None
    if principal.has("department") and not principal.has("community_admin", *authz.DISTRICT):
        department = authz.own_department(principal)
        community = community_id  # a department's overdue tickets, in one community if it names one
    else:
        community = _community_of(principal, community_id)
    items, total = await _tickets(
        runtime,
        page,
        community_id=community,
        department_id=department,
        states=queries.IN_DEPARTMENT_STATES,
        overdue=True,
    )
    return Page[TicketOut].of(items, total, page, positions)


@router.get("/figures/departments", summary="Department league table: response, on-time, satisfaction rates")
async def department_league(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Positions,
    since: dt.date | None = None,
    until: dt.date | None = None,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    as_of: Annotated[
        dt.datetime | None,
        Query(description="The table as it stood at this time (ISO 8601 with a zone), folded from the events"),
    ] = None,
) -> League:
    authz.read_league(principal, community_id)
    at = check_as_of(as_of, real_now())
    now = at or runtime.clock()
    since, until = _period(since, until, now.astimezone(CHINA).date() if at else now.date())
    period = {"community_id": community_id, "since": _utc(since), "until": _utc(until + dt.timedelta(days=1))}
    if at is None:
        rows = await queries.league(runtime.pool, now=now, **period)
    else:
        async with past(runtime.store, TicketsProjection(), at) as then:
            rows = await queries.league(then.conn, now=at, schema=then.schema, **period)
    return League(
        since=since,
        until=until,
        community_id=community_id,
        departments=[LeagueRow.model_validate(r) for r in rows],
        as_of=at,
    )


@router.get("/figures/grids", summary="Per-grid workload: reports, resolved in grid, escalated, tickets")
async def grid_workload(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Positions,
    since: dt.date | None = None,
    community_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
) -> list[WorkloadRow]:
    community = _community_of(principal, community_id)
    if community is None:
        raise Invalid("community_required", "请指定社区", field="community_id")
    now = runtime.clock()
    start, _ = _period(since, None, now.date())
    rows = await queries.grid_workload(runtime.pool, community, _utc(start))
    return [WorkloadRow.model_validate(r) for r in rows]
