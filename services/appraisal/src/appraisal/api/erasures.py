"""Erasing a person's personal data (PIPL): an operator's audited command, and its record.

The appraisal service keeps the roster and carries erasures on its stream, which every service
reads (``grassroots_common.erasure``): each rebuilds its read models without the person.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Path
from pydantic import Field

from appraisal import queries
from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult
from grassroots_common.erasure import ErasureProjection, erase_person, erasures
from grassroots_common.errors import Forbidden, Unavailable
from grassroots_common.fields import Key, Text
from grassroots_common.http.dependencies import CommandDep, PrincipalDep, ReadAfter, RuntimeDep
from grassroots_common.http.models import Answer, Body
from grassroots_common.keystore import Keystore
from grassroots_common.routing import api_router
from grassroots_common.runtime import Runtime

router = api_router(prefix="/api/v1/erasures", tags=["erasures"])

PersonPath = Annotated[str, Path(min_length=1, max_length=128, pattern="^[^\x00-\x1f\x7f-\x9f/]+$")]


def _require_operator(principal: Principal) -> None:
    if not principal.has("operator"):
        raise Forbidden("operator_required", "删除个人信息只能由运维人员操作")


def _keystore(runtime: Runtime) -> Keystore:
    if runtime.keystore is None:
        raise Unavailable("keystore_unavailable", "密钥库暂时不可用，请稍后再试")
    return runtime.keystore


class ErasureBody(Body):
    person_id: Key = Field(
        min_length=1, description="要删除其个人信息的人员编号（花名册中的编号）", examples=["p_0192"]
    )
    reason: Text = Field(
        min_length=2,
        max_length=500,
        description="删除的依据：本人申请及其日期、法定情形等，写入审计记录",
        examples=["本人于 2026-11-30 书面申请删除个人信息（已离职）"],
    )


class ErasureSubject(Answer):
    person_id: str
    state: str = Field(description="active：可删除；erased：已删除；unknown：没有任何记录提到此人")
    person_name: str | None = Field(default=None, description="花名册中的姓名（删除前用于核对）")
    unit_name: str | None = None


class ErasureRecord(Answer):
    person_id: str
    erased_at: dt.datetime
    reason: str
    actor_id: str
    actor_name: str
    scrubbed_at: dt.datetime | None = Field(
        default=None, description="本服务的读模型已重建、不再含此人的时间；为空表示正在重建"
    )


@router.get("/subjects/{person_id}", summary="Whom an erasure would erase, before it is done (operators)")
async def subject(person_id: PersonPath, runtime: RuntimeDep, principal: PrincipalDep) -> ErasureSubject:
    _require_operator(principal)
    state = await _keystore(runtime).state(person_id)
    row = await queries.person(runtime.pool, person_id)
    unit = await queries.unit_name(runtime.pool, row["unit_id"]) if row is not None else None
    return ErasureSubject(
        person_id=person_id,
        state=state or "unknown",
        person_name=row["person_name"] if row is not None else None,
        unit_name=unit,
    )


@router.post("", summary="Erase a person's personal data: their key deleted, every read model rebuilt (operators)")
async def erase(body: ErasureBody, ctx: CommandDep) -> CommandResult:
    _require_operator(ctx.principal)
    runtime = ctx.runtime
    return await erase_person(
        runtime.store,
        _keystore(runtime),
        body.person_id,
        body.reason,
        ctx.meta,
        runtime.now(),
        idempotency=ctx.idempotency,
    )


Projected = Annotated[dict, Depends(ReadAfter(ErasureProjection))]


@router.get("", summary="The erasures done, the latest first, with whether the read models are rebuilt (operators)")
async def list_erasures(runtime: RuntimeDep, principal: PrincipalDep, positions: Projected) -> list[ErasureRecord]:
    _require_operator(principal)
    return [ErasureRecord(**dict(r)) for r in await erasures(runtime.pool)]
