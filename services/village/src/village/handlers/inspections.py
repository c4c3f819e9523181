"""Commands of standardization inspections: open a round, record a village, close a finding."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.village import ChecklistAspect, Finding, InspectionTeam, RoundVillage
from grassroots_common.fields import Key, Name, Text
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from village.authz import authorize, require_role
from village.domain.inspection import Inspection, InspectionRound, inspection_stream_id, round_stream_id
from village.handlers.context import authorized_village, current_policy, load_village, today


class TeamPlan(BaseModel):
    name: Name
    members: list[Name]
    village_ids: list[Key]


class FindingPlan(BaseModel):
    aspect_id: Key
    text: Text
    deadline: dt.date


@dataclass(frozen=True, slots=True)
class OpenRound:
    """Open an inspection round with its teams and villages; without a checklist, the policy's."""

    name: str
    year: int
    opened_on: dt.date
    due_on: dt.date
    checklist: list[ChecklistAspect] | None
    teams: list[TeamPlan]


async def open_round(ctx: CommandContext, command: OpenRound) -> CommandResult:
    c = command
    authorize(ctx.principal, "round.open")
    ids = sorted({v for t in c.teams for v in t.village_ids})
    villages = {v.village_id: v for v in await asyncio.gather(*(load_village(ctx.runtime, i) for i in ids))}
    aspects = c.checklist or (await current_policy(ctx.runtime)).checklist
    round_id = new_id("rnd")
    planned = [
        InspectionTeam(
            team_id=f"team-{n}",
            name=t.name,
            members=t.members,
            villages=[RoundVillage(town_id=villages[v].town_id, village_id=v) for v in t.village_ids],
        )
        for n, t in enumerate(c.teams, start=1)
    ]

    def act(r: InspectionRound) -> dict:
        r.open(
            round_id=round_id,
            name=c.name,
            year=c.year,
            opened_on=c.opened_on,
            due_on=c.due_on,
            checklist=aspects,
            teams=planned,
        )
        return {"round_id": round_id, "villages": len(ids)}

    return await ctx.execute(InspectionRound, round_stream_id(round_id), act)


async def _round(runtime: Runtime, round_id: str) -> InspectionRound:
    stream = round_stream_id(round_id)
    return InspectionRound.from_recorded(stream, await runtime.store.load(stream))


@dataclass(frozen=True, slots=True)
class RecordInspection:
    """Record the inspection of one village of a round: scores per aspect and findings."""

    round_id: str
    village_id: str
    inspected_on: dt.date
    scores: dict[str, int]
    findings: list[FindingPlan]


async def record_inspection(ctx: CommandContext, command: RecordInspection) -> CommandResult:
    c = command
    round_ = await _round(ctx.runtime, c.round_id)
    team = round_.team_of(c.village_id)
    assert round_.opened is not None
    town_id = next(v.town_id for v in team.villages if v.village_id == c.village_id)
    authorize(ctx.principal, "inspection.record", town_id=town_id, village_id=c.village_id)
    checklist = round_.opened.checklist
    planned = [
        Finding(finding_id=new_id("fnd"), aspect_id=f.aspect_id, text=f.text, deadline=f.deadline) for f in c.findings
    ]

    def act(i: Inspection) -> dict:
        total = i.record(
            round_id=c.round_id,
            team_id=team.team_id,
            town_id=town_id,
            village_id=c.village_id,
            checklist=checklist,
            inspected_on=c.inspected_on,
            scores=c.scores,
            findings=planned,
        )
        return {"total_score": total, "finding_ids": [f.finding_id for f in planned]}

    return await ctx.execute(Inspection, inspection_stream_id(c.round_id, c.village_id), act)


@dataclass(frozen=True, slots=True)
class CloseFinding:
    """Close an inspection finding with evidence photos."""

    round_id: str
    village_id: str
    finding_id: str
    closed_on: dt.date
    note: str
    evidence_upload_ids: list[str]


async def close_finding(ctx: CommandContext, command: CloseFinding) -> CommandResult:
    c = command
    # Who may act, before anything the command names is checked (the round's record re-checks it).
    require_role(ctx.principal, "finding.close")
    await authorized_village(ctx, c.village_id, action="finding.close")
    await ctx.require_uploads(c.evidence_upload_ids, field="evidence_upload_ids")
    day = today(ctx.runtime)

    def act(i: Inspection) -> None:
        if i.recorded is not None:
            authorize(ctx.principal, "finding.close", town_id=i.recorded.town_id, village_id=c.village_id)
        i.close_finding(
            finding_id=c.finding_id,
            closed_on=c.closed_on,
            note=c.note,
            evidence_upload_ids=c.evidence_upload_ids,
            today=day,
        )

    return await ctx.execute(Inspection, inspection_stream_id(c.round_id, c.village_id), act)
