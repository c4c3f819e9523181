"""Units, sections and people (花名册), the Excel import and the indicator scheme per year."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal

from fastapi import Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import Field

from appraisal import authz, handlers, queries
from appraisal.api.deps import ChainIn, PersonPath, UnitId
from appraisal.domain.roster import NewPerson
from appraisal.projections import RosterProjection
from appraisal.roster_sheet import read_roster_sheet, template_workbook
from appraisal.workbook import attachment
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import (
    Dimension,
    Indicator,
    IndicatorKind,
    SubmissionDeadlines,
)
from grassroots_common.errors import Invalid, NotFound, TooLarge
from grassroots_common.fields import Key, Name
from grassroots_common.http.dependencies import (
    CommandDep,
    IdempotencyKeyHeader,
    MetadataDep,
    PrincipalDep,
    ReadAfter,
    RuntimeDep,
    idempotency,
)
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router

router = api_router(prefix="/api/v1/units", tags=["roster and scheme"])

Positions = Annotated[dict, Depends(ReadAfter(RosterProjection))]
Id = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
MAX_SHEET_BYTES = 2 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RegisterUnitBody(Body):
    unit_id: Id = Field(examples=["u_fx_zzb"])
    unit_name: Name = Field(min_length=2, max_length=60, examples=["凤翔区委组织部"])


class SectionBody(Body):
    section_id: Id = Field(examples=["u_fx_zzb-s1"])
    section_name: Name = Field(min_length=2, max_length=40, examples=["组织科"])


class EnrollBody(Body):
    person_id: Id = Field(examples=["p_0192"])
    person_name: Name = Field(min_length=2, max_length=30, examples=["王建国"])
    section_id: Id | None = None
    position: Name = Field(default="", max_length=40, examples=["四级主任科员"])
    birth_date: dt.date | None = Field(default=None, examples=["1986-04-12"])
    id_number: Key | None = Field(default=None, pattern=r"^\d{17}[\dXx]$", description="Kept only as a digest")
    chain: ChainIn = ChainIn()


class ChainBody(Body):
    section_id: Id | None = None
    chain: ChainIn


class PersonDetailsBody(Body):
    person_name: str = Field(min_length=2, max_length=30, examples=["王建国"])
    position: str = Field(default="", max_length=40, examples=["四级主任科员"])
    birth_date: dt.date | None = Field(default=None, examples=["1986-04-12"])
    id_number: str | None = Field(
        default=None,
        pattern=r"^\d{17}[\dXx]$",
        description="A new ID card number (kept only as a digest); omit to keep",
    )


class LeaveBody(Body):
    reason: Literal["transfer", "retirement", "resignation", "other"]
    left_on: dt.date


class IndicatorIn(Body):
    code: Id = Field(examples=["qin-1"])
    name: Name = Field(min_length=2, max_length=60, examples=["工作纪律与出勤"])
    kind: IndicatorKind
    dimension: Dimension
    max_points: float = Field(gt=0, le=100)


class SchemeBody(Body):
    indicators: list[IndicatorIn] = Field(min_length=1, max_length=60)


class DeadlinesBody(Body):
    """The unit's submission deadlines, Beijing time (defaults: Monday 12:00, the 5th at 18:00)."""

    log_weekday: int = Field(ge=1, le=7, description="周纪实截止：次周星期几（1 = 星期一）", examples=[1])
    log_hour: int = Field(ge=0, le=23, description="周纪实截止：几点（北京时间）", examples=[12])
    summary_day: int = Field(ge=1, le=28, description="月小结截止：次月几号", examples=[5])
    summary_hour: int = Field(ge=0, le=23, description="月小结截止：几点（北京时间）", examples=[18])


class UnitOut(Answer):
    unit_id: str
    unit_name: str
    people: int
    sections: int


class PersonOut(Answer):
    person_id: str
    unit_id: str
    person_name: str
    section_id: str | None
    section_name: str | None
    position: str
    birth_date: dt.date | None
    section_chief_id: str | None
    deputy_leader_id: str | None
    principal_leader_id: str | None
    active: bool
    enrolled_on: dt.date
    left_on: dt.date | None
    left_reason: str | None


