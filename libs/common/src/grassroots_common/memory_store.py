"""An event store in memory, with the PostgreSQL store's interface and behaviour on the write path.

For specifications of handlers that need no database (``grassroots_common.specification``):
the same optimistic appends by expected version, the same guard (an event appended is one that
loads: ``stored_json``), the same idempotency records written with the events or not at all, the
same settings read with an aggregate and assumed by a first append. ``libs/common/tests/
test_store_contract.py`` runs one suite against both stores. Every append commits at once, so
commit order is append order. Persons are not sealed (no keystore is attached to a specification).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import orjson

from grassroots_common.clock import real_now
from grassroots_common.events import Metadata, NewEvent, RecordedEvent, load_event, stored_json
from grassroots_common.store import (
    AppendResult,
    Assumed,
    ConcurrencyError,
    IdempotencyKeyTaken,
    LatestOf,
    Remember,
    StorePosition,
    UnloadableStream,
)


@dataclass(frozen=True, slots=True)
class _Row:
    """One stored event: its data and metadata as JSON text, decoded afresh on every read, as
    PostgreSQL hands out new objects (a reader that changes what it got changes nothing stored)."""

    event: RecordedEvent
    data: bytes
    metadata: bytes

    def record(self) -> RecordedEvent:
        return replace(self.event, data=orjson.loads(self.data), metadata=orjson.loads(self.metadata))


class InMemoryEventStore:
    def __init__(self, clock: Callable[[], dt.datetime] = real_now) -> None:
        self.clock = clock
        self._rows: list[_Row] = []
        self._streams: dict[str, list[_Row]] = {}
        self._answers: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self._settings: dict[tuple[str, str], RecordedEvent | None] = {}
        self._tx = 1000

    @contextlib.asynccontextmanager
    async def connection(self) -> AsyncIterator[None]:
        yield None

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int,
        events: Sequence[NewEvent],
        metadata: Metadata,
        *,
        conn: Any = None,
        remember: Remember | None = None,
    ) -> AppendResult:
        """As ``EventStore.append``: all of ``events`` after ``expected_version``, or none."""
        if not events:
            raise ValueError("nothing to append")
        if len(self._streams.get(stream_id, ())) != expected_version:
            raise ConcurrencyError(stream_id, expected_version)
        return self._commit(stream_id, stream_type, events, metadata, remember)

    def assumed(self, latest: LatestOf) -> Assumed | None:
        key = (latest.stream_id, latest.event_type)
        return Assumed(self._settings[key]) if key in self._settings else None

    async def append_first(
        self,
        stream_id: str,
        stream_type: str,
        event: NewEvent,
        metadata: Metadata,
        latest: LatestOf,
        assumed: Assumed,
        *,
        conn: Any = None,
        remember: Remember | None = None,
    ) -> AppendResult | None:
        """As ``EventStore.append_first``: only if the stream is empty and ``assumed`` still the latest."""
        current = self._latest(latest)
        if self._streams.get(stream_id) or (current.version if current else 0) > (
            assumed.event.version if assumed.event else 0
        ):
            self._settings.pop((latest.stream_id, latest.event_type), None)
            return None
        return self._commit(stream_id, stream_type, [event], metadata, remember)

    async def load(self, stream_id: str, conn: Any = None) -> list[RecordedEvent]:
        return [r.record() for r in self._streams.get(stream_id, ())]

    async def load_with(
        self, stream_id: str, latest: LatestOf, conn: Any = None
    ) -> tuple[list[RecordedEvent], RecordedEvent | None]:
        setting = self._latest(latest)
        self._settings[(latest.stream_id, latest.event_type)] = setting
        return await self.load(stream_id), setting

    async def remembered(self, scope: str, key: str, conn: Any = None) -> tuple[str, dict[str, Any]] | None:
        found = self._answers.get((scope, key))
        return (found[0], orjson.loads(orjson.dumps(found[1]))) if found is not None else None

    async def last_of_type(self, stream_id: str, event_type: str) -> RecordedEvent | None:
        return self._latest(LatestOf(stream_id, event_type))

    async def events_of_type(self, stream_type: str, event_type: str) -> list[RecordedEvent]:
        return [r.record() for r in self._rows if (r.event.stream_type, r.event.type) == (stream_type, event_type)]

    async def existing(self, stream_ids: Sequence[str]) -> set[str]:
        return {s for s in stream_ids if self._streams.get(s)}

    async def read_all(self, after: StorePosition, limit: int = 1000) -> list[RecordedEvent]:
        """Events after ``after`` in commit order (here: append order), at most ``limit``."""
        return [r.record() for r in self._rows if StorePosition(r.event.tx_id, r.event.position) > after][:limit]

    async def recorded_until(
        self,
        at: dt.datetime,
        after: StorePosition,
        *,
        types: Sequence[str] | None = None,
        limit: int = 1000,
        conn: Any = None,
    ) -> list[RecordedEvent]:
        return [
            r.record()
            for r in self._rows
            if r.event.recorded_at <= at
            and (types is None or r.event.type in types)
            and StorePosition(r.event.tx_id, r.event.position) > after
        ][:limit]

    async def unloadable(self, batch: int = 2000) -> list[UnloadableStream]:
        """Nothing that does not load can be appended here; checked all the same, as the reader would."""
        found: dict[str, UnloadableStream] = {}
        for r in self._rows:
            try:
                load_event(r.event.type, orjson.loads(r.data))
            except Exception as exc:
                e = r.event
                seen = found.get(e.stream_id)
                found[e.stream_id] = (
                    replace(seen, events=seen.events + 1)
                    if seen
                    else UnloadableStream(e.stream_id, e.stream_type, e.version, e.type, e.schema_version, repr(exc))
                )
        return list(found.values())

    async def position_of(self, event_id: str) -> StorePosition | None:
        for r in self._rows:
            if r.event.event_id == event_id:
                return StorePosition(r.event.tx_id, r.event.position)
        return None

    async def head(self) -> StorePosition:
        return (
            StorePosition(self._rows[-1].event.tx_id, self._rows[-1].event.position) if self._rows else StorePosition()
        )

    async def count(self) -> int:
        return len(self._rows)

    def _latest(self, latest: LatestOf) -> RecordedEvent | None:
        for r in reversed(self._streams.get(latest.stream_id, ())):
            if r.event.type == latest.event_type:
                return r.record()
        return None

    def _commit(
        self,
        stream_id: str,
        stream_type: str,
        events: Sequence[NewEvent],
        metadata: Metadata,
        remember: Remember | None,
    ) -> AppendResult:
        """Check everything first, then write it all: nothing is half-appended."""
        if remember is not None and (remember.scope, remember.key) in self._answers:
            raise IdempotencyKeyTaken(remember.key)
        texts = [stored_json(e.event) for e in events]  # raises UnloadableEvent, as the store does
        meta = orjson.dumps(metadata.stored())
        now = self.clock()
        self._tx += 1
        stream = self._streams.setdefault(stream_id, [])
        for e, text in zip(events, texts, strict=True):
            recorded = RecordedEvent(
                str(e.event_id),
                stream_id,
                stream_type,
                len(stream) + 1,
                e.event.type_name(),
                e.event.schema_version,
                {},
                {},
                e.occurred_at or now,
                now,
                len(self._rows) + 1,
                self._tx,
            )
            row = _Row(recorded, text.encode(), meta)
            stream.append(row)
            self._rows.append(row)
        last = stream[-1].event
        if remember is not None:
            answer = {**remember.answer, "version": last.version, "position": f"{last.tx_id}.{last.position}"}
            self._answers[(remember.scope, remember.key)] = (remember.fingerprint, answer)
        return AppendResult(stream_id, last.version, last.position, last.tx_id)
