"""Commands of weak-and-lax organization rectification (软弱涣散整顿)."""

from __future__ import annotations

import datetime as dt

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.village import RectificationMeasure, WeaknessCriterion
from grassroots_common.events import Metadata
from grassroots_common.runtime import Runtime
from village.authz import authorize
from village.domain.weakness import WeaknessCase, weakness_stream_id
from village.handlers.context import check_uploads, load_village, today


async def _on_case(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    village_id: str,
    year: int,
    action: str,
    decide,
    idempotency: Idempotency | None,
) -> CommandResult:
    village = await load_village(runtime, village_id)
    authorize(principal, action, town_id=village.town_id, village_id=village_id)
    return await execute(
        runtime.store,
        WeaknessCase,
        weakness_stream_id(village_id, year),
        lambda case: decide(case, village.town_id),
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def screen(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    hits: list[WeaknessCriterion],
    screened_on: dt.date,
    note: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    return await _on_case(
        runtime,
        principal,
        meta,
        village_id,
        year,
        "weakness.screen",
        lambda case, town_id: case.screen(
            town_id=town_id,
            village_id=village_id,
            year=year,
            hits=hits,
            screened_by=principal.name or principal.sub,
            screened_on=screened_on,
            note=note,
        ),
        idempotency,
    )


async def designate(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    criteria: list[WeaknessCriterion],
    reason: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    on = today(runtime)
    return await _on_case(
        runtime,
        principal,
        meta,
        village_id,
        year,
        "weakness.designate",
        lambda case, _town: case.designate(criteria=criteria, designated_on=on, reason=reason),
        idempotency,
    )


async def plan(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    responsible_leader: str,
    work_group: list[str],
    measures: list[str],
    deadline: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    now = today(runtime)
    planned = [RectificationMeasure(measure_id=f"m{n}", text=t) for n, t in enumerate(measures, start=1)]
    return await _on_case(
        runtime,
        principal,
        meta,
        village_id,
        year,
        "rectification.plan",
        lambda case, _town: case.plan_rectification(
            responsible_leader=responsible_leader, work_group=work_group, measures=planned, deadline=deadline, today=now
        ),
        idempotency,
    )


async def progress(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    measure_id: str,
    done: bool,
    note: str,
    evidence_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    await check_uploads(runtime, evidence_upload_ids)
    on = today(runtime)
    return await _on_case(
        runtime,
        principal,
        meta,
        village_id,
        year,
        "rectification.progress",
        lambda case, _town: case.report_progress(
            measure_id=measure_id, done=done, note=note, evidence_upload_ids=evidence_upload_ids, reported_on=on
        ),
        idempotency,
    )


async def accept(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    year: int,
    note: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    on = today(runtime)
    return await _on_case(
        runtime,
        principal,
        meta,
        village_id,
        year,
        "rectification.accept",
        lambda case, _town: case.accept(accepted_on=on, accepted_by=principal.name or principal.sub, note=note),
        idempotency,
    )
