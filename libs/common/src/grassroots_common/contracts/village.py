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
from typing import Annotated, Literal

from pydantic import BaseModel

from grassroots_common.events import Event, event
from grassroots_common.fields import Count, Fen, Key, Name, Percent, Score, Text, Year
from grassroots_common.personal import ACTOR, Of

DemonstrationLevel = Literal["none", "town_benchmark", "district", "provincial"]
CadrePosition = Literal["secretary", "director", "deputy_secretary", "committee_member", "reserve"]
DevelopmentModel = Literal["branch_led", "village_enterprise", "diversified", "capable_person", "culture_tourism"]
FundingSource = Literal["fiscal", "pairing_unit", "enterprise", "village_collective", "other"]
SupervisorLevel = Literal["district", "town"]
WeaknessCriterion = Literal["weak_team", "slow_revitalization", "acute_conflicts", "poor_appearance"]
PairingDeliveryKind = Literal["funds", "supporting_project", "industry_project"]

DEVELOPMENT_MODEL_NAMES: dict[str, str] = {
    "branch_led": "支部引领型",
    "village_enterprise": "村企联姻型",
    "diversified": "多种经营型",
    "capable_person": "能人带动型",
    "culture_tourism": "文旅驱动型",
}
"""The five development models of secretary projects in the seed's words
(支部引领、村企联姻、多种经营、能人带动、文旅驱动型)."""
DEMONSTRATION_LEVEL_NAMES: dict[str, str] = {
    "none": "一般村",
    "town_benchmark": "镇级标杆村",
    "district": "区级示范村",
    "provincial": "省级示范村",
}
CADRE_POSITION_NAMES: dict[str, str] = {
    "secretary": "党组织书记",
    "director": "村委会主任",
    "deputy_secretary": "副书记",
    "committee_member": "两委委员",
    "reserve": "后备干部",
}
DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT = 15
"""Points of progress under what the time elapsed calls for that make a secretary project behind
schedule, until the district sets its own (``VillagePolicySet.behind_schedule_margin_pct``)."""
FUNDING_SOURCE_NAMES: dict[str, str] = {
    "fiscal": "财政资金",
    "pairing_unit": "包联单位",
    "enterprise": "企业投入",
    "village_collective": "村集体自筹",
    "other": "其他",
}


# --- policy (district-wide, configurable) -----------------------------------------------------


class BonusTier(BaseModel):
    """Annual collective income of at least ``threshold_fen`` earns the team ``bonus_fen``."""

    threshold_fen: Fen
    bonus_fen: Fen


class ChecklistAspect(BaseModel):
    aspect_id: Key
    name: Name
    max_score: Score


class PilotItemTemplate(BaseModel):
    aspect: Name
    title: Name


@event
class VillagePolicySet(Event):
    """The district organization department set the configurable rules (replaces the previous set)."""

    stream_type = "policy"

    subsidy_one_shoulder_fen: Fen
    subsidy_other_fen: Fen
    bonus_tiers: list[BonusTier]
    reserve_target: Count
    checklist: list[ChecklistAspect]
    pairing_funds_fen: Fen
    pairing_supporting_projects: Count
    pairing_industry_projects: Count
    behind_schedule_margin_pct: Percent
    pilot_template: list[PilotItemTemplate]


# --- towns and villages -----------------------------------------------------------------------


@event
class TownRegistered(Event):
    stream_type = "town"

    town_id: Key
    name: Name
    party_secretary_name: Name


@event
class VillageRegistered(Event):
    stream_type = "village"

    town_id: Key
    village_id: Key
    name: Name
    party_org_name: Name
    party_org_kind: Literal["branch", "general_branch", "committee"]
    party_members: Count
    households: Count
    population: Count


@event
class VillageStatusChanged(Event):
    """Demonstration status (示范村): provincial, district, town benchmark, or none."""

    stream_type = "village"

    town_id: Key
    village_id: Key
    level: DemonstrationLevel
    previous_level: DemonstrationLevel
    reason: Text
    effective_on: dt.date


