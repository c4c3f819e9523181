"""Read model of the hierarchy: communities, grids, grid members, departments and routing rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from grassroots_common.contracts import grid as grid_events
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp

SCHEMA = "rm_grid_hierarchy"

COMMUNITIES = Table(
    "communities",
    ("community_id",),
    {
        "community_id": "text",
        "name": "text",
        "street": "text",
        "district": "text",
        "leader_name": "text",
        "registered_at": "timestamptz",
    },
)
GRIDS = Table(
    "grids",
    ("grid_id",),
    {
        "grid_id": "text",
        "community_id": "text",
        "name": "text",
        "area": "text",
        "households": "int",
        "defined_at": "timestamptz",
    },
)
MEMBERS = Table(
    "members",
    ("community_id", "person_id"),
    {
        "community_id": "text",
        "person_id": "text",
        "grid_id": "text",
        "person_name": "text",
        "role": "text",
        "assigned_at": "timestamptz",
    },
)
DEPARTMENTS = Table(
    "departments", ("department_id",), {"department_id": "text", "name": "text", "registered_at": "timestamptz"}
)
RULES = Table(
    "routing_rules",
    ("category",),
    {
        "category": "text",
        "category_name": "text",
        "default_department_id": "text",
        "lead_department_id": "text",
        "co_department_ids": "jsonb",
        "time_limit_workdays": "int",
        "accept_within_hours": "float8",
        "set_at": "timestamptz",
    },
)


_COMMUNITY_REGISTERED = grid_events.CommunityRegistered.type_name()
_DEPARTMENT_REGISTERED = grid_events.DepartmentRegistered.type_name()
_GRID_DEFINED = grid_events.GridDefined.type_name()
_GRID_MEMBER_ASSIGNED = grid_events.GridMemberAssigned.type_name()
_GRID_MEMBER_REMOVED = grid_events.GridMemberRemoved.type_name()
_ROUTING_RULE_SET = grid_events.RoutingRuleSet.type_name()


class HierarchyProjection(Projection):
    name = "grid_hierarchy"
    schema = SCHEMA
    sources = ("grid",)
    event_types = types_of(
        grid_events.CommunityRegistered,
        grid_events.GridDefined,
        grid_events.GridMemberAssigned,
        grid_events.GridMemberRemoved,
        grid_events.DepartmentRegistered,
        grid_events.RoutingRuleSet,
    )
    ddl = (
        "\n".join(t.create() for t in (COMMUNITIES, GRIDS, MEMBERS, DEPARTMENTS, RULES))
        + """
    CREATE INDEX IF NOT EXISTS grids_community ON grids (community_id);
    CREATE INDEX IF NOT EXISTS members_grid ON members (grid_id);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        tables: dict[str, dict[tuple, dict[str, Any] | None]] = {
            t.name: {} for t in (COMMUNITIES, GRIDS, MEMBERS, DEPARTMENTS, RULES)
        }
        for e in events:
            d = dict(e.data)
            kind = e.type
            if kind == _COMMUNITY_REGISTERED:
                tables["communities"][(d["community_id"],)] = {**d, "registered_at": timestamp(d["registered_at"])}
            elif kind == _GRID_DEFINED:
                tables["grids"][(d["grid_id"],)] = {**d, "defined_at": timestamp(d["defined_at"])}
            elif kind == _GRID_MEMBER_ASSIGNED:
                tables["members"][(d["community_id"], d["person_id"])] = {
                    **d,
                    "assigned_at": timestamp(d["assigned_at"]),
                }
            elif kind == _GRID_MEMBER_REMOVED:
                tables["members"][(d["community_id"], d["person_id"])] = None
            elif kind == _DEPARTMENT_REGISTERED:
                tables["departments"][(d["department_id"],)] = {**d, "registered_at": timestamp(d["registered_at"])}
            elif kind == _ROUTING_RULE_SET:
                tables["routing_rules"][(d["category"],)] = {**d, "set_at": timestamp(d["set_at"])}
        for table in (COMMUNITIES, GRIDS, MEMBERS, DEPARTMENTS, RULES):
            folded = tables[table.name]
            await table.delete(conn, [k for k, v in folded.items() if v is None])
            await table.upsert(conn, [v for v in folded.values() if v is not None])
