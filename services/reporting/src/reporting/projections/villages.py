"""Village revitalization: villages, secretary projects (progress, funds by source), income and
bonuses, inspections and "511" pairings. Money stays in integer fen, as on the wire."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts import village as village_events
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table
from reporting.eventdata import day, integer, text

VILLAGES = Table(
    "villages",
    ("village_id",),
    {
        "village_id": "text",
        "town_id": "text",
        "name": "text",
        "level": "text NOT NULL",
        "weak_year": "integer",
        "rectified": "boolean NOT NULL",
    },
)
TOWNS = Table("towns", ("town_id",), {"town_id": "text", "name": "text"})
PROJECTS = Table(
    "projects",
    ("project_id",),
    {
        "project_id": "text",
        "town_id": "text",
        "village_id": "text",
        "name": "text",
        "model": "text",
        "owner_name": "text",
        "supervisor_level": "text",
        "year": "integer",
        "budget_fen": "bigint NOT NULL",
        "starts_on": "date",
        "due_on": "date",
        "progress": "integer NOT NULL",
        "milestones": "integer NOT NULL",
        "last_reported_on": "date",
        "funded_fen": "bigint NOT NULL",
        "invested_fen": "bigint NOT NULL",
        "income_fen": "bigint NOT NULL",
    },
)
FUNDS = Table(
    "funds",
    ("project_id", "source", "received_on"),
    {
        "project_id": "text",
        "source": "text",
        "received_on": "date",
        "town_id": "text",
        "village_id": "text",
        "amount_fen": "bigint NOT NULL",
        "grants": "integer NOT NULL",
    },
)
INCOMES = Table(
    "incomes",
    ("village_id", "year"),
    {"village_id": "text", "year": "integer", "town_id": "text", "income_fen": "bigint", "bonus_fen": "bigint"},
)
INSPECTIONS = Table(
    "inspections",
    ("round_id", "village_id"),
    {
        "round_id": "text",
        "village_id": "text",
        "town_id": "text",
        "inspected_on": "date",
        "total_score": "integer",
        "max_total": "integer",
        "findings": "integer NOT NULL",
        "findings_closed": "integer NOT NULL",
    },
)
PAIRINGS = Table(
    "pairings",
    ("unit_id", "year", "village_id"),
    {
        "unit_id": "text",
        "year": "integer",
        "village_id": "text",
        "unit_name": "text",
        "town_id": "text",
        "target_funds_fen": "bigint NOT NULL",
        "target_supporting": "integer NOT NULL",
        "target_industry": "integer NOT NULL",
        "funds_fen": "bigint NOT NULL",
        "supporting": "integer NOT NULL",
        "industry": "integer NOT NULL",
    },
)
POLICY = Table("policy", ("policy",), {"policy": "text", "behind_schedule_margin_pct": "integer NOT NULL"})
"""The district's village policy, as far as reporting's figures need it (one row, ``district``)."""

VILLAGE_EVENTS = types_of(
    village_events.VillageRegistered,
    village_events.VillageStatusChanged,
    village_events.VillageDesignatedWeak,
    village_events.RectificationAccepted,
)
PROJECT_EVENTS = types_of(
    village_events.ProjectRegistered,
    village_events.ProjectFunded,
    village_events.InvestmentAttracted,
    village_events.MilestoneReported,
    village_events.ProjectIncomeReported,
)
INCOME_EVENTS = types_of(village_events.IncomeReported, village_events.BonusAwarded)
INSPECTION_EVENTS = types_of(village_events.InspectionRecorded, village_events.FindingClosed)
PAIRING_EVENTS = types_of(village_events.PairingCommitted, village_events.PairingDelivered)
_INCOME_REPORTED = village_events.IncomeReported.type_name()
_INSPECTION_RECORDED = village_events.InspectionRecorded.type_name()
_INVESTMENT_ATTRACTED = village_events.InvestmentAttracted.type_name()
_MILESTONE_REPORTED = village_events.MilestoneReported.type_name()
_PAIRING_COMMITTED = village_events.PairingCommitted.type_name()
_PROJECT_FUNDED = village_events.ProjectFunded.type_name()
_PROJECT_INCOME_REPORTED = village_events.ProjectIncomeReported.type_name()
_PROJECT_REGISTERED = village_events.ProjectRegistered.type_name()
_RECTIFICATION_ACCEPTED = village_events.RectificationAccepted.type_name()
_TOWN_REGISTERED = village_events.TownRegistered.type_name()
_VILLAGE_DESIGNATED_WEAK = village_events.VillageDesignatedWeak.type_name()
_VILLAGE_POLICY_SET = village_events.VillagePolicySet.type_name()
_VILLAGE_REGISTERED = village_events.VillageRegistered.type_name()
_VILLAGE_STATUS_CHANGED = village_events.VillageStatusChanged.type_name()


class VillagesProjection(Projection):
    name = "villages"
    schema = "rpt_villages"
    sources = ("village",)
    event_types = (
        VILLAGE_EVENTS
        | PROJECT_EVENTS
        | INCOME_EVENTS
        | INSPECTION_EVENTS
        | PAIRING_EVENTS
        | types_of(village_events.TownRegistered, village_events.VillagePolicySet)
    )
    ddl = "\n".join(t.create() for t in (VILLAGES, TOWNS, PROJECTS, FUNDS, INCOMES, INSPECTIONS, PAIRINGS, POLICY))

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        keys: dict[str, set[tuple]] = {t: set() for t in ("v", "p", "f", "i", "n", "r")}
        for e in events:
            d = e.data
            village, project, year = text(d, "village_id"), text(d, "project_id"), integer(d, "year")
            if e.type in VILLAGE_EVENTS and village:
                keys["v"].add((village,))
            elif e.type in PROJECT_EVENTS and project:
                keys["p"].add((project,))
                if e.type == _PROJECT_FUNDED and (on := day(d, "received_on")):
                    keys["f"].add((project, text(d, "source") or "other", on))
            elif e.type in INCOME_EVENTS and village and year is not None:
                keys["i"].add((village, year))
            elif e.type in INSPECTION_EVENTS and village and (round_id := text(d, "round_id")):
                keys["n"].add((round_id, village))
            elif e.type in PAIRING_EVENTS and village and year is not None and (unit := text(d, "unit_id")):
                keys["r"].add((unit, year, village))
        villages = await VILLAGES.load(conn, keys["v"])
        projects = await PROJECTS.load(conn, keys["p"])
        funds = await FUNDS.load(conn, keys["f"])
        incomes = await INCOMES.load(conn, keys["i"])
        inspections = await INSPECTIONS.load(conn, keys["n"])
        pairings = await PAIRINGS.load(conn, keys["r"])
        towns: dict[tuple, dict] = {}
        policy: dict | None = None
        for e in events:
            d = e.data
            village, town, year = text(d, "village_id"), text(d, "town_id"), integer(d, "year")
            if e.type == _TOWN_REGISTERED and town:
                towns[(town,)] = {"town_id": town, "name": text(d, "name")}
            elif e.type == _VILLAGE_POLICY_SET and (margin := integer(d, "behind_schedule_margin_pct")) is not None:
                policy = {"policy": "district", "behind_schedule_margin_pct": margin}
            elif e.type in VILLAGE_EVENTS and village:
                row = villages.setdefault((village,), {"village_id": village, "level": "none", "rectified": False})
                _evolve_village(row, e.type, d)
            elif e.type in PROJECT_EVENTS and (project := text(d, "project_id")):
                row = projects.setdefault((project,), _new_project(project))
                _evolve_project(row, e.type, d)
                if e.type == _PROJECT_FUNDED and (on := day(d, "received_on")):
                    source = text(d, "source") or "other"
                    fund = funds.setdefault(
                        (project, source, on),
                        {"project_id": project, "source": source, "received_on": on, "amount_fen": 0, "grants": 0},
                    )
                    fund.update(town_id=town, village_id=village)
                    fund["amount_fen"] += integer(d, "amount_fen") or 0
                    fund["grants"] += 1
            elif e.type in INCOME_EVENTS and village and year is not None:
                row = incomes.setdefault((village, year), {"village_id": village, "year": year})
                row["town_id"] = town or row.get("town_id")
                if e.type == _INCOME_REPORTED:
                    row["income_fen"] = integer(d, "income_fen")
                else:
                    row["bonus_fen"] = integer(d, "bonus_fen")
            elif e.type in INSPECTION_EVENTS and village and (round_id := text(d, "round_id")):
                row = inspections.setdefault(
                    (round_id, village),
                    {"round_id": round_id, "village_id": village, "findings": 0, "findings_closed": 0},
                )
                _evolve_inspection(row, e.type, d)
            elif e.type in PAIRING_EVENTS and village and year is not None and (unit := text(d, "unit_id")):
                row = pairings.setdefault((unit, year, village), _new_pairing(unit, year, village))
                _evolve_pairing(row, e.type, d)
        await TOWNS.upsert(conn, towns.values())
        await VILLAGES.upsert(conn, villages.values())
        await PROJECTS.upsert(conn, projects.values())
        await FUNDS.upsert(conn, funds.values())
        await INCOMES.upsert(conn, incomes.values())
        await INSPECTIONS.upsert(conn, inspections.values())
        await PAIRINGS.upsert(conn, pairings.values())
        if policy is not None:
            await POLICY.upsert(conn, [policy])


def _evolve_village(row: dict, kind: str, d: dict) -> None:
    row["town_id"] = text(d, "town_id") or row.get("town_id")
    if kind == _VILLAGE_REGISTERED:
        row["name"] = text(d, "name")
    elif kind == _VILLAGE_STATUS_CHANGED:
        row["level"] = text(d, "level") or row["level"]
    elif kind == _VILLAGE_DESIGNATED_WEAK:
        row["weak_year"] = integer(d, "year")
        row["rectified"] = False
    elif kind == _RECTIFICATION_ACCEPTED:
        row["rectified"] = True


def _new_project(project_id: str) -> dict:
    sums = dict.fromkeys(("budget_fen", "funded_fen", "invested_fen", "income_fen"), 0)
    return {"project_id": project_id, "progress": 0, "milestones": 0, **sums}


def _evolve_project(row: dict, kind: str, d: dict) -> None:
    for field in ("town_id", "village_id"):
        row[field] = text(d, field) or row.get(field)
    amount = integer(d, "amount_fen") or 0
    if kind == _PROJECT_REGISTERED:
        for field in ("name", "model", "owner_name", "supervisor_level"):
            row[field] = text(d, field)
        row["year"] = integer(d, "year")
        row["budget_fen"] = integer(d, "budget_fen") or 0
        row["starts_on"] = day(d, "starts_on")
        row["due_on"] = day(d, "due_on")
    elif kind == _PROJECT_FUNDED:
        row["funded_fen"] += amount
    elif kind == _INVESTMENT_ATTRACTED:
        row["invested_fen"] += amount
    elif kind == _MILESTONE_REPORTED:
        row["progress"] = max(0, min(100, integer(d, "progress_pct") or 0))
        row["milestones"] += 1
        row["last_reported_on"] = day(d, "reported_on")
    elif kind == _PROJECT_INCOME_REPORTED:
        row["income_fen"] += amount


def _evolve_inspection(row: dict, kind: str, d: dict) -> None:
    row["town_id"] = text(d, "town_id") or row.get("town_id")
    if kind == _INSPECTION_RECORDED:
        row["inspected_on"] = day(d, "inspected_on")
        row["total_score"] = integer(d, "total_score")
        row["max_total"] = integer(d, "max_total")
        findings = d.get("findings")
        row["findings"] = len(findings) if isinstance(findings, list) else 0
    else:
        row["findings_closed"] += 1


def _new_pairing(unit: str, year: int, village: str) -> dict:
    zero = dict.fromkeys(
        ("target_funds_fen", "target_supporting", "target_industry", "funds_fen", "supporting", "industry"), 0
    )
    return {"unit_id": unit, "year": year, "village_id": village, **zero}


def _evolve_pairing(row: dict, kind: str, d: dict) -> None:
    row["town_id"] = text(d, "town_id") or row.get("town_id")
    if kind == _PAIRING_COMMITTED:
        row["unit_name"] = text(d, "unit_name")
        row["target_funds_fen"] = integer(d, "target_funds_fen") or 0
        row["target_supporting"] = integer(d, "target_supporting_projects") or 0
        row["target_industry"] = integer(d, "target_industry_projects") or 0
        return
    match text(d, "kind"):
        case "funds":
            row["funds_fen"] += integer(d, "amount_fen") or 0
        case "supporting_project":
            row["supporting"] += 1
        case "industry_project":
            row["industry"] += 1
