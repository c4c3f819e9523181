"""Read model of secretary projects: one row per project with its running totals and progress,
plus the detail rows (fundings, investments, milestones, income) the totals are the sums of."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.village import (
    InvestmentAttracted,
    MilestoneReported,
    ProjectFunded,
    ProjectIncomeReported,
    ProjectRegistered,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Rows, Table

SCHEMA = "rm_village_projects"

_IDS = {"project_id": "text NOT NULL", "town_id": "text NOT NULL", "village_id": "text NOT NULL"}
PROJECTS = Table(
    "projects",
    ("project_id",),
    {
        **_IDS,
        "name": "text NOT NULL",
        "description": "text NOT NULL",
        "owner_id": "text NOT NULL",
        "owner_name": "text NOT NULL",
        "supervisor_level": "text NOT NULL",
        "supervisor_name": "text NOT NULL",
        "model": "text NOT NULL",
        "budget_fen": "bigint NOT NULL",
        "year": "int NOT NULL",
        "starts_on": "date NOT NULL",
        "due_on": "date NOT NULL",
        "progress_pct": "int NOT NULL",
        "last_reported_on": "date",
        "funded_fen": "bigint NOT NULL",
        "invested_fen": "bigint NOT NULL",
        "income_fen": "bigint NOT NULL",
    },
)
FUNDINGS = Table(
    "fundings",
    ("funding_id",),
    {
        "funding_id": "text",
        **_IDS,
        "source": "text NOT NULL",
        "funder": "text NOT NULL",
        "amount_fen": "bigint NOT NULL",
        "received_on": "date NOT NULL",
    },
)
INVESTMENTS = Table(
    "investments",
    ("investment_id",),
    {
        "investment_id": "text",
        **_IDS,
        "investor": "text NOT NULL",
        "amount_fen": "bigint NOT NULL",
        "signed_on": "date NOT NULL",
    },
)
MILESTONES = Table(
    "milestones",
    ("milestone_id",),
    {
        "milestone_id": "text",
        **_IDS,
        "title": "text NOT NULL",
        "progress_pct": "int NOT NULL",
        "previous_pct": "int NOT NULL",
        "reason": "text NOT NULL",
        "evidence_upload_ids": "jsonb NOT NULL",
        "reported_on": "date NOT NULL",
    },
)
INCOMES = Table(
    "project_incomes",
    ("income_id",),
    {
        "income_id": "text",
        **_IDS,
        "year": "int NOT NULL",
        "amount_fen": "bigint NOT NULL",
        "note": "text NOT NULL",
        "reported_on": "date NOT NULL",
    },
)


_INVESTMENT_ATTRACTED = InvestmentAttracted.type_name()
_MILESTONE_REPORTED = MilestoneReported.type_name()
_PROJECT_FUNDED = ProjectFunded.type_name()
_PROJECT_INCOME_REPORTED = ProjectIncomeReported.type_name()
_PROJECT_REGISTERED = ProjectRegistered.type_name()


class ProjectsProjection(Projection):
    name = "village_projects"
    schema = SCHEMA
    sources = ("village",)
    event_types = types_of(
        ProjectRegistered, ProjectFunded, InvestmentAttracted, MilestoneReported, ProjectIncomeReported
    )
    ddl = (
        "\n".join(t.create() for t in (PROJECTS, FUNDINGS, INVESTMENTS, MILESTONES, INCOMES))
        + """
    CREATE INDEX IF NOT EXISTS projects_town ON projects (town_id, year);
    CREATE INDEX IF NOT EXISTS projects_village ON projects (village_id);
    CREATE INDEX IF NOT EXISTS fundings_project ON fundings (project_id);
    CREATE INDEX IF NOT EXISTS investments_project ON investments (project_id);
    CREATE INDEX IF NOT EXISTS milestones_project ON milestones (project_id, reported_on);
    CREATE INDEX IF NOT EXISTS project_incomes_project ON project_incomes (project_id);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        projects = await Rows.load(conn, PROJECTS, {(e.data["project_id"],) for e in events})
        details = {t.name: Rows(t, {}) for t in (FUNDINGS, INVESTMENTS, MILESTONES, INCOMES)}
        for e in events:
            d = e.data
            key = (d["project_id"],)
            kind = e.type
            if kind == _PROJECT_REGISTERED:
                projects.put(key, {**d, "progress_pct": 0, "last_reported_on": None} | _zero_totals())
            elif kind == _PROJECT_FUNDED:
                details["fundings"].put((d["funding_id"],), d)
                _add(projects, key, "funded_fen", d["amount_fen"])
            elif kind == _INVESTMENT_ATTRACTED:
                details["investments"].put((d["investment_id"],), d)
                _add(projects, key, "invested_fen", d["amount_fen"])
            elif kind == _MILESTONE_REPORTED:
                details["milestones"].put((d["milestone_id"],), d)
                projects.update(key, progress_pct=d["progress_pct"], last_reported_on=d["reported_on"])
            elif kind == _PROJECT_INCOME_REPORTED:
                details["project_incomes"].put((d["income_id"],), d)
                _add(projects, key, "income_fen", d["amount_fen"])
        await projects.save(conn)
        for rows in details.values():
            await rows.save(conn)


def _zero_totals() -> dict:
    return {"funded_fen": 0, "invested_fen": 0, "income_fen": 0}


def _add(projects: Rows, key: tuple, column: str, amount: int) -> None:
    row = projects.get(key)
    if row is not None:
        projects.update(key, **{column: row[column] + amount})
