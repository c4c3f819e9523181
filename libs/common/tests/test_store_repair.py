"""Repair: a stream that holds an event an older version wrote before its contract was bounded (the
village policy with a subsidy beyond 64 bits) does not load; the store lists it, and an upcaster
registered for the old schema version repairs it on read, without rewriting a row."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from pydantic import ValidationError

from grassroots_common import events
from grassroots_common.contracts.village import VillagePolicySet
from grassroots_common.events import Metadata, NewEvent, register_upcaster
from grassroots_common.store import EventStore

META = Metadata(actor_id="d1", actor_name="区委组织部")
POLICY = {
    "subsidy_one_shoulder_fen": 2**70 + 1,  # what PUT /api/v1/policy once accepted
    "subsidy_other_fen": 230_000,
    "bonus_tiers": [{"threshold_fen": 5_000_000, "bonus_fen": 300_000}],
    "reserve_target": 2,
    "checklist": [{"aspect_id": "organization", "name": "组织建设", "max_score": 20}],
    "pairing_funds_fen": 5_000_000,
    "pairing_supporting_projects": 1,
    "pairing_industry_projects": 1,
    "behind_schedule_margin_pct": 15,
    "pilot_template": [{"aspect": "提升村容村貌", "title": "沿街门面统一改造"}],
}


async def _written_by_an_older_version(store: EventStore, stream_id: str, data: dict[str, Any]) -> None:
    """A row as the old append wrote it: straight into the table, past today's guard (the standard
    library's JSON, since orjson refuses to write an integer beyond 64 bits)."""
    await store.pool.execute(
        """INSERT INTO events (event_id, stream_id, stream_type, version, type, schema_version, data, metadata, occurred_at)
           VALUES ($1, $2, 'policy', 1, 'VillagePolicySet', 1, $3::text::jsonb, '{}'::jsonb, now())""",
        uuid.uuid4(),
        stream_id,
        json.dumps(data),
    )


async def test_an_unreadable_event_is_listed_then_repaired_by_an_upcaster(store, monkeypatch) -> None:
    await _written_by_an_older_version(store, "policy", POLICY)
    await store.append(
        "policy-ok", "policy", 0, [NewEvent(VillagePolicySet(**(POLICY | {"subsidy_one_shoulder_fen": 1})))], META
    )

    (recorded,) = await store.load("policy")
    with pytest.raises(ValidationError):
        recorded.to_event()  # the stream is broken: every command and read of the policy fails
    (broken,) = await store.unloadable()
    assert (broken.stream_id, broken.type, broken.version, broken.events) == ("policy", "VillagePolicySet", 1, 1)
    assert broken.error.startswith("subsidy_one_shoulder_fen:")

    # The repair ships as a new schema version whose upcaster mends the old shape's bad values.
    monkeypatch.setattr(events, "_UPCASTERS", dict(events._UPCASTERS))
    monkeypatch.setattr(VillagePolicySet, "schema_version", 2)

    @register_upcaster("VillagePolicySet", 1)
    def _rates_within_bounds(data: dict[str, Any]) -> dict[str, Any]:
        if data["subsidy_one_shoulder_fen"] > 10**13:  # out of any range: take the other rate
            return data | {"subsidy_one_shoulder_fen": data["subsidy_other_fen"]}
        return data

    (repaired,) = await store.load("policy")
    assert repaired.schema_version == 2
    assert repaired.to_event().subsidy_one_shoulder_fen == 230_000
    assert await store.unloadable() == []
    assert (await store.load("policy-ok"))[0].to_event().subsidy_one_shoulder_fen == 1  # good data passes through
    row = await store.pool.fetchrow("SELECT schema_version, data FROM events WHERE stream_id = 'policy'")
    assert row["schema_version"] == 1 and row["data"]["subsidy_one_shoulder_fen"] > 2**64  # nothing rewritten
