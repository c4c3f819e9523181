"""Read model of micro-wishes (the demand and service lists) and the resource list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from grassroots_common.contracts import grid as grid_events
from grassroots_common.events import RecordedEvent
from grassroots_common.projections.projection import Projection, types_of
from grassroots_common.tables import Table, timestamp

SCHEMA = "rm_grid_wishes"

WISHES = Table(
    "wishes",
    ("wish_id",),
    {
        "wish_id": "text",
        "community_id": "text",
        "grid_id": "text",
        "resident_name": "text",
        "title": "text",
        "description": "text",
        "category": "text",
        "state": "text",
        "collected_at": "timestamptz",
        "screened_at": "timestamptz",
        "reject_reason": "text",
        "claimant_id": "text",
        "claimant_name": "text",
        "claimant_kind": "text",
        "resource_id": "text",
        "claimed_at": "timestamptz",
        "releases": "int",
        "fulfilled_at": "timestamptz",
        "note": "text",
        "evidence_upload_ids": "jsonb",
        "satisfaction": "text",
        "revisited_at": "timestamptz",
    },
)
RESOURCES = Table(
    "resources",
    ("resource_id",),
    {
        "resource_id": "text",
        "community_id": "text",
        "offerer_id": "text",
        "offerer_name": "text",
        "offerer_kind": "text",
        "title": "text",
        "description": "text",
        "capacity": "int",
        "offered_at": "timestamptz",
    },
)


_RESOURCE_OFFERED = grid_events.ResourceOffered.type_name()
_WISH_CLAIMED = grid_events.WishClaimed.type_name()
_WISH_COLLECTED = grid_events.WishCollected.type_name()
_WISH_FULFILLED = grid_events.WishFulfilled.type_name()
_WISH_REJECTED = grid_events.WishRejected.type_name()
_WISH_RELEASED = grid_events.WishReleased.type_name()
_WISH_REVISITED = grid_events.WishRevisited.type_name()
_WISH_SCREENED = grid_events.WishScreened.type_name()


class WishesProjection(Projection):
    name = "grid_wishes"
    schema = SCHEMA
    sources = ("grid",)
    event_types = types_of(
        grid_events.WishCollected,
        grid_events.WishScreened,
        grid_events.WishRejected,
        grid_events.WishClaimed,
        grid_events.WishReleased,
        grid_events.WishFulfilled,
        grid_events.WishRevisited,
        grid_events.ResourceOffered,
    )
    ddl = (
        WISHES.create()
        + RESOURCES.create()
        + """
    CREATE INDEX IF NOT EXISTS wishes_community ON wishes (community_id, state, collected_at DESC);
    CREATE INDEX IF NOT EXISTS wishes_claimant ON wishes (claimant_id);
    CREATE INDEX IF NOT EXISTS wishes_evidence ON wishes USING gin (evidence_upload_ids);
    CREATE INDEX IF NOT EXISTS resources_community ON resources (community_id, offered_at DESC);
    """
    )

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        ids = {e.data["wish_id"] for e in events if "wish_id" in e.data}
        rows: dict[str, dict[str, Any]] = {r["wish_id"]: r for r in await WISHES.load_by(conn, "wish_id", list(ids))}
        resources: list[dict[str, Any]] = []
        for e in events:
            d = e.data
            if e.type == _RESOURCE_OFFERED:
                resources.append({**d, "offered_at": timestamp(d["offered_at"])})
                continue
            if e.type == _WISH_COLLECTED:
                rows[d["wish_id"]] = {
                    **d,
                    "state": "collected",
                    "collected_at": timestamp(d["collected_at"]),
                    "releases": 0,
                }
                continue
            row = rows.get(d["wish_id"])
            if row is None:
                continue
            kind = e.type
            if kind == _WISH_SCREENED:
                row.update(state="open", screened_at=timestamp(d["screened_at"]))
            elif kind == _WISH_REJECTED:
                row.update(state="rejected", screened_at=timestamp(d["screened_at"]), reject_reason=d["reason"])
            elif kind == _WISH_CLAIMED:
                row.update(
                    state="claimed",
                    claimant_id=d["claimant_id"],
                    claimant_name=d["claimant_name"],
                    claimant_kind=d["claimant_kind"],
                    resource_id=d.get("resource_id"),
                    claimed_at=timestamp(d["claimed_at"]),
                )
            elif kind == _WISH_RELEASED:
                row.update(
                    state="open",
                    claimant_id=None,
                    claimant_name=None,
                    claimant_kind=None,
                    resource_id=None,
                    claimed_at=None,
                    releases=(row.get("releases") or 0) + 1,
                )
            elif kind == _WISH_FULFILLED:
                row.update(
                    state="fulfilled",
                    fulfilled_at=timestamp(d["fulfilled_at"]),
                    note=d["note"],
                    evidence_upload_ids=d["evidence_upload_ids"],
                )
            elif kind == _WISH_REVISITED:
                row.update(state="revisited", satisfaction=d["satisfaction"], revisited_at=timestamp(d["revisited_at"]))
        await WISHES.upsert(conn, list(rows.values()))
        await RESOURCES.upsert(conn, list({r["resource_id"]: r for r in resources}.values()))
