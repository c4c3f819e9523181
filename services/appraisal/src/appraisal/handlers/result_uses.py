"""The use of results (五挂钩)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.annual import AnnualReview, annual_stream_id
from appraisal.domain.result_use import ResultUses, result_use_stream_id
from appraisal.domain.roster import Roster, roster_stream_id
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import ResultUseKind


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """Record a use of a person's results (五挂钩)."""

    unit_id: str
    person_id: str
    kind: ResultUseKind
    year: int
    basis: str
    decided_on: dt.date
    backfill_reason: str | None = None


async def apply_result(ctx: CommandContext, command: ApplyResult) -> CommandResult:
    authz.in_unit(ctx.principal, "result.apply", command.unit_id)
    member = (await ctx.load(Roster, roster_stream_id(command.unit_id))).member(command.person_id)
    annual = await ctx.load(AnnualReview, annual_stream_id(command.unit_id, command.year))

    def act(uses: ResultUses) -> None:
        uses.apply(
            unit_id=command.unit_id,
            person_id=command.person_id,
            person_name=member.person_name,
            kind=command.kind,
            year=command.year,
            basis=command.basis,
            decided_on=command.decided_on,
            annual_held=bool(annual.unit_id),
            annual_grade=annual.decided.get(command.person_id),
            backfill_reason=command.backfill_reason,
        )

    return await ctx.execute(ResultUses, result_use_stream_id(command.person_id), act)
