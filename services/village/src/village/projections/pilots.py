"""Read model of red beautiful village pilot plans (红色美丽村庄): plans and the progress of each item."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.village import PilotItemProgressed, PilotPlanDefined
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Rows, Table

SCHEMA = "rm_village_pilots"

PLANS = Table(
    "plans",
    ("village_id",),
    {
        "village_id": "text",
        "plan_id": "text NOT NULL",
        "town_id": "text NOT NULL",
        "title": "text NOT NULL",
        "budget_total_fen": "bigint NOT NULL",
        "items": "int NOT NULL",
        "defined_at": "timestamptz NOT NULL",
    },
)
ITEMS = Table(
    "items",
    ("village_id", "item_id"),
    {
        "village_id": "text",
        "item_id": "text",
        "plan_id": "text NOT NULL",
        "town_id": "text NOT NULL",
        "aspect": "text NOT NULL",
        "title": "text NOT NULL",
        "starts_on": "date NOT NULL",
        "due_on": "date NOT NULL",
        "budget_fen": "bigint NOT NULL",
        "budget_source": "text NOT NULL",
        "budget_use": "text NOT NULL",
        "progress_pct": "int NOT NULL",
        "reported_on": "date",
        "note": "text",
        "evidence_upload_ids": "jsonb",
    },
)


_PILOT_ITEM_PROGRESSED = PilotItemProgressed.type_name()
_PILOT_PLAN_DEFINED = PilotPlanDefined.type_name()


class PilotsProjection(Projection):
    name = "village_pilots"
    schema = SCHEMA
    sources = ("village",)
    event_types = types_of(PilotPlanDefined, PilotItemProgressed)
    ddl = PLANS.create() + ITEMS.create()

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        keys = {(e.data["village_id"], e.data["item_id"]) for e in events if e.type == _PILOT_ITEM_PROGRESSED}
        items = await Rows.load(conn, ITEMS, keys)
        plans = Rows(PLANS, {})
        for e in events:
            d = e.data
            kind = e.type
            if kind == _PILOT_PLAN_DEFINED:
                plans.put((d["village_id"],), {**d, "items": len(d["items"]), "defined_at": e.occurred_at})
                for item in d["items"]:
                    items.put(
                        (d["village_id"], item["item_id"]),
                        {**item, "village_id": d["village_id"], "plan_id": d["plan_id"], "town_id": d["town_id"]}
                        | {"progress_pct": 0},
                    )
            elif kind == _PILOT_ITEM_PROGRESSED:
                items.update(
                    (d["village_id"], d["item_id"]),
                    progress_pct=d["progress_pct"],
                    reported_on=d["reported_on"],
                    note=d["note"],
                    evidence_upload_ids=d["evidence_upload_ids"],
                )
        await plans.save(conn)
        await items.save(conn)
