"""Bulletins (简报): compose a numbered issue from text and figure blocks; read; download as Word."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import Response
from pydantic import Field, model_validator

from grassroots_common.fields import Key, Name, Text
from grassroots_common.http.dependencies import PrincipalDep, RuntimeDep
from grassroots_common.http.models import Answer, Body
from grassroots_common.paging import Page, PageDep
from grassroots_common.routing import api_router
from reporting import authz, bulletins, periods
from reporting.api.models import DOCX, Positions, attachment
from reporting.documents import bulletin_docx
from reporting.figures import FIGURES, Scope
from reporting.notices import ISSUER

router = api_router(prefix="/api/v1/bulletins", tags=["bulletins"])

FigureKey = Literal[tuple(FIGURES)]  # type: ignore[valid-type]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class FigureBlockIn(Body):
    key: FigureKey = Field(description="Which figure: see GET /api/v1/statistics for the catalogue")
    period: Key = Field(pattern=periods.PERIOD_PATTERN, examples=["2026-Q3"])
    display: Literal["table", "sentence"] = "table"
    unit: Id | None = None
    town: Id | None = None
    community: Id | None = None


class SectionIn(Body):
    heading: Name = Field(default="", max_length=100, examples=["一、平时考核推进情况"])
    text: Text | None = Field(default=None, max_length=20_000, examples=["全区各单位扎实推进周纪实工作。"])
    figure: FigureBlockIn | None = None

    @model_validator(mode="after")
    def has_content(self) -> SectionIn:
        if not (self.text and self.text.strip()) and self.figure is None:
            raise ValueError("每一节需要正文或数据图表")
        return self


class CreateBulletinBody(Body):
    title: Name = Field(
        min_length=4, max_length=120, examples=["凤翔区“周纪实、月小结、季考评、年评鉴”推动平时考核走深走实"]
    )
    issuer: Name = Field(default=ISSUER, min_length=2, max_length=60)
    issued_on: dt.date | None = Field(default=None, description="Defaults to today (Beijing time)")
    editor_note: Text = Field(default="", max_length=2000)
    sections: list[SectionIn] = Field(min_length=1, max_length=30)
    distribution: list[Annotated[Name, Field(min_length=1, max_length=60)]] = Field(
        default=[], max_length=40, examples=[["市委组织部", "区委各常委", "各镇（街道）党（工）委"]]
    )

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "title": "凤翔区平时考核工作进展",
                    "editor_note": "现将各单位平时考核推进情况刊发，供学习借鉴。",
                    "sections": [
                        {"heading": "一、总体情况", "text": "全区平时考核工作有序推进。"},
                        {"heading": "二、周纪实", "figure": {"key": "log_submission", "period": "2026-11"}},
                    ],
                    "distribution": ["市委组织部", "区级各部门"],
                }
            ]
        },
    }


class BulletinSectionOut(Answer):
    heading: str
    kind: Literal["text", "figure"]
    text: str = ""
    display: Literal["table", "sentence"] | None = None
    period: str | None = None
    figure: dict[str, Any] | None = None


class BulletinOut(Answer):
    id: int
    series: str
    year: int
    issue: int
    issue_label: str
    title: str
    issuer: str
    issued_on: dt.date
    editor_note: str
    sections: list[BulletinSectionOut]
    distribution: list[str]
    positions: Positions
    created_at: dt.datetime
    created_by: str


@router.post("", summary="Issue the next numbered bulletin of the year", status_code=201)
async def create_bulletin(body: CreateBulletinBody, runtime: RuntimeDep, principal: PrincipalDep) -> BulletinOut:
    authz.require_role(principal, "document.issue")
    now = runtime.clock()
    request = bulletins.BulletinRequest(
        title=body.title.strip(),
        issuer=body.issuer.strip(),
        issued_on=body.issued_on or now.astimezone(periods.BEIJING).date(),
        editor_note=body.editor_note.strip(),
        sections=[
            bulletins.SectionRequest(
                heading=s.heading.strip(),
                text=s.text,
                figure=None
                if s.figure is None
                else bulletins.FigureRequest(
                    s.figure.key,
                    s.figure.period,
                    s.figure.display,
                    Scope(unit=s.figure.unit, town=s.figure.town, community=s.figure.community),
                ),
            )
            for s in body.sections
        ],
        distribution=[d.strip() for d in body.distribution],
    )
    return BulletinOut(**await bulletins.create(runtime.pool, request, principal.sub, now))


@router.get("", summary="Bulletins, newest first")
async def list_bulletins(
    runtime: RuntimeDep,
    principal: PrincipalDep,
    page: PageDep,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Page[BulletinOut]:
    authz.require_role(principal, "document.read")
    items, total = await bulletins.list_page(runtime.pool, year, page.limit, page.offset)
    return Page.of([BulletinOut(**b) for b in items], total, page)


@router.get("/{bulletin_id}.docx", summary="The bulletin as a Word document", response_class=Response)
async def bulletin_document(bulletin_id: int, runtime: RuntimeDep, principal: PrincipalDep) -> Response:
    authz.require_role(principal, "document.read")
    b = await bulletins.get(runtime.pool, bulletin_id)
    name = f"{b['series']}{b['year']}年第{b['issue']}期.docx"
    return Response(bulletin_docx(b), media_type=DOCX, headers=attachment(name))


@router.get("/{bulletin_id}", summary="One bulletin with its sections and the positions its figures reflect")
async def get_bulletin(bulletin_id: int, runtime: RuntimeDep, principal: PrincipalDep) -> BulletinOut:
    authz.require_role(principal, "document.read")
    return BulletinOut(**await bulletins.get(runtime.pool, bulletin_id))
