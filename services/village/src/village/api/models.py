"""Response models of the main village reads (the village file, projects, dashboards), so the
OpenAPI documents them. They mirror the read-model rows the queries answer; ``extra="allow"``
keeps any further column in the answer, so the JSON the web app reads is exactly the rows'."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field

from grassroots_common.http.models import Answer

Positions = dict[str, dict[str, int | str]]


class Row(Answer):
    model_config = ConfigDict(extra="allow")


# --- the village file (村档案) -------------------------------------------------------------------


class VillageRow(Row):
    village_id: str
    town_id: str
    town_name: str
    name: str
    party_org_name: str
    party_org_kind: str
    party_members: int
    households: int
    population: int
    level: str
    level_since: dt.date | None
    secretary_name: str | None
    one_shoulder: bool
    cadres: int
    reserves: int


class CadreRow(Row):
    cadre_id: str
    village_id: str
    town_id: str
    name: str
    position: str
    one_shoulder: bool
    appointed_on: dt.date
    left_on: dt.date | None
    left_reason: str | None


class StatusChangeRow(Row):
    event_id: str
    village_id: str
    town_id: str
    level: str
    previous_level: str
    reason: str
    effective_on: dt.date
    actor_name: str


class SubsidySheetRow(Row):
    month: str
    total_fen: int
    cadres: int
    lines: list[dict[str, Any]]


class IncomeRow(Row):
    village_id: str
    year: int
    town_id: str
    income_fen: int
    reports: int
    bonus_fen: int | None
    threshold_fen: int | None
    awarded_at: dt.datetime | None


class ProjectRow(Row):
    project_id: str
    town_id: str
    village_id: str
    name: str
    description: str
    owner_id: str
    owner_name: str
    supervisor_level: str
    supervisor_name: str
    model: str
    budget_fen: int
    year: int
    starts_on: dt.date
    due_on: dt.date
    progress_pct: int
    last_reported_on: dt.date | None
    funded_fen: int
    invested_fen: int
    income_fen: int
    expected_pct: int


class RoundVillageRow(Row):
    round_id: str
    round_name: str
    village_id: str
    town_id: str
    team_id: str
    team_name: str
    inspected_on: dt.date | None
    total_score: int | None
    max_total: int | None
    scores: list[dict[str, Any]] | None
    findings: int
    open_findings: int


class FindingRow(Row):
    finding_id: str
    round_id: str
    town_id: str
    village_id: str
    aspect_id: str
    text: str
    deadline: dt.date
    closed_on: dt.date | None
    note: str | None
    evidence_upload_ids: list[str] | None
    overdue: bool


class RectificationCaseRow(Row):
    village_id: str
    year: int
    town_id: str
    stage: str
    hits: list[str]
    screenings: int
    last_screened_on: dt.date | None
    criteria: list[str] | None
    designated_on: dt.date | None
    reason: str | None
    responsible_leader: str | None
    work_group: list[str] | None
    measures: list[dict[str, Any]] | None
    measures_total: int
    measures_done: int
    deadline: dt.date | None
    accepted_on: dt.date | None
    accepted_by: str | None
    accepted_overdue: bool | None


class PilotItemRow(Row):
    village_id: str
    item_id: str
    plan_id: str
    town_id: str
    aspect: str
    title: str
    starts_on: dt.date
    due_on: dt.date
    budget_fen: int
    budget_source: str
    budget_use: str
    progress_pct: int
    reported_on: dt.date | None
    note: str | None
    evidence_upload_ids: list[str] | None


class PilotPlanRow(Row):
    village_id: str
    plan_id: str
    town_id: str
    title: str
    budget_total_fen: int
    items: int
    defined_at: dt.datetime


class PairingRow(Row):
    unit_id: str
    year: int
    village_id: str
    unit_name: str
    town_id: str
    target_funds_fen: int
    target_supporting_projects: int
    target_industry_projects: int
    funds_fen: int
    supporting_projects: int
    industry_projects: int


class VillageFile(Row):
    """Everything about one village, as one answer for the phone."""

    village: VillageRow
    cadres: list[CadreRow]
    reserve_target: int
    reserve_shortfall: int
    status_history: list[StatusChangeRow]
    subsidies: list[SubsidySheetRow]
    incomes: list[IncomeRow]
    projects: list[ProjectRow]
    inspections: list[RoundVillageRow]
    findings: list[FindingRow]
    rectifications: list[RectificationCaseRow]
    pilot_items: list[PilotItemRow]
    pilot: PilotPlanRow | None
    pairings: list[PairingRow]
    positions: Positions


# --- secretary projects --------------------------------------------------------------------------


class ProjectListRow(ProjectRow):
    village_name: str
    behind_schedule: bool = Field(
        description="Overdue, or short of the progress expected by now by more than the margin"
    )
    overdue: bool = Field(default=False, description="Past its plan's end date and not complete")


class ProjectDetailRow(ProjectRow):
    behind_schedule: bool = Field(
        description="Overdue, or short of the progress expected by now by more than the margin"
    )
    overdue: bool = Field(default=False, description="Past its plan's end date and not complete")


class FundingRow(Row):
    funding_id: str
    project_id: str
    town_id: str
    village_id: str
    source: str
    funder: str
    amount_fen: int
    received_on: dt.date


class InvestmentRow(Row):
    investment_id: str
    project_id: str
    town_id: str
    village_id: str
    investor: str
    amount_fen: int
    signed_on: dt.date


class MilestoneRow(Row):
    milestone_id: str
    project_id: str
    town_id: str
    village_id: str
    title: str
    progress_pct: int
    previous_pct: int
    reason: str
    evidence_upload_ids: list[str]
    reported_on: dt.date


class ProjectIncomeRow(Row):
    income_id: str
    project_id: str
    town_id: str
    village_id: str
    year: int
    amount_fen: int
    note: str
    reported_on: dt.date


class ProjectDetail(Row):
    project: ProjectDetailRow
    fundings: list[FundingRow]
    investments: list[InvestmentRow]
    milestones: list[MilestoneRow]
    project_incomes: list[ProjectIncomeRow]
    positions: Positions


# --- dashboards ----------------------------------------------------------------------------------


class DashboardTotals(Row):
    villages: int
    villages_with_project: int
    projects: int
    behind_schedule: int
    funds_integrated_fen: int
    investment_attracted_fen: int
    subsidy_fen: int
    income_fen: int
    bonus_fen: int
    bonus_villages: int
    provincial: int
    district: int
    town_benchmark: int
    reserve_shortfall: int
    project_coverage_pct: float


class RankingRow(DashboardTotals):
    """One town (district dashboard) or village (town dashboard), ranked by average progress."""

    id: str
    name: str
    avg_progress: float
    rank: int


class FundsBySource(Row):
    source: str
    amount_fen: int


class BehindScheduleRow(Row):
    project_id: str
    name: str
    village_id: str
    village_name: str
    town_id: str
    progress_pct: int
    expected_pct: int
    due_on: dt.date
    owner_name: str


class InspectionSummary(Row):
    round_id: str
    name: str
    opened_on: dt.date
    assigned: int
    inspected: int
    avg_score: float | None
    max_total: int | None
    open_findings: int
    coverage_pct: float
    overdue_findings: int


class RectificationSummary(Row):
    screened: int
    designated: int
    rectifying: int
    accepted: int
    overdue: int


class PairingSummary(Row):
    units: int
    behind: int


class Dashboard(Row):
    """The district dashboard (``ranking`` by town) or a town's (by village) for one year."""

    year: int
    town_id: str | None
    totals: DashboardTotals
    funds_by_source: list[FundsBySource]
    ranking: list[RankingRow]
    behind_schedule: list[BehindScheduleRow]
    inspection: InspectionSummary | None
    rectification: RectificationSummary
    pairing: PairingSummary
    positions: Positions
