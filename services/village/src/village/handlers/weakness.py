"""Commands of weak-and-lax organization rectification (软弱涣散整顿)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.village import RectificationMeasure, WeaknessCriterion
from village.authz import require_role
from village.domain.weakness import WeaknessCase, weakness_stream_id
from village.handlers.context import authorized_village, today


async def _on_case(
    ctx: CommandContext, village_id: str, year: int, action: str, decide, *, uploads: list[str] = ()
) -> CommandResult:
    require_role(ctx.principal, action)
    village = await authorized_village(ctx, village_id, action=action)
    await ctx.require_uploads(list(uploads), field="evidence_upload_ids")  # once who may act is known
    return await ctx.execute(
        WeaknessCase, weakness_stream_id(village_id, year), lambda case: decide(case, village.town_id)
    )


@dataclass(frozen=True, slots=True)
class ScreenVillage:
    """Record a village's screening of a year against the four criteria."""

    village_id: str
    year: int
    hits: list[WeaknessCriterion]
    screened_on: dt.date
    note: str


async def screen(ctx: CommandContext, command: ScreenVillage) -> CommandResult:
    c, principal = command, ctx.principal
    return await _on_case(
        ctx,
        c.village_id,
        c.year,
        "weakness.screen",
        lambda case, town_id: case.screen(
            town_id=town_id,
            village_id=c.village_id,
            year=c.year,
            hits=c.hits,
            screened_by=principal.name or principal.sub,
            screened_on=c.screened_on,
            note=c.note,
        ),
    )


@dataclass(frozen=True, slots=True)
class DesignateTarget:
    """Designate a village a rectification target of a year."""

    village_id: str
    year: int
    criteria: list[WeaknessCriterion]
    reason: str


async def designate(ctx: CommandContext, command: DesignateTarget) -> CommandResult:
    c = command
    on = today(ctx.runtime)
    return await _on_case(
        ctx,
        c.village_id,
        c.year,
        "weakness.designate",
        lambda case, _town: case.designate(criteria=c.criteria, designated_on=on, reason=c.reason),
    )


@dataclass(frozen=True, slots=True)
class PlanRectification:
    """Set the rectification plan: leader, work group, measures, deadline."""

    village_id: str
    year: int
    responsible_leader: str
    work_group: list[str]
    measures: list[str]
    deadline: dt.date


async def plan(ctx: CommandContext, command: PlanRectification) -> CommandResult:
    c = command
    now = today(ctx.runtime)
    planned = [RectificationMeasure(measure_id=f"m{n}", text=t) for n, t in enumerate(c.measures, start=1)]
    return await _on_case(
        ctx,
        c.village_id,
        c.year,
        "rectification.plan",
        lambda case, _town: case.plan_rectification(
            responsible_leader=c.responsible_leader,
            work_group=c.work_group,
            measures=planned,
            deadline=c.deadline,
            today=now,
        ),
    )


@dataclass(frozen=True, slots=True)
class ReportRectificationProgress:
    """Report progress on one measure of the plan (done closes it)."""

    village_id: str
    year: int
    measure_id: str
    done: bool
    note: str
    evidence_upload_ids: list[str]


async def progress(ctx: CommandContext, command: ReportRectificationProgress) -> CommandResult:
    c = command
    on = today(ctx.runtime)
    return await _on_case(
        ctx,
        c.village_id,
        c.year,
        "rectification.progress",
        lambda case, _town: case.report_progress(
            measure_id=c.measure_id,
            done=c.done,
            note=c.note,
            evidence_upload_ids=c.evidence_upload_ids,
            reported_on=on,
        ),
        uploads=c.evidence_upload_ids,
    )


@dataclass(frozen=True, slots=True)
class AcceptRectification:
    """Accept the rectification and remove the village from the list (销号)."""

    village_id: str
    year: int
    note: str


async def accept(ctx: CommandContext, command: AcceptRectification) -> CommandResult:
    c, principal = command, ctx.principal
    on = today(ctx.runtime)
    return await _on_case(
        ctx,
        c.village_id,
        c.year,
        "rectification.accept",
        lambda case, _town: case.accept(accepted_on=on, accepted_by=principal.name or principal.sub, note=c.note),
    )
