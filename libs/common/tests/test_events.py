"""Envelope round trip and upcasting of old shapes on read."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_common.events import Event, RecordedEvent, event, register_upcaster, upcast


@event
class ParcelWeighed(Event):
    schema_version = 2
    stream_type = "parcel"
    grams: int
    unit: str


@register_upcaster("ParcelWeighed", 1)
def _v1_to_v2(data: dict) -> dict:
    # v1 stored kilograms as "kg"; v2 stores grams and names the unit.
    return {"grams": int(data["kg"] * 1000), "unit": "g"}


def _envelope(schema_version: int, data: dict) -> RecordedEvent:
    now = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    return RecordedEvent(
        event_id="0193a000-0000-7000-8000-000000000001",
        stream_id="parcel-1",
        stream_type="parcel",
        version=1,
        type="ParcelWeighed",
        schema_version=schema_version,
        data=data,
        metadata={"actor_id": "u1", "correlation_id": "c1"},
        occurred_at=now,
        recorded_at=now,
        position=7,
        tx_id=100,
    )


def test_envelope_round_trips_through_json() -> None:
    original = _envelope(2, {"grams": 1500, "unit": "g"})
    decoded = RecordedEvent.from_json(original.to_json(), sequence=42, source="parcels")
    assert decoded.data == original.data
    assert decoded.metadata == original.metadata
    assert decoded.occurred_at == original.occurred_at
    assert (decoded.sequence, decoded.source, decoded.position, decoded.tx_id) == (42, "parcels", 7, 100)
    assert decoded.to_event() == ParcelWeighed(grams=1500, unit="g")


def test_old_shape_is_upcast_on_read_not_rewritten() -> None:
    stored = _envelope(1, {"kg": 1.5})
    decoded = RecordedEvent.from_json(stored.to_json())
    assert decoded.schema_version == 2
    assert decoded.to_event() == ParcelWeighed(grams=1500, unit="g")
    assert stored.data == {"kg": 1.5}


def test_missing_upcaster_is_an_error() -> None:
    with pytest.raises(LookupError):
        upcast("ParcelWeighed", 0, {})


def test_unknown_type_is_reported_not_guessed() -> None:
    stranger = _envelope(1, {})
    stranger.type = "SomethingElseHappened"
    with pytest.raises(LookupError):
        stranger.to_event()
