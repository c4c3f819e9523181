"""Read model of inspection rounds: the villages of each round (inspected or not, scores) and the
findings with their deadlines and closure."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.village import FindingClosed, InspectionRecorded, InspectionRoundOpened
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Rows, Table

SCHEMA = "rm_village_inspections"

ROUNDS = Table(
    "rounds",
    ("round_id",),
    {
        "round_id": "text",
        "name": "text NOT NULL",
        "year": "int NOT NULL",
        "opened_on": "date NOT NULL",
        "due_on": "date NOT NULL",
        "checklist": "jsonb NOT NULL",
        "teams": "jsonb NOT NULL",
        "villages": "int NOT NULL",
    },
)
ROUND_VILLAGES = Table(
    "round_villages",
    ("round_id", "village_id"),
    {
        "round_id": "text",
        "village_id": "text",
        "town_id": "text NOT NULL",
        "team_id": "text NOT NULL",
        "team_name": "text NOT NULL",
        "inspected_on": "date",
        "total_score": "int",
        "max_total": "int",
        "scores": "jsonb",
        "findings": "int NOT NULL",
        "open_findings": "int NOT NULL",
    },
)
FINDINGS = Table(
    "findings",
    ("finding_id",),
    {
        "finding_id": "text",
        "round_id": "text NOT NULL",
        "town_id": "text NOT NULL",
        "village_id": "text NOT NULL",
        "aspect_id": "text NOT NULL",
        "text": "text NOT NULL",
        "deadline": "date NOT NULL",
        "closed_on": "date",
        "note": "text",
        "evidence_upload_ids": "jsonb",
        "overdue": "bool NOT NULL",
    },
)


_FINDING_CLOSED = FindingClosed.type_name()
_INSPECTION_RECORDED = InspectionRecorded.type_name()
_INSPECTION_ROUND_OPENED = InspectionRoundOpened.type_name()


class InspectionsProjection(Projection):
    name = "village_inspections"
    schema = SCHEMA
    sources = ("village",)
    event_types = types_of(InspectionRoundOpened, InspectionRecorded, FindingClosed)
    ddl = (
        "\n".join(t.create() for t in (ROUNDS, ROUND_VILLAGES, FINDINGS))
        + """
    CREATE INDEX IF NOT EXISTS round_villages_village ON round_villages (village_id);
    CREATE INDEX IF NOT EXISTS findings_village ON findings (village_id, round_id);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        keys = {(e.data["round_id"], e.data["village_id"]) for e in events if "village_id" in e.data}
        villages = await Rows.load(conn, ROUND_VILLAGES, keys)
        findings = await Rows.load(
            conn, FINDINGS, {(e.data["finding_id"],) for e in events if e.type == _FINDING_CLOSED}
        )
        rounds = Rows(ROUNDS, {})
        for e in events:
            d = e.data
            kind = e.type
            if kind == _INSPECTION_ROUND_OPENED:
                assigned = [(t, v) for t in d["teams"] for v in t["villages"]]
                rounds.put((d["round_id"],), {**d, "villages": len(assigned)})
                for team, v in assigned:
                    villages.put(
                        (d["round_id"], v["village_id"]),
                        {
                            "round_id": d["round_id"],
                            "village_id": v["village_id"],
                            "town_id": v["town_id"],
                            "team_id": team["team_id"],
                            "team_name": team["name"],
                            "findings": 0,
                            "open_findings": 0,
                        },
                    )
            elif kind == _INSPECTION_RECORDED:
                villages.update(
                    (d["round_id"], d["village_id"]),
                    inspected_on=d["inspected_on"],
                    total_score=d["total_score"],
                    max_total=d["max_total"],
                    scores=d["scores"],
                    findings=len(d["findings"]),
                    open_findings=len(d["findings"]),
                )
                for f in d["findings"]:
                    findings.put(
                        (f["finding_id"],),
                        {**f, **{k: d[k] for k in ("round_id", "town_id", "village_id")}, "overdue": False},
                    )
            elif kind == _FINDING_CLOSED:
                findings.update(
                    (d["finding_id"],),
                    closed_on=d["closed_on"],
                    note=d["note"],
                    evidence_upload_ids=d["evidence_upload_ids"],
                    overdue=d["overdue"],
                )
                row = villages.get((d["round_id"], d["village_id"]))
                if row is not None:
                    villages.update((d["round_id"], d["village_id"]), open_findings=row["open_findings"] - 1)
        for rows in (rounds, villages, findings):
            await rows.save(conn)
