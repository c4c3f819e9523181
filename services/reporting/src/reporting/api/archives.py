"""Archives: a civil servant's growth archive, a village's file, a ticket's history — in time order."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Path, Query

from grassroots_common.errors import Forbidden, Invalid, NotFound
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.http.models import Answer
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from reporting import authz, queries
from reporting.api.models import Positions

router = api_router(prefix="/api/v1/archives", tags=["archives"])

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Entry(Answer):
    at: dt.datetime
    source: str
    type: str
    title: str
    detail: dict[str, Any] | None


class QuarterGrade(Answer):
    quarter: str
    unit_id: str | None
    grade: str | None
    section_chief: str | None
    deputy_leader: str | None
    principal_leader: str | None
    adjustments: int
    appeals: int
    published: bool
    finalized: bool


class AnnualGrade(Answer):
    year: int
    unit_id: str | None
    grade: str | None


class GrowthArchive(Answer):
    person_id: str
    name: str | None
    unit_id: str | None
    unit_name: str | None
    active: bool | None
    quarters: list[QuarterGrade]
    annual: list[AnnualGrade]
    timeline: Page[Entry]
    positions: Positions


class VillageIncome(Answer):
    year: int
    income_fen: int | None
    bonus_fen: int | None


class VillageFile(Answer):
    village_id: str
    name: str | None
    town_id: str | None
    town_name: str | None
    level: str | None
    weak_year: int | None
    rectified: bool | None
    incomes: list[VillageIncome]
    timeline: Page[Entry]
    positions: Positions


class TicketHistory(Answer):
    ticket_id: str
    title: str | None
    status: str | None
    community_id: str | None
    department_id: str | None
    dispatched_at: dt.datetime | None
    deadline: dt.datetime | None
    satisfaction: str | None
    timeline: Page[Entry]
    positions: Positions


class PersonHit(Answer):
    person_id: str
    name: str | None
    unit_id: str | None
    unit_name: str | None
    active: bool


@router.get("/people", summary="Find growth archives by a person's name and unit")
async def find_people(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    name: Annotated[str | None, Query(max_length=40, description="姓名（或其中几个字）")] = None,
    unit: Annotated[str | None, Query(max_length=100, description="单位编号或单位名称中的几个字")] = None,
) -> Page[PersonHit]:
    own_unit = authz.person_search_unit(principal)
    if not (name or "").strip() and not (unit or "").strip():
        raise Invalid("search_term_required", "请输入姓名或单位再查找", field="name")
    if own_unit is not None and unit and unit.strip() != own_unit:
        own_name = await runtime.pool.fetchval("SELECT name FROM rpt_appraisal.units WHERE unit_id = $1", own_unit)
        if not own_name or unit.strip() not in own_name:
            raise Forbidden("unit_out_of_scope", "只能查找本单位人员的成长档案")
    rows, total = await queries.find_people(
        runtime.pool, name=name, unit=unit, unit_id=own_unit, limit=page.limit, offset=page.offset
    )
    return Page.of([PersonHit(**dict(r)) for r in rows], total, page)


async def _timeline(runtime, kind: str, subject: str, page) -> Page[Entry]:
    rows, total = await queries.archive_entries(runtime.pool, kind, subject, page.limit, page.offset)
    return Page.of([Entry(**dict(r)) for r in rows], total, page)


@router.get("/people/{person_id}", summary="Growth archive of a civil servant (干部成长档案)")
async def growth_archive(person_id: Id, runtime: RuntimeDep, principal: PrincipalDep, page: PageDep) -> GrowthArchive:
    person = await queries.person(runtime.pool, person_id)
    authz.check_person_archive(principal, person_id, person["unit_id"] if person else None)
    positions = await queries.positions(runtime.pool, ("appraisal", "archives"))
    timeline = await _timeline(runtime, "person", person_id, page)
    if person is None and timeline.total == 0:
        raise NotFound("person_not_found", "档案中没有这个人")
    return GrowthArchive(
        person_id=person_id,
        name=person["name"] if person else None,
        unit_id=person["unit_id"] if person else None,
        unit_name=person["unit_name"] if person else None,
        active=person["active"] if person else None,
        quarters=[QuarterGrade(**dict(r)) for r in await queries.person_quarters(runtime.pool, person_id)],
        annual=[AnnualGrade(**dict(r)) for r in await queries.annual_grades(runtime.pool, person_id)],
        timeline=timeline,
        positions=positions,
    )


@router.get("/villages/{village_id}", summary="File of a village (inspections, rectification, projects, funds, income)")
async def village_file(village_id: Id, runtime: RuntimeDep, principal: PrincipalDep, page: PageDep) -> VillageFile:
    village = await queries.village(runtime.pool, village_id)
    authz.check_village_file(principal, village["town_id"] if village else None, village_id)
    positions = await queries.positions(runtime.pool, ("villages", "archives"))
    timeline = await _timeline(runtime, "village", village_id, page)
    if village is None and timeline.total == 0:
        raise NotFound("village_not_found", "档案中没有这个村")
    info = dict(village) if village else {}
    return VillageFile(
        village_id=village_id,
        name=info.get("name"),
        town_id=info.get("town_id"),
        town_name=info.get("town_name"),
        level=info.get("level"),
        weak_year=info.get("weak_year"),
        rectified=info.get("rectified"),
        incomes=[VillageIncome(**dict(r)) for r in await queries.village_incomes(runtime.pool, village_id)],
        timeline=timeline,
        positions=positions,
    )


@router.get("/tickets/{ticket_id}", summary="History of a ticket, from dispatch to revisit")
async def ticket_history(ticket_id: Id, runtime: RuntimeDep, principal: PrincipalDep, page: PageDep) -> TicketHistory:
    ticket = await queries.ticket(runtime.pool, ticket_id)
    authz.check_ticket_history(
        principal, ticket["community_id"] if ticket else None, ticket["department_id"] if ticket else None
    )
    if ticket is None:
        raise NotFound("ticket_not_found", "找不到该工单")
    positions = await queries.positions(runtime.pool, ("tickets", "archives"))
    return TicketHistory(
        ticket_id=ticket_id,
        title=ticket["title"],
        status=ticket["status"],
        community_id=ticket["community_id"],
        department_id=ticket["department_id"],
        dispatched_at=ticket["dispatched_at"],
        deadline=ticket["deadline"],
        satisfaction=ticket["satisfaction"],
        timeline=await _timeline(runtime, "ticket", ticket_id, page),
        positions=positions,
    )
