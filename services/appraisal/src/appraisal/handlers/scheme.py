"""The indicator scheme of a unit's year."""

from __future__ import annotations

from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.quarter import quarter_stream_id
from appraisal.domain.scheme import Scheme, scheme_stream_id
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import Indicator


@dataclass(frozen=True, slots=True)
class DefineScheme:
    """Define the unit's indicator scheme for a year."""

    unit_id: str
    year: int
    indicators: list[Indicator]


async def define_scheme(ctx: CommandContext, command: DefineScheme) -> CommandResult:
    authz.in_unit(ctx.principal, "scheme.define", command.unit_id)
    started = False
    for num in range(1, 5):
        if await ctx.runtime.store.load(quarter_stream_id(command.unit_id, f"{command.year}-Q{num}")):
            started = True

    def act(scheme: Scheme) -> dict:
        scheme.define(unit_id=command.unit_id, year=command.year, indicators=command.indicators, quarter_open=started)
        return {"revision": scheme.revision}

    return await ctx.execute(Scheme, scheme_stream_id(command.unit_id, command.year), act)
