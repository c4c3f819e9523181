"""Events the village service publishes (stream ``VILLAGE``).

Money is integer fen (fields ending in ``_fen``), never float. Every event about a village carries
``town_id`` and ``village_id`` so consumers can group without joins; dates are ISO dates, months
``YYYY-MM``. Streams (``stream_type``): ``policy`` (the district's configurable rules), ``town``,
``village`` (party organization, status, cadres, subsidies, income and bonus), ``inspection_round``,
``inspection`` (one village in one round), ``weakness`` (one village's 软弱涣散 case in one year),
``project`` (书记项目), ``pilot`` (红色美丽村庄 plan) and ``pairing`` ("511": one unit in one year).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from grassroots_common.events import Event, event

DemonstrationLevel = Literal["none", "town_benchmark", "district", "provincial"]
CadrePosition = Literal["secretary", "director", "deputy_secretary", "committee_member", "reserve"]
DevelopmentModel = Literal["branch_led", "village_enterprise", "diversified", "capable_person", "culture_tourism"]
FundingSource = Literal["fiscal", "pairing_unit", "enterprise", "village_collective", "other"]
SupervisorLevel = Literal["district", "town"]
WeaknessCriterion = Literal["weak_team", "slow_revitalization", "acute_conflicts", "poor_appearance"]
PairingDeliveryKind = Literal["funds", "supporting_project", "industry_project"]


# --- policy (district-wide, configurable) -----------------------------------------------------


class BonusTier(BaseModel):
    """Annual collective income of at least ``threshold_fen`` earns the team ``bonus_fen``."""

    threshold_fen: int
    bonus_fen: int


class ChecklistAspect(BaseModel):
    aspect_id: str
    name: str
    max_score: int


class PilotItemTemplate(BaseModel):
    aspect: str
    title: str


@event
class VillagePolicySet(Event):
    """The district organization department set the configurable rules (replaces the previous set)."""

    stream_type = "policy"

    subsidy_one_shoulder_fen: int
    subsidy_other_fen: int
    bonus_tiers: list[BonusTier]
    reserve_target: int
    checklist: list[ChecklistAspect]
    pairing_funds_fen: int
    pairing_supporting_projects: int
    pairing_industry_projects: int
    behind_schedule_margin_pct: int
    pilot_template: list[PilotItemTemplate]


# --- towns and villages -----------------------------------------------------------------------


@event
class TownRegistered(Event):
    stream_type = "town"

    town_id: str
    name: str
    party_secretary_name: str


@event
class VillageRegistered(Event):
    stream_type = "village"

    town_id: str
    village_id: str
    name: str
    party_org_name: str
    party_org_kind: Literal["branch", "general_branch", "committee"]
    party_members: int
    households: int
    population: int


@event
class VillageStatusChanged(Event):
    """Demonstration status (示范村): provincial, district, town benchmark, or none."""

    stream_type = "village"

    town_id: str
    village_id: str
    level: DemonstrationLevel
    previous_level: DemonstrationLevel
    reason: str
    effective_on: dt.date


@event
class CadreAppointed(Event):
    """A village cadre or reserve cadre (后备干部) joined the roster; ``one_shoulder`` is 一肩挑."""

    stream_type = "village"

    town_id: str
    village_id: str
    cadre_id: str
    name: str
    position: CadrePosition
    one_shoulder: bool
    appointed_on: dt.date


@event
class CadreLeft(Event):
    stream_type = "village"

    town_id: str
    village_id: str
    cadre_id: str
    name: str
    position: CadrePosition
    left_on: dt.date
    reason: str


class SubsidyLine(BaseModel):
    cadre_id: str
    name: str
    position: CadrePosition
    one_shoulder: bool
    amount_fen: int


@event
class SubsidyComputed(Event):
    """The monthly subsidy sheet of a village, computed from the roster; issued once per month."""

    stream_type = "village"

    town_id: str
    village_id: str
    month: str
    lines: list[SubsidyLine]
    total_fen: int
    rate_one_shoulder_fen: int
    rate_other_fen: int


@event
class IncomeReported(Event):
    """Annual collective-economy income; a later report for the same year corrects the earlier one."""

    stream_type = "village"

    town_id: str
    village_id: str
    year: int
    income_fen: int
    previous_income_fen: int | None = None
    note: str = ""


@event
class BonusAwarded(Event):
    """The team bonus decided from the tiers: exactly once per village and year."""

    stream_type = "village"

    town_id: str
    village_id: str
    year: int
    income_fen: int
    threshold_fen: int
    bonus_fen: int


# --- standardization inspections -------------------------------------------------------------


class RoundVillage(BaseModel):
    town_id: str
    village_id: str


class InspectionTeam(BaseModel):
    team_id: str
    name: str
    members: list[str]
    villages: list[RoundVillage]


@event
class InspectionRoundOpened(Event):
    """A district-wide round; ``town_id``/``village_id`` of each village are in the teams."""

    stream_type = "inspection_round"

    round_id: str
    name: str
    year: int
    opened_on: dt.date
    due_on: dt.date
    checklist: list[ChecklistAspect]
    teams: list[InspectionTeam]


class AspectScore(BaseModel):
    aspect_id: str
    score: int
    max_score: int


class Finding(BaseModel):
    finding_id: str
    aspect_id: str
    text: str
    deadline: dt.date


@event
class InspectionRecorded(Event):
    stream_type = "inspection"

    round_id: str
    team_id: str
    town_id: str
    village_id: str
    inspected_on: dt.date
    scores: list[AspectScore]
    total_score: int
    max_total: int
    findings: list[Finding]


@event
class FindingClosed(Event):
    stream_type = "inspection"

    round_id: str
    town_id: str
    village_id: str
    finding_id: str
    closed_on: dt.date
    note: str
    evidence_upload_ids: list[str]
    overdue: bool


# --- weak and lax organizations (软弱涣散) ---------------------------------------------------


@event
class WeaknessScreened(Event):
    """A screening visit (排查) against the four criteria; ``hits`` are the criteria met."""

    stream_type = "weakness"

    town_id: str
    village_id: str
    year: int
    hits: list[WeaknessCriterion]
    screened_by: str
    screened_on: dt.date
    note: str


@event
class VillageDesignatedWeak(Event):
    stream_type = "weakness"

    town_id: str
    village_id: str
    year: int
    criteria: list[WeaknessCriterion]
    designated_on: dt.date
    reason: str


class RectificationMeasure(BaseModel):
    measure_id: str
    text: str


@event
class RectificationPlanned(Event):
    """The rectification plan: responsible leader, work group, measures and a deadline (四个一)."""

    stream_type = "weakness"

    town_id: str
    village_id: str
    year: int
    responsible_leader: str
    work_group: list[str]
    measures: list[RectificationMeasure]
    deadline: dt.date


@event
class RectificationProgressed(Event):
    stream_type = "weakness"

    town_id: str
    village_id: str
    year: int
    measure_id: str
    done: bool
    note: str
    evidence_upload_ids: list[str]
    reported_on: dt.date


@event
class RectificationAccepted(Event):
    """Acceptance and removal from the list (验收销号): only with no open measures."""

    stream_type = "weakness"

    town_id: str
    village_id: str
    year: int
    accepted_on: dt.date
    accepted_by: str
    overdue: bool
    note: str


# --- red beautiful village pilot (红色美丽村庄) -----------------------------------------------


class PilotItem(BaseModel):
    item_id: str
    aspect: str
    title: str
    starts_on: dt.date
    due_on: dt.date
    budget_fen: int
    budget_source: FundingSource
    budget_use: str


@event
class PilotPlanDefined(Event):
    stream_type = "pilot"

    plan_id: str
    town_id: str
    village_id: str
    title: str
    items: list[PilotItem]
    budget_total_fen: int


@event
class PilotItemProgressed(Event):
    """Progress of one item: never backwards without a ``reason``."""

    stream_type = "pilot"

    plan_id: str
    town_id: str
    village_id: str
    item_id: str
    progress_pct: int
    previous_pct: int
    reason: str
    note: str
    evidence_upload_ids: list[str]
    reported_on: dt.date


# --- secretary projects (书记项目) ------------------------------------------------------------


@event
class ProjectRegistered(Event):
    stream_type = "project"

    project_id: str
    town_id: str
    village_id: str
    name: str
    description: str
    owner_id: str
    owner_name: str
    supervisor_level: SupervisorLevel
    supervisor_name: str
    model: DevelopmentModel
    budget_fen: int
    year: int
    starts_on: dt.date
    due_on: dt.date


@event
class ProjectFunded(Event):
    stream_type = "project"

    project_id: str
    town_id: str
    village_id: str
    funding_id: str
    source: FundingSource
    funder: str
    amount_fen: int
    received_on: dt.date


@event
class InvestmentAttracted(Event):
    """Investment attracted (招商引资) into the project."""

    stream_type = "project"

    project_id: str
    town_id: str
    village_id: str
    investment_id: str
    investor: str
    amount_fen: int
    signed_on: dt.date


@event
class MilestoneReported(Event):
    """A milestone with the project's progress (0–100): never backwards without a ``reason``."""

    stream_type = "project"

    project_id: str
    town_id: str
    village_id: str
    milestone_id: str
    title: str
    progress_pct: int
    previous_pct: int
    reason: str
    evidence_upload_ids: list[str]
    reported_on: dt.date


@event
class ProjectIncomeReported(Event):
    """Income the project produced in a period (added to the project's total)."""

    stream_type = "project"

    project_id: str
    town_id: str
    village_id: str
    income_id: str
    year: int
    amount_fen: int
    note: str
    reported_on: dt.date


# --- "511" pairing -------------------------------------------------------------------------


@event
class PairingCommitted(Event):
    """A pairing unit (包联单位) took a village for a year: targets are the policy's at that time."""

    stream_type = "pairing"

    unit_id: str
    unit_name: str
    year: int
    town_id: str
    village_id: str
    target_funds_fen: int
    target_supporting_projects: int
    target_industry_projects: int


@event
class PairingDelivered(Event):
    """What a pairing unit delivered to one of its villages: funds, a supporting or an industry project."""

    stream_type = "pairing"

    unit_id: str
    year: int
    town_id: str
    village_id: str
    delivery_id: str
    kind: PairingDeliveryKind
    title: str
    amount_fen: int
    delivered_on: dt.date