@event
class CadreAppointed(Event):
    """A village cadre or reserve cadre (后备干部) joined the roster; ``one_shoulder`` is 一肩挑."""

    stream_type = "village"

    town_id: Key
    village_id: Key
    cadre_id: Key
    name: Annotated[Name, Of("cadre_id")]
    position: CadrePosition
    one_shoulder: bool
    appointed_on: dt.date


@event
class CadreLeft(Event):
    stream_type = "village"

    town_id: Key
    village_id: Key
    cadre_id: Key
    name: Annotated[Name, Of("cadre_id")]
    position: CadrePosition
    left_on: dt.date
    reason: Text


class SubsidyLine(BaseModel):
    cadre_id: Key
    name: Annotated[Name, Of("cadre_id")]
    position: CadrePosition
    one_shoulder: bool
    amount_fen: Fen


@event
class SubsidyComputed(Event):
    """The monthly subsidy sheet of a village, computed from the roster; issued once per month."""

    stream_type = "village"

    town_id: Key
    village_id: Key
    month: Key
    lines: list[SubsidyLine]
    total_fen: Fen
    rate_one_shoulder_fen: Fen
    rate_other_fen: Fen


@event
class IncomeReported(Event):
    """Annual collective-economy income; a later report for the same year corrects the earlier one."""

    stream_type = "village"

    town_id: Key
    village_id: Key
    year: Year
    income_fen: Fen
    previous_income_fen: Fen | None = None
    note: Text = ""


@event
class BonusAwarded(Event):
    """The team bonus decided from the tiers: exactly once per village and year."""

    stream_type = "village"

    town_id: Key
    village_id: Key
    year: Year
    income_fen: Fen
    threshold_fen: Fen
    bonus_fen: Fen


# --- standardization inspections -------------------------------------------------------------


class RoundVillage(BaseModel):
    town_id: Key
    village_id: Key


class InspectionTeam(BaseModel):
    team_id: Key
    name: Name
    members: list[Name]
    villages: list[RoundVillage]


@event
class InspectionRoundOpened(Event):
    """A district-wide round; ``town_id``/``village_id`` of each village are in the teams."""

    stream_type = "inspection_round"

    round_id: Key
    name: Name
    year: Year
    opened_on: dt.date
    due_on: dt.date
    checklist: list[ChecklistAspect]
    teams: list[InspectionTeam]


class AspectScore(BaseModel):
    aspect_id: Key
    score: Score
    max_score: Score


class Finding(BaseModel):
    finding_id: Key
    aspect_id: Key
    text: Text
    deadline: dt.date


@event
class InspectionRecorded(Event):
    stream_type = "inspection"

    round_id: Key
    team_id: Key
    town_id: Key
    village_id: Key
    inspected_on: dt.date
    scores: list[AspectScore]
    total_score: Score
    max_total: Score
    findings: list[Finding]


@event
class FindingClosed(Event):
    stream_type = "inspection"

    round_id: Key
    town_id: Key
    village_id: Key
    finding_id: Key
    closed_on: dt.date
    note: Text
    evidence_upload_ids: list[Key]
    overdue: bool


# --- weak and lax organizations (软弱涣散) ---------------------------------------------------


@event
class WeaknessScreened(Event):
    """A screening visit (排查) against the four criteria; ``hits`` are the criteria met."""

    stream_type = "weakness"

    town_id: Key
    village_id: Key
    year: Year
    hits: list[WeaknessCriterion]
    screened_by: Annotated[Name, Of(ACTOR)]
    screened_on: dt.date
    note: Text


@event
class VillageDesignatedWeak(Event):
    stream_type = "weakness"

    town_id: Key
    village_id: Key
    year: Year
    criteria: list[WeaknessCriterion]
    designated_on: dt.date
    reason: Text


class RectificationMeasure(BaseModel):
    measure_id: Key
    text: Text


@event
class RectificationPlanned(Event):
    """The rectification plan: responsible leader, work group, measures and a deadline (四个一)."""

    stream_type = "weakness"

    town_id: Key
    village_id: Key
    year: Year
    responsible_leader: Name
    work_group: list[Name]
    measures: list[RectificationMeasure]
    deadline: dt.date


