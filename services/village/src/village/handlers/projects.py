"""Commands of secretary projects (书记项目): register, fund, attract investment, report milestones
and income."""

from __future__ import annotations

import datetime as dt

from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.village import DevelopmentModel, FundingSource, SupervisorLevel
from grassroots_common.errors import Invalid
from grassroots_common.events import Metadata
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from village.authz import authorize
from village.domain.project import Project, project_stream_id
from village.handlers.context import check_uploads, load_village, today


async def register_project(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    village_id: str,
    name: str,
    description: str,
    owner_id: str | None,
    owner_name: str | None,
    supervisor_level: SupervisorLevel,
    supervisor_name: str,
    model: DevelopmentModel,
    budget_fen: int,
    starts_on: dt.date,
    due_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    village = await load_village(runtime, village_id)
    authorize(principal, "project.register", town_id=village.town_id, village_id=village_id)
    if principal.has("village_secretary") and principal.scope("village") == village_id:
        owner_id, owner_name = owner_id or principal.sub, owner_name or principal.name
    if not owner_id or not owner_name:
        raise Invalid("owner_required", "请填写项目负责人（村党组织书记）", field="owner_name")
    project_id = new_id("prj")

    def act(p: Project) -> dict:
        p.register(
            project_id=project_id,
            town_id=village.town_id,
            village_id=village_id,
            name=name,
            description=description,
            owner_id=owner_id,
            owner_name=owner_name,
            supervisor_level=supervisor_level,
            supervisor_name=supervisor_name,
            model=model,
            budget_fen=budget_fen,
            year=starts_on.year,
            starts_on=starts_on,
            due_on=due_on,
        )
        return {"project_id": project_id}

    return await execute(
        runtime.store,
        Project,
        project_stream_id(project_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def _on_project(
    runtime: Runtime, principal: Principal, meta: Metadata, project_id: str, decide, idempotency: Idempotency | None
) -> CommandResult:
    def act(p: Project) -> dict | None:
        authorize(principal, "project.report", town_id=p.town_id, village_id=p.village_id)
        return decide(p)

    return await execute(
        runtime.store,
        Project,
        project_stream_id(project_id),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )


async def fund(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    project_id: str,
    source: FundingSource,
    funder: str,
    amount_fen: int,
    received_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    funding_id = new_id("fnd")

    def decide(p: Project) -> dict:
        p.fund(funding_id=funding_id, source=source, funder=funder, amount_fen=amount_fen, received_on=received_on)
        return {"funding_id": funding_id, "funded_fen": p.funded_fen}

    return await _on_project(runtime, principal, meta, project_id, decide, idempotency)


async def attract(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    project_id: str,
    investor: str,
    amount_fen: int,
    signed_on: dt.date,
    idempotency: Idempotency | None,
) -> CommandResult:
    investment_id = new_id("inv")

    def decide(p: Project) -> dict:
        p.attract(investment_id=investment_id, investor=investor, amount_fen=amount_fen, signed_on=signed_on)
        return {"investment_id": investment_id, "invested_fen": p.invested_fen}

    return await _on_project(runtime, principal, meta, project_id, decide, idempotency)


async def report_milestone(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    project_id: str,
    title: str,
    progress_pct: int,
    reason: str,
    evidence_upload_ids: list[str],
    idempotency: Idempotency | None,
) -> CommandResult:
    await check_uploads(runtime, evidence_upload_ids)
    milestone_id, on = new_id("mst"), today(runtime)

    def decide(p: Project) -> dict:
        p.report_milestone(
            milestone_id=milestone_id,
            title=title,
            progress_pct=progress_pct,
            reason=reason,
            evidence_upload_ids=evidence_upload_ids,
            reported_on=on,
        )
        return {"milestone_id": milestone_id, "progress_pct": progress_pct}

    return await _on_project(runtime, principal, meta, project_id, decide, idempotency)


async def report_income(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    project_id: str,
    year: int,
    amount_fen: int,
    note: str,
    idempotency: Idempotency | None,
) -> CommandResult:
    income_id, on = new_id("pin"), today(runtime)

    def decide(p: Project) -> dict:
        p.report_income(income_id=income_id, year=year, amount_fen=amount_fen, note=note, reported_on=on)
        return {"income_id": income_id, "income_fen": p.income_fen}

    return await _on_project(runtime, principal, meta, project_id, decide, idempotency)
