"""What the routes share: the common path parameters, the reviewing chain as a body names it, and
whose records a list shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

from appraisal import authz, queries
from appraisal.domain.quarter import QUARTER_PATTERN
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import ReviewingChain
from grassroots_common.errors import Forbidden
from grassroots_common.http.models import Body
from grassroots_common.runtime import Runtime

UnitId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", examples=["u_fx_zzb"])]
PersonPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", examples=["p_0192"])]
QuarterPath = Annotated[str, Path(pattern=QUARTER_PATTERN, examples=["2026-Q3"])]
PersonKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class ChainIn(Body):
    """A reviewing chain: each level's reviewer by person id, or none at that level."""

    section_chief_id: PersonKey | None = None
    deputy_leader_id: PersonKey | None = None
    principal_leader_id: PersonKey | None = None

    def chain(self) -> ReviewingChain:
        return ReviewingChain(**self.model_dump())


async def records_scope(
    runtime: Runtime, principal: Principal, person: str | None, what: str, code: str
) -> authz.RecordsScope:
    """Which records a list shows (``authz.records_scope``); a leader naming one person reads them
    only if they are of that person's reviewing chain."""
    scope = authz.records_scope(principal, person, what, code)
    if scope.reviewer is not None and person is not None:
        authz.require_chain_reader(principal, person, await queries.person_chain(runtime.pool, person), what)
    return scope


async def refuse_other_unit(
    runtime: Runtime, scope: authz.RecordsScope, person: str | None, found: int, what: str
) -> None:
    """A unit administrator who named someone of another unit and found none of their records in
    this one is refused (403), not answered an empty list. Records written while the person was of
    this unit (before a transfer) are still theirs to read."""
    if found or person is None or scope.unit is None or scope.reviewer is not None:
        return
    row = await queries.person(runtime.pool, person)
    if row is not None and row["unit_id"] != scope.unit:
        raise Forbidden("other_unit", f"此人不是本单位人员，不能查看其{what}")