@event
class RectificationProgressed(Event):
    stream_type = "weakness"

    town_id: Key
    village_id: Key
    year: Year
    measure_id: Key
    done: bool
    note: Text
    evidence_upload_ids: list[Key]
    reported_on: dt.date


@event
class RectificationAccepted(Event):
    """Acceptance and removal from the list (验收销号): only with no open measures."""

    stream_type = "weakness"

    town_id: Key
    village_id: Key
    year: Year
    accepted_on: dt.date
    accepted_by: Annotated[Name, Of(ACTOR)]
    overdue: bool
    note: Text


# --- red beautiful village pilot (红色美丽村庄) -----------------------------------------------


class PilotItem(BaseModel):
    item_id: Key
    aspect: Name
    title: Name
    starts_on: dt.date
    due_on: dt.date
    budget_fen: Fen
    budget_source: FundingSource
    budget_use: Name


@event
class PilotPlanDefined(Event):
    stream_type = "pilot"

    plan_id: Key
    town_id: Key
    village_id: Key
    title: Name
    items: list[PilotItem]
    budget_total_fen: Fen


@event
class PilotItemProgressed(Event):
    """Progress of one item: never backwards without a ``reason``."""

    stream_type = "pilot"

    plan_id: Key
    town_id: Key
    village_id: Key
    item_id: Key
    progress_pct: Percent
    previous_pct: Percent
    reason: Text
    note: Text
    evidence_upload_ids: list[Key]
    reported_on: dt.date


# --- secretary projects (书记项目) ------------------------------------------------------------


@event
class ProjectRegistered(Event):
    stream_type = "project"

    project_id: Key
    town_id: Key
    village_id: Key
    name: Name
    description: Text
    owner_id: Key
    owner_name: Annotated[Name, Of("owner_id")]
    supervisor_level: SupervisorLevel
    supervisor_name: Name
    model: DevelopmentModel
    budget_fen: Fen
    year: Year
    starts_on: dt.date
    due_on: dt.date


@event
class ProjectFunded(Event):
    stream_type = "project"

    project_id: Key
    town_id: Key
    village_id: Key
    funding_id: Key
    source: FundingSource
    funder: Name
    amount_fen: Fen
    received_on: dt.date


@event
class InvestmentAttracted(Event):
    """Investment attracted (招商引资) into the project."""

    stream_type = "project"

    project_id: Key
    town_id: Key
    village_id: Key
    investment_id: Key
    investor: Name
    amount_fen: Fen
    signed_on: dt.date


@event
class MilestoneReported(Event):
    """A milestone with the project's progress (0–100): never backwards without a ``reason``."""

    stream_type = "project"

    project_id: Key
    town_id: Key
    village_id: Key
    milestone_id: Key
    title: Name
    progress_pct: Percent
    previous_pct: Percent
    reason: Text
    evidence_upload_ids: list[Key]
    reported_on: dt.date


@event
class ProjectIncomeReported(Event):
    """Income the project produced in a period (added to the project's total)."""

    stream_type = "project"

    project_id: Key
    town_id: Key
    village_id: Key
    income_id: Key
    year: Year
    amount_fen: Fen
    note: Text
    reported_on: dt.date


# --- "511" pairing -------------------------------------------------------------------------


@event
class PairingCommitted(Event):
    """A pairing unit (包联单位) took a village for a year: targets are the policy's at that time."""

    stream_type = "pairing"

    unit_id: Key
    unit_name: Name
    year: Year
    town_id: Key
    village_id: Key
    target_funds_fen: Fen
    target_supporting_projects: Count
    target_industry_projects: Count


@event
class PairingDelivered(Event):
    """What a pairing unit delivered to one of its villages: funds, a supporting or an industry project."""

    stream_type = "pairing"

    unit_id: Key
    year: Year
    town_id: Key
    village_id: Key
    delivery_id: Key
    kind: PairingDeliveryKind
    title: Name
    amount_fen: Fen
    delivered_on: dt.date
