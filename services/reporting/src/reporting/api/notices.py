"""Notices (通报): generate for a period, list, read as JSON, download as Word or Excel."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import Query
from fastapi.responses import Response
from pydantic import Field

from grassroots_common.fields import Key
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from reporting import authz, notices, periods
from reporting.api.models import DOCX, XLSX, FigureOut, Positions, attachment
from reporting.documents import notice_docx
from reporting.workbook import workbook

router = api_router(prefix="/api/v1/notices", tags=["notices"])

NoticeKind = Literal["weekly", "monthly", "quarterly"]


class GenerateNoticeBody(Body):
    kind: NoticeKind = Field(description="weekly 周通报, monthly 月通报, quarterly 季度通报")
    period: Key = Field(
        pattern=periods.PERIOD_PATTERN, examples=["2026-W47"], description="2026-W47, 2026-11 or 2026-Q4"
    )

    model_config = {"json_schema_extra": {"examples": [{"kind": "weekly", "period": "2026-W47"}]}}


class NoticeOut(Answer):
    id: int
    code: str
    kind: NoticeKind
    kind_name: str
    period: str
    year: int
    number: int
    title: str
    issuer: str
    summary: str
    sections: list[FigureOut]
    positions: Positions
    generated_at: dt.datetime
    generated_by: str


@router.post("", summary="Generate the notice of a period (district organization department)", status_code=201)
async def generate_notice(body: GenerateNoticeBody, runtime: RuntimeDep, principal: PrincipalDep) -> NoticeOut:
    authz.require_role(principal, "document.issue")
    notice = await notices.generate(runtime.pool, body.kind, periods.parse(body.period), principal.sub, runtime.clock())
    return NoticeOut(**notice)


@router.get("", summary="Notices issued, newest first")
async def list_notices(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    kind: NoticeKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[NoticeOut]:
    authz.require_role(principal, "document.read")
    items, total = await notices.list_page(runtime.pool, kind, year, page.limit, page.offset)
    return Page.of([NoticeOut(**n) for n in items], total, page)


@router.get("/{notice_id}.docx", summary="The notice as a Word document", response_class=Response)
async def notice_document(notice_id: int, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    authz.require_role(principal, "document.read")
    notice = await notices.get(runtime.pool, notice_id)
    return Response(notice_docx(notice), media_type=DOCX, headers=attachment(f"{notice['code']}.docx"))


@router.get("/{notice_id}.xlsx", summary="The notice's tables as an Excel workbook", response_class=Response)
async def notice_workbook(notice_id: int, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    authz.require_role(principal, "document.read")
    n = await notices.get(runtime.pool, notice_id)
    about = {
        "编号": n["code"],
        "期间": n["period"],
        "生成时间": n["generated_at"].isoformat(),
        "数据位置": n["positions"],
    }
    body = workbook(n["title"], n["sections"], about)
    return Response(body, media_type=XLSX, headers=attachment(f"{n['code']}.xlsx"))


@router.get("/{notice_id}", summary="One notice with its figures and the positions they reflect")
async def get_notice(notice_id: int, runtime: RuntimeDep, principal: PrincipalDep) -> NoticeOut:
    authz.require_role(principal, "document.read")
    return NoticeOut(**await notices.get(runtime.pool, notice_id))