class SectionOut(Answer):
    section_id: str
    section_name: str


class SchemeOut(Answer):
    unit_id: str
    year: int
    revision: int
    indicators: list[Indicator]
    scored_total: float


@router.post("", summary="Register a unit (district administrator)")
async def register_unit(body: RegisterUnitBody, ctx: CommandDep) -> CommandResult:
    return await handlers.register_unit(
        ctx, handlers.RegisterUnit(unit_id=body.unit_id, unit_name=body.unit_name.strip())
    )


@router.post("/{unit_id}/sections", summary="Create or rename a section (unit administrator)")
async def define_section(unit_id: UnitId, body: SectionBody, ctx: CommandDep) -> CommandResult:
    return await handlers.define_section(
        ctx, handlers.DefineSection(unit_id=unit_id, section_id=body.section_id, section_name=body.section_name.strip())
    )


@router.get("/{unit_id}/deadlines", summary="When the unit's weekly logs and monthly summaries are due")
async def get_deadlines(unit_id: UnitId, runtime: RuntimeDep, principal: PrincipalDep) -> SubmissionDeadlines:
    authz.require_unit_member(principal, unit_id)
    return await handlers.unit_deadlines(runtime, unit_id)


@router.put("/{unit_id}/deadlines", summary="Set the unit's submission deadlines (unit administrator)")
async def configure_deadlines(unit_id: UnitId, body: DeadlinesBody, ctx: CommandDep) -> CommandResult:
    return await handlers.configure_deadlines(
        ctx, handlers.ConfigureDeadlines(unit_id=unit_id, deadlines=SubmissionDeadlines(**body.model_dump()))
    )


@router.post("/{unit_id}/people", summary="Enroll one person (duplicates by name + birth date or ID number refused)")
async def enroll(unit_id: UnitId, body: EnrollBody, ctx: CommandDep) -> CommandResult:
    person = NewPerson(
        person_id=body.person_id,
        person_name=body.person_name.strip(),
        section_id=body.section_id,
        position=body.position.strip(),
        birth_date=body.birth_date,
        id_number=body.id_number.upper() if body.id_number else None,
        chain=body.chain.chain(),
    )
    return await handlers.enroll_person(ctx, handlers.EnrollPerson(unit_id=unit_id, person=person))


@router.post(
    "/{unit_id}/roster-imports",
    summary="Import people from an .xlsx roster; answers the per-row errors in data.errors",
    description="Columns (first row): 人员编号, 姓名, 股室, 职务, 出生日期, 身份证号, 股组长编号, 分管领导编号, 主要领导编号. "
    "Valid rows are enrolled, invalid or duplicate rows are reported with their row number.",
)
async def import_roster(
    unit_id: UnitId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    meta: MetadataDep,
    request: Request,
    file: Annotated[UploadFile, File(description=".xlsx roster")],
    idempotency_key: IdempotencyKeyHeader = None,
) -> CommandResult:
    authz.in_unit(principal, "roster.manage", unit_id)
    content = await file.read(MAX_SHEET_BYTES + 1)
    if len(content) > MAX_SHEET_BYTES:
        raise TooLarge("sheet_too_large", "花名册文件不能超过 2 MB")
    if not content.startswith(b"PK"):
        raise Invalid("sheet_unreadable", "请上传 .xlsx 格式的花名册", field="file")
    rows, errors = read_roster_sheet(content)
    # Not ``CommandDep``, which fingerprints the raw body: a multipart body is consumed by the form
    # by then, and its boundary differs on every retry. A retried upload of the same file with the
    # same key answers the first import again: the file's digest is the fingerprint.
    digest = {"sha256": hashlib.sha256(content).hexdigest()}
    ctx = CommandContext(runtime, principal, meta, idempotency(idempotency_key, principal, request, digest))
    file_name = "".join(ch for ch in (file.filename or "") if ch.isprintable())[:120] or "roster.xlsx"
    return await handlers.import_roster(
        ctx, handlers.ImportRoster(unit_id=unit_id, file_name=file_name, rows=rows, errors=errors)
    )


