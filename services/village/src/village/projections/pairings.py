"""Read model of "511" pairing: one row per unit, year and village with what was delivered."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts.village import PairingCommitted, PairingDelivered
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Rows, Table

SCHEMA = "rm_village_pairings"

PAIRINGS = Table(
    "pairings",
    ("unit_id", "year", "village_id"),
    {
        "unit_id": "text",
        "year": "int",
        "village_id": "text",
        "unit_name": "text NOT NULL",
        "town_id": "text NOT NULL",
        "target_funds_fen": "bigint NOT NULL",
        "target_supporting_projects": "int NOT NULL",
        "target_industry_projects": "int NOT NULL",
        "funds_fen": "bigint NOT NULL",
        "supporting_projects": "int NOT NULL",
        "industry_projects": "int NOT NULL",
    },
)
DELIVERIES = Table(
    "deliveries",
    ("delivery_id",),
    {
        "delivery_id": "text",
        "unit_id": "text NOT NULL",
        "year": "int NOT NULL",
        "town_id": "text NOT NULL",
        "village_id": "text NOT NULL",
        "kind": "text NOT NULL",
        "title": "text NOT NULL",
        "amount_fen": "bigint NOT NULL",
        "delivered_on": "date NOT NULL",
    },
)
_COUNTERS = {"funds": "funds_fen", "supporting_project": "supporting_projects", "industry_project": "industry_projects"}


_PAIRING_COMMITTED = PairingCommitted.type_name()
_PAIRING_DELIVERED = PairingDelivered.type_name()


class PairingsProjection(Projection):
    name = "village_pairings"
    schema = SCHEMA
    sources = ("village",)
    event_types = types_of(PairingCommitted, PairingDelivered)
    ddl = (
        PAIRINGS.create()
        + DELIVERIES.create()
        + """
    CREATE INDEX IF NOT EXISTS pairings_year ON pairings (year, town_id);
    CREATE INDEX IF NOT EXISTS deliveries_unit ON deliveries (unit_id, year);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        pairings = await Rows.load(
            conn, PAIRINGS, {(e.data["unit_id"], e.data["year"], e.data["village_id"]) for e in events}
        )
        deliveries = Rows(DELIVERIES, {})
        for e in events:
            d = e.data
            key = (d["unit_id"], d["year"], d["village_id"])
            kind = e.type
            if kind == _PAIRING_COMMITTED:
                pairings.put(key, {**d, "funds_fen": 0, "supporting_projects": 0, "industry_projects": 0})
            elif kind == _PAIRING_DELIVERED:
                deliveries.put((d["delivery_id"],), d)
                row = pairings.get(key)
                if row is not None:
                    column = _COUNTERS[d["kind"]]
                    step = d["amount_fen"] if d["kind"] == "funds" else 1
                    pairings.update(key, **{column: row[column] + step})
        await pairings.save(conn)
        await deliveries.save(conn)
