"""Commands of standardization inspections: open a round, record a village, close a finding."""

from __future__ import annotations

import asyncio
import datetime as dt

from pydantic import BaseModel

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.village import ChecklistAspect, Finding, InspectionTeam, RoundVillage
from grassroots_common.events import Metadata
from grassroots_common.fields import Key, Name, Text
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from village.authz import authorize
from village.domain.inspection import Inspection, InspectionRound, inspection_stream_id, round_stream_id
from village.handlers.context import check_uploads, current_policy, load_village, today


class TeamPlan(BaseModel):
    name: Name
    members: list[Name]
    village_ids: list[Key]


class FindingPlan(BaseModel):
    aspect_id: Key
    text: Text
    deadline: dt.date


async def open_round(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    name: str,
    year: int,
    opened_on: dt.date,
    due_on: dt.date,
    checklist: list[ChecklistAspect] | None,
    teams: list[TeamPlan],
    idempotency: Idempotency | None,
) -> CommandResult:
    authorize(principal, "round.open")
    ids = sorted({v for t in teams for v in t.village_ids})
    villages = {v.village_id: v for v in await asyncio.gather(*(load_village(runtime, i) for i in ids))}
    aspects = checklist or (await current_policy(runtime)).checklist
    round_id = new_id("rnd")
    planned = [
        InspectionTeam(
            team_id=f"team-{n}",
            name=t.name,
            members=t.members,
            villages=[RoundVillage(town_id=villages[v].town_id, village_id=v) for v in t.village_ids],
        )
        for n, t in enumerate(teams, start=1)
    ]

    def act(r: InspectionRound) -> dict:
        r.open(
            round_id=round_id,
            name=name,
            year=year,
            opened_on=opened_on,
            due_on=due_on,
            checklist=aspects,
            teams=planned,
        )
        return {"round_id": round_id, "villages": len(ids)}

    return await execute(
        runtime.store,
        InspectionRound,
        round_stream_id(round_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def _round(runtime: Runtime, round_id: str) -> InspectionRound:
    stream = round_stream_id(round_id)
    return InspectionRound.from_recorded(stream, await runtime.store.load(stream))


async def record_inspection(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    round_id: str,
    village_id: str,
    inspected_on: dt.date,
    scores: dict[str, int],
    findings: list[FindingPlan],
    idempotency: Idempotency | None,
) -> CommandResult:
    round_ = await _round(runtime, round_id)
    team = round_.team_of(village_id)
    assert round_.opened is not None
    town_id = next(v.town_id for v in team.villages if v.village_id == village_id)
    authorize(principal, "inspection.record", town_id=town_id, village_id=village_id)
    checklist = round_.opened.checklist
    planned = [
        Finding(finding_id=new_id("fnd"), aspect_id=f.aspect_id, text=f.text, deadline=f.deadline) for f in findings
    ]

    def act(i: Inspection) -> dict:
        total = i.record(
            round_id=round_id,
            team_id=team.team_id,
            town_id=town_id,
            village_id=village_id,
            checklist=checklist,
            inspected_on=inspected_on,
            scores=scores,
            findings=planned,
        )
        return {"total_score": total, "finding_ids": [f.finding_id for f in planned]}

    return await execute(
        runtime.store,
        Inspection,
        inspection_stream_id(round_id, village_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def close_finding(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    round_id: str,
    village_id: str,
    finding_id: str,
    closed_on: dt.date,
    note: str,
    evidence_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    await check_uploads(runtime, evidence_upload_ids)
    day = today(runtime)

    def act(i: Inspection) -> None:
        if i.recorded is not None:
            authorize(principal, "finding.close", town_id=i.recorded.town_id, village_id=village_id)
        i.close_finding(
            finding_id=finding_id,
            closed_on=closed_on,
            note=note,
            evidence_upload_ids=evidence_upload_ids,
            today=day,
        )

    return await execute(
        runtime.store,
        Inspection,
        inspection_stream_id(round_id, village_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )
