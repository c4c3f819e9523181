"""Monthly summaries (月小结): submit or revise."""

from __future__ import annotations

from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.summary import MonthlySummary, summary_stream_id
from appraisal.handlers.context import deadline_setting, deadlines_of
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.events import RecordedEvent


@dataclass(frozen=True, slots=True)
class SubmitSummary:
    """Submit, or revise, one's summary of a month."""

    month: str
    text: str


async def submit_summary(ctx: CommandContext, command: SubmitSummary) -> CommandResult:
    unit_id = authz.own_unit(ctx.principal, "summary.submit")
    now = ctx.now()

    def act(summary: MonthlySummary, setting: RecordedEvent | None) -> dict:
        summary.submit(
            person_id=ctx.principal.sub,
            person_name=ctx.principal.name,
            unit_id=unit_id,
            section_id=ctx.principal.scope("section"),
            month=command.month,
            text=command.text,
            now=now,
            deadlines=deadlines_of(setting),
        )
        return {"month": command.month, "revision": summary.revision, "late": bool(summary.first_late)}

    stream_id = summary_stream_id(ctx.principal.sub, command.month)
    return await ctx.execute(MonthlySummary, stream_id, act, latest=deadline_setting(unit_id), usually_new=True)
