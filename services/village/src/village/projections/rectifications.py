"""Read model of weak-and-lax organization cases (软弱涣散): one row per village and year with its
stage, plan, measures and acceptance."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.village import (
    RectificationAccepted,
    RectificationPlanned,
    RectificationProgressed,
    VillageDesignatedWeak,
    WeaknessScreened,
)
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Rows, Table

SCHEMA = "rm_village_weakness"

CASES = Table(
    "cases",
    ("village_id", "year"),
    {
        "village_id": "text",
        "year": "int",
        "town_id": "text NOT NULL",
        "stage": "text NOT NULL",
        "hits": "jsonb NOT NULL",
        "screenings": "int NOT NULL",
        "last_screened_on": "date",
        "criteria": "jsonb",
        "designated_on": "date",
        "reason": "text",
        "responsible_leader": "text",
        "work_group": "jsonb",
        "measures": "jsonb",
        "measures_total": "int NOT NULL",
        "measures_done": "int NOT NULL",
        "deadline": "date",
        "accepted_on": "date",
        "accepted_by": "text",
        "accepted_overdue": "bool",
    },
)


_RECTIFICATION_ACCEPTED = RectificationAccepted.type_name()
_RECTIFICATION_PLANNED = RectificationPlanned.type_name()
_RECTIFICATION_PROGRESSED = RectificationProgressed.type_name()
_VILLAGE_DESIGNATED_WEAK = VillageDesignatedWeak.type_name()
_WEAKNESS_SCREENED = WeaknessScreened.type_name()


class RectificationsProjection(Projection):
    name = "village_rectifications"
    schema = SCHEMA
    sources = ("village",)
    event_types = types_of(
        WeaknessScreened, VillageDesignatedWeak, RectificationPlanned, RectificationProgressed, RectificationAccepted
    )
    ddl = (
        CASES.create()
        + """
    CREATE INDEX IF NOT EXISTS cases_year_stage ON cases (year, stage);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        cases = await Rows.load(conn, CASES, {(e.data["village_id"], e.data["year"]) for e in events})
        for e in events:
            d = e.data
            key = (d["village_id"], d["year"])
            row = cases.get(key)
            kind = e.type
            if kind == _WEAKNESS_SCREENED:
                base = row or {
                    "village_id": d["village_id"],
                    "year": d["year"],
                    "town_id": d["town_id"],
                    "stage": "screened",
                    "hits": [],
                    "screenings": 0,
                    "measures_total": 0,
                    "measures_done": 0,
                }
                hits = sorted(set(base["hits"]) | set(d["hits"]))
                cases.put(
                    key,
                    {
                        **base,
                        "hits": hits,
                        "screenings": base["screenings"] + 1,
                        "last_screened_on": d["screened_on"],
                    },
                )
            elif kind == _VILLAGE_DESIGNATED_WEAK:
                cases.update(
                    key,
                    stage="designated",
                    criteria=d["criteria"],
                    designated_on=d["designated_on"],
                    reason=d["reason"],
                )
            elif kind == _RECTIFICATION_PLANNED:
                measures = [{**m, "done": False, "notes": []} for m in d["measures"]]
                cases.update(
                    key,
                    stage="rectifying",
                    responsible_leader=d["responsible_leader"],
                    work_group=d["work_group"],
                    measures=measures,
                    measures_total=len(measures),
                    measures_done=0,
                    deadline=d["deadline"],
                )
            elif kind == _RECTIFICATION_PROGRESSED and row is not None:
                measures = [
                    {
                        **m,
                        "done": m["done"] or d["done"],
                        "notes": [
                            *m["notes"],
                            {"note": d["note"], "on": d["reported_on"], "evidence": d["evidence_upload_ids"]},
                        ],
                    }
                    if m["measure_id"] == d["measure_id"]
                    else m
                    for m in row["measures"]
                ]
                cases.update(key, measures=measures, measures_done=sum(1 for m in measures if m["done"]))
            elif kind == _RECTIFICATION_ACCEPTED:
                cases.update(
                    key,
                    stage="accepted",
                    accepted_on=d["accepted_on"],
                    accepted_by=d["accepted_by"],
                    accepted_overdue=d["overdue"],
                )
        await cases.save(conn)