@router.put("/{unit_id}/people/{person_id}", summary="Correct a person's name, post, birth date or ID number")
async def change_details(
    unit_id: UnitId, person_id: PersonPath, body: PersonDetailsBody, ctx: CommandDep
) -> CommandResult:
    return await handlers.change_person_details(
        ctx,
        handlers.ChangePersonDetails(
            unit_id=unit_id,
            person_id=person_id,
            person_name=body.person_name.strip(),
            position=body.position.strip(),
            birth_date=body.birth_date,
            id_number=body.id_number.upper() if body.id_number else None,
        ),
    )


@router.get(
    "/{unit_id}/roster-template.xlsx",
    summary="An empty roster workbook with the column headers the import reads",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
)
async def roster_template(unit_id: UnitId, principal: PrincipalDep) -> Response:
    authz.in_unit(principal, "roster.manage", unit_id)
    return Response(template_workbook(), media_type=XLSX, headers=attachment("花名册导入模板.xlsx"))


@router.put("/{unit_id}/people/{person_id}/chain", summary="Change a person's section and reviewing chain")
async def change_chain(unit_id: UnitId, person_id: PersonPath, body: ChainBody, ctx: CommandDep) -> CommandResult:
    return await handlers.change_chain(
        ctx,
        handlers.ChangeChain(
            unit_id=unit_id, person_id=person_id, section_id=body.section_id, chain=body.chain.chain()
        ),
    )


@router.post("/{unit_id}/people/{person_id}/departure", summary="Record that a person left (not in the next quarter)")
async def leave(unit_id: UnitId, person_id: PersonPath, body: LeaveBody, ctx: CommandDep) -> CommandResult:
    return await handlers.person_left(
        ctx, handlers.PersonLeft(unit_id=unit_id, person_id=person_id, **body.model_dump())
    )


@router.put("/{unit_id}/schemes/{year}", summary="Define the unit's indicator scheme for a year")
async def define_scheme(
    unit_id: UnitId, year: Annotated[int, Path(ge=2020, le=2100)], body: SchemeBody, ctx: CommandDep
) -> CommandResult:
    return await handlers.define_scheme(
        ctx,
        handlers.DefineScheme(
            unit_id=unit_id, year=year, indicators=[Indicator(**i.model_dump()) for i in body.indicators]
        ),
    )


@router.get("", summary="Units (district administrators: all; others: their own)")
async def list_units(
    runtime: RuntimeDep, principal: PrincipalDep, page: PageDep, positions: Positions
) -> Page[UnitOut]:
    unit = authz.unit_filter(principal)
    rows, total = await queries.list_units(runtime.pool, unit=unit, limit=page.limit, offset=page.offset)
    return Page[UnitOut].of([UnitOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.get("/{unit_id}/people", summary="The unit's roster")
async def list_people(
    unit_id: UnitId,
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    positions: Positions,
    active: Annotated[bool | None, Query()] = True,
) -> Page[PersonOut]:
    authz.in_unit(principal, "unit.read", unit_id)
    rows, total = await queries.list_people(
        runtime.pool, unit=unit_id, active=active, limit=page.limit, offset=page.offset
    )
    return Page[PersonOut].of([PersonOut.model_validate(dict(r)) for r in rows], total, page, positions)


@router.get("/{unit_id}/sections", summary="The unit's sections")
async def list_sections(
    unit_id: UnitId, runtime: RuntimeDep, principal: PrincipalDep, positions: Positions
) -> list[SectionOut]:
    authz.require_unit_member(principal, unit_id)
    return [SectionOut.model_validate(dict(r)) for r in await queries.list_sections(runtime.pool, unit_id)]


@router.get("/{unit_id}/schemes/{year}", summary="The unit's indicator scheme for a year (everyone in the unit)")
async def get_scheme(
    unit_id: UnitId,
    year: Annotated[int, Path(ge=2020, le=2100)],
    runtime: RuntimeDep,
    principal: PrincipalDep,
    positions: Positions,
) -> SchemeOut:
    authz.require_unit_member(principal, unit_id)
    row = await queries.scheme(runtime.pool, unit_id, year)
    if row is None:
        raise NotFound("scheme_not_found", f"本单位尚未制定 {year} 年的指标体系")
    return SchemeOut.model_validate(dict(row))
