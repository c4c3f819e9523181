"""Read model of the policy, towns, villages, cadres, subsidy sheets, income and bonuses."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from grassroots_common.contracts import village as village_events
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Rows, Table

SCHEMA = "rm_villages"

POLICY = Table("policy", ("id",), {"id": "int", "data": "jsonb NOT NULL"})
TOWNS = Table(
    "towns",
    ("town_id",),
    {
        "town_id": "text",
        "name": "text NOT NULL",
        "party_secretary_name": "text NOT NULL",
        "registered_at": "timestamptz NOT NULL",
    },
)
VILLAGES = Table(
    "villages",
    ("village_id",),
    {
        "village_id": "text",
        "town_id": "text NOT NULL",
        "name": "text NOT NULL",
        "party_org_name": "text NOT NULL",
        "party_org_kind": "text NOT NULL",
        "party_members": "int NOT NULL",
        "households": "int NOT NULL",
        "population": "int NOT NULL",
        "level": "text NOT NULL",
        "level_since": "date",
        "secretary_name": "text",
        "one_shoulder": "bool NOT NULL",
        "cadres": "int NOT NULL",
        "reserves": "int NOT NULL",
    },
)
CADRES = Table(
    "cadres",
    ("cadre_id",),
    {
        "cadre_id": "text",
        "village_id": "text NOT NULL",
        "town_id": "text NOT NULL",
        "name": "text NOT NULL",
        "position": "text NOT NULL",
        "one_shoulder": "bool NOT NULL",
        "appointed_on": "date NOT NULL",
        "left_on": "date",
        "left_reason": "text",
    },
)
STATUS_CHANGES = Table(
    "status_changes",
    ("event_id",),
    {
        "event_id": "text",
        "village_id": "text NOT NULL",
        "town_id": "text NOT NULL",
        "level": "text NOT NULL",
        "previous_level": "text NOT NULL",
        "reason": "text NOT NULL",
        "effective_on": "date NOT NULL",
        "actor_name": "text NOT NULL",
    },
)
SUBSIDIES = Table(
    "subsidies",
    ("village_id", "month"),
    {
        "village_id": "text",
        "month": "text",
        "town_id": "text NOT NULL",
        "total_fen": "bigint NOT NULL",
        "cadres": "int NOT NULL",
        "lines": "jsonb NOT NULL",
        "issued_at": "timestamptz NOT NULL",
    },
)
INCOMES = Table(
    "incomes",
    ("village_id", "year"),
    {
        "village_id": "text",
        "year": "int",
        "town_id": "text NOT NULL",
        "income_fen": "bigint NOT NULL",
        "reports": "int NOT NULL",
        "bonus_fen": "bigint",
        "threshold_fen": "bigint",
        "awarded_at": "timestamptz",
    },
)


_BONUS_AWARDED = village_events.BonusAwarded.type_name()
_CADRE_APPOINTED = village_events.CadreAppointed.type_name()
_CADRE_LEFT = village_events.CadreLeft.type_name()
_INCOME_REPORTED = village_events.IncomeReported.type_name()
_SUBSIDY_COMPUTED = village_events.SubsidyComputed.type_name()
_TOWN_REGISTERED = village_events.TownRegistered.type_name()
_VILLAGE_POLICY_SET = village_events.VillagePolicySet.type_name()
_VILLAGE_REGISTERED = village_events.VillageRegistered.type_name()
_VILLAGE_STATUS_CHANGED = village_events.VillageStatusChanged.type_name()


class VillagesProjection(Projection):
    name = "villages"
    schema = SCHEMA
    sources = ("village",)
    event_types = types_of(
        village_events.VillagePolicySet,
        village_events.TownRegistered,
        village_events.VillageRegistered,
        village_events.VillageStatusChanged,
        village_events.CadreAppointed,
        village_events.CadreLeft,
        village_events.SubsidyComputed,
        village_events.IncomeReported,
        village_events.BonusAwarded,
    )
    ddl = (
        "\n".join(t.create() for t in (POLICY, TOWNS, VILLAGES, CADRES, STATUS_CHANGES, SUBSIDIES, INCOMES))
        + """
    CREATE INDEX IF NOT EXISTS villages_town ON villages (town_id);
    CREATE INDEX IF NOT EXISTS cadres_village ON cadres (village_id);
    CREATE INDEX IF NOT EXISTS status_changes_village ON status_changes (village_id);
    CREATE INDEX IF NOT EXISTS subsidies_month ON subsidies (month, town_id);
    CREATE INDEX IF NOT EXISTS incomes_year ON incomes (year, town_id);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        village_keys = {(e.data["village_id"],) for e in events if "village_id" in e.data}
        cadre_keys = {(e.data["cadre_id"],) for e in events if "cadre_id" in e.data}
        income_keys = {(e.data["village_id"], e.data["year"]) for e in events if "year" in e.data}
        policy = Rows(POLICY, {})
        towns = Rows(TOWNS, {})
        villages = await Rows.load(conn, VILLAGES, village_keys)
        cadres = await Rows.load(conn, CADRES, cadre_keys)
        changes = Rows(STATUS_CHANGES, {})
        subsidies = Rows(SUBSIDIES, {})
        incomes = await Rows.load(conn, INCOMES, income_keys)
        for e in events:
            d = e.data
            kind = e.type
            if kind == _VILLAGE_POLICY_SET:
                policy.put((1,), {"id": 1, "data": d})
            elif kind == _TOWN_REGISTERED:
                towns.put((d["town_id"],), {**d, "registered_at": e.occurred_at})
            elif kind == _VILLAGE_REGISTERED:
                villages.put(
                    (d["village_id"],),
                    {**d, "level": "none", "level_since": None, "secretary_name": None, "one_shoulder": False}
                    | {"cadres": 0, "reserves": 0},
                )
            elif kind == _VILLAGE_STATUS_CHANGED:
                villages.update((d["village_id"],), level=d["level"], level_since=d["effective_on"])
                changes.put(
                    (e.event_id,), {**d, "event_id": e.event_id, "actor_name": e.metadata.get("actor_name", "")}
                )
            elif kind == _CADRE_APPOINTED:
                cadres.put((d["cadre_id"],), {**d, "left_on": None, "left_reason": None})
                _roster(villages, d, +1)
            elif kind == _CADRE_LEFT:
                cadres.update((d["cadre_id"],), left_on=d["left_on"], left_reason=d["reason"])
                _roster(villages, d, -1)
            elif kind == _SUBSIDY_COMPUTED:
                subsidies.put(
                    (d["village_id"], d["month"]),
                    {**d, "cadres": len(d["lines"]), "issued_at": e.occurred_at},
                )
            elif kind == _INCOME_REPORTED:
                key = (d["village_id"], d["year"])
                row = incomes.get(key) or {
                    "bonus_fen": None,
                    "threshold_fen": None,
                    "awarded_at": None,
                    "reports": 0,
                }
                incomes.put(
                    key,
                    {**row, **_pick(d, "village_id", "year", "town_id", "income_fen")}
                    | {"reports": row["reports"] + 1},
                )
            elif kind == _BONUS_AWARDED:
                incomes.update(
                    (d["village_id"], d["year"]),
                    bonus_fen=d["bonus_fen"],
                    threshold_fen=d["threshold_fen"],
                    awarded_at=e.occurred_at,
                )
        for rows in (policy, towns, villages, cadres, changes, subsidies, incomes):
            await rows.save(conn)


def _pick(data: dict, *names: str) -> dict:
    return {n: data[n] for n in names}


def _roster(villages: Rows, d: dict, step: int) -> None:
    row = villages.get((d["village_id"],))
    if row is None:
        return
    if d["position"] == "reserve":
        villages.update((d["village_id"],), reserves=row["reserves"] + step)
        return
    changes: dict = {"cadres": row["cadres"] + step}
    if d["position"] == "secretary":
        changes["secretary_name"] = d["name"] if step > 0 else None
        changes["one_shoulder"] = bool(d.get("one_shoulder")) if step > 0 else False
    villages.update((d["village_id"],), **changes)
