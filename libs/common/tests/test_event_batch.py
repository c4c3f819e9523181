"""A pulled batch decodes each envelope when it is read; the runner's filters need no decoding."""

from __future__ import annotations

import datetime as dt

from grassroots_common.event_batch import EventBatch
from grassroots_common.events import RecordedEvent
from grassroots_common.jetstream import Delivery

AT = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


def delivery(sequence: int, event_type: str, *, subject: bool = True) -> Delivery:
    body = RecordedEvent(
        event_id=f"e{sequence}",
        stream_id="s1",
        stream_type="counter",
        version=sequence,
        type=event_type,
        schema_version=1,
        data={"n": sequence},
        metadata={"actor_id": "u1"},
        occurred_at=AT,
        recorded_at=AT,
        position=100 + sequence,
        tx_id=7,
    ).to_json()
    return Delivery(
        sequence, 10 - sequence, body, f"$JS.ACK.{sequence}", f"t.demo.counter.{event_type}" if subject else ""
    )


def test_events_decode_on_access_with_their_sequence_and_source() -> None:
    batch = EventBatch([delivery(1, "Bumped"), delivery(2, "Reset"), delivery(3, "Bumped")], "demo")
    assert len(batch) == 3
    assert [(e.sequence, e.source, e.data["n"], e.type) for e in batch] == [
        (1, "demo", 1, "Bumped"),
        (2, "demo", 2, "Reset"),
        (3, "demo", 3, "Bumped"),
    ]
    assert batch[-1].position == 103 and batch[-1].occurred_at == AT
    assert [e.sequence for e in batch[1:]] == [2, 3]
    assert isinstance(batch[1:], EventBatch)


def test_filters_by_sequence_and_type() -> None:
    batch = EventBatch([delivery(s, "Bumped" if s % 2 else "Reset") for s in range(1, 7)], "demo")
    assert [e.sequence for e in batch.after(4)] == [5, 6]
    assert [e.sequence for e in batch.up_to(2)] == [1, 2]
    assert [e.sequence for e in batch.of_types(lambda t: t == "Reset")] == [2, 4, 6]
    assert batch.of_types(lambda t: True) is batch  # nothing left out: the same batch
    assert len(batch.after(6)) == 0


def test_the_type_comes_from_the_envelope_when_the_subject_is_unknown() -> None:
    batch = EventBatch([delivery(1, "Bumped", subject=False), delivery(2, "Reset", subject=False)], "demo")
    assert [e.sequence for e in batch.of_types(lambda t: t == "Reset")] == [2]
