"""Commands of secretary projects (书记项目): register, fund, attract investment, report milestones
and income."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.village import DevelopmentModel, FundingSource, SupervisorLevel
from grassroots_common.errors import Invalid
from grassroots_common.ids import new_id
from village.authz import authorize, require_role
from village.domain.project import Project, project_stream_id
from village.handlers.context import authorized_village, today


@dataclass(frozen=True, slots=True)
class RegisterProject:
    """Register a secretary project; a village secretary registering their own may omit the owner."""

    village_id: str
    name: str
    description: str
    owner_id: str | None
    owner_name: str | None
    supervisor_level: SupervisorLevel
    supervisor_name: str
    model: DevelopmentModel
    budget_fen: int
    starts_on: dt.date
    due_on: dt.date


async def register_project(ctx: CommandContext, command: RegisterProject) -> CommandResult:
    c, principal = command, ctx.principal
    village = await authorized_village(ctx, c.village_id, action="project.register")
    owner_id, owner_name = c.owner_id, c.owner_name
    if principal.has("village_secretary") and principal.scope("village") == c.village_id:
        owner_id, owner_name = owner_id or principal.sub, owner_name or principal.name
    if not owner_id or not owner_name:
        raise Invalid("owner_required", "请填写项目负责人（村党组织书记）", field="owner_name")
    project_id = new_id("prj")

    def act(p: Project) -> dict:
        p.register(
            project_id=project_id,
            town_id=village.town_id,
            village_id=c.village_id,
            name=c.name,
            description=c.description,
            owner_id=owner_id,
            owner_name=owner_name,
            supervisor_level=c.supervisor_level,
            supervisor_name=c.supervisor_name,
            model=c.model,
            budget_fen=c.budget_fen,
            year=c.starts_on.year,
            starts_on=c.starts_on,
            due_on=c.due_on,
        )
        return {"project_id": project_id}

    return await ctx.execute(Project, project_stream_id(project_id), act)


async def _on_project(ctx: CommandContext, project_id: str, decide) -> CommandResult:
    def act(p: Project) -> dict | None:
        authorize(ctx.principal, "project.report", town_id=p.town_id, village_id=p.village_id)
        return decide(p)

    return await ctx.execute(Project, project_stream_id(project_id), act)


@dataclass(frozen=True, slots=True)
class FundProject:
    """Record funding a project received (ProjectFunded)."""

    project_id: str
    source: FundingSource
    funder: str
    amount_fen: int
    received_on: dt.date


async def fund(ctx: CommandContext, command: FundProject) -> CommandResult:
    c = command
    funding_id = new_id("fnd")

    def decide(p: Project) -> dict:
        p.fund(
            funding_id=funding_id, source=c.source, funder=c.funder, amount_fen=c.amount_fen, received_on=c.received_on
        )
        return {"funding_id": funding_id, "funded_fen": p.funded_fen}

    return await _on_project(ctx, c.project_id, decide)


@dataclass(frozen=True, slots=True)
class AttractInvestment:
    """Record investment a project attracted (招商引资)."""

    project_id: str
    investor: str
    amount_fen: int
    signed_on: dt.date


async def attract(ctx: CommandContext, command: AttractInvestment) -> CommandResult:
    c = command
    investment_id = new_id("inv")

    def decide(p: Project) -> dict:
        p.attract(investment_id=investment_id, investor=c.investor, amount_fen=c.amount_fen, signed_on=c.signed_on)
        return {"investment_id": investment_id, "invested_fen": p.invested_fen}

    return await _on_project(ctx, c.project_id, decide)


@dataclass(frozen=True, slots=True)
class ReportMilestone:
    """Report a project's milestone with its progress and evidence photos."""

    project_id: str
    title: str
    progress_pct: int
    reason: str
    evidence_upload_ids: list[str]


async def report_milestone(ctx: CommandContext, command: ReportMilestone) -> CommandResult:
    c = command
    # Who may act, before anything the command names is checked (``_on_project`` re-checks it).
    require_role(ctx.principal, "project.report")
    project = await ctx.load(Project, project_stream_id(c.project_id))
    authorize(ctx.principal, "project.report", town_id=project.town_id, village_id=project.village_id)
    await ctx.require_uploads(c.evidence_upload_ids, field="evidence_upload_ids")
    milestone_id, on = new_id("mst"), today(ctx.runtime)

    def decide(p: Project) -> dict:
        p.report_milestone(
            milestone_id=milestone_id,
            title=c.title,
            progress_pct=c.progress_pct,
            reason=c.reason,
            evidence_upload_ids=c.evidence_upload_ids,
            reported_on=on,
        )
        return {"milestone_id": milestone_id, "progress_pct": c.progress_pct}

    return await _on_project(ctx, c.project_id, decide)


@dataclass(frozen=True, slots=True)
class ReportProjectIncome:
    """Report income a project produced."""

    project_id: str
    year: int
    amount_fen: int
    note: str


async def report_income(ctx: CommandContext, command: ReportProjectIncome) -> CommandResult:
    c = command
    income_id, on = new_id("pin"), today(ctx.runtime)

    def decide(p: Project) -> dict:
        p.report_income(income_id=income_id, year=c.year, amount_fen=c.amount_fen, note=c.note, reported_on=on)
        return {"income_id": income_id, "income_fen": p.income_fen}

    return await _on_project(ctx, c.project_id, decide)
