"""The PostgreSQL event store of one service.

Appends are optimistic: the first new event must follow the version the caller loaded, and the
unique ``(stream_id, version)`` key settles concurrent writers. Appends are not serialized per
service; instead every row carries its transaction id, and ``read_all`` returns only rows of
transactions older than the oldest one still running, in ``(tx_id, position)`` order. A reader
that checkpoints the last ``(tx_id, position)`` it saw therefore never skips a late commit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

import asyncpg
from prometheus_client import Counter
from pydantic import ValidationError

from grassroots_common import keystore, personal
from grassroots_common.clock import real_now
from grassroots_common.events import (
    Metadata,
    NewEvent,
    RecordedEvent,
    current_schema_version,
    event_class,
    load_event,
    stored_json,
    upcast,
)

EVENTS_APPENDED = Counter("grassroots_events_appended_total", "Events appended to the store", ["stream_type"])


@functools.cache
def _appended(stream_type: str) -> Any:
    return EVENTS_APPENDED.labels(stream_type)  # looked up once per stream type, not per append


class ConcurrencyError(Exception):
    """Another writer appended to the stream since it was loaded."""

    def __init__(self, stream_id: str, expected_version: int) -> None:
        super().__init__(f"stream {stream_id} is no longer at version {expected_version}")
        self.stream_id = stream_id
        self.expected_version = expected_version


class IdempotencyKeyTaken(Exception):
    """Another request stored its answer under the same idempotency key first: nothing was
    appended; its answer is ``remembered``."""


@dataclass(frozen=True, slots=True)
class AppendResult:
    stream_id: str
    version: int
    position: int
    tx_id: int

    @property
    def checkpoint(self) -> str:
        """Opaque read-your-writes token: a read model at or past it includes this append."""
        return f"{self.tx_id}.{self.position}"


@dataclass(frozen=True, slots=True)
class Remember:
    """An answer to keep under an idempotency key, written by the append's own statement (so with
    the events or not at all, in one round trip). ``answer`` is completed there with the appended
    ``version`` and ``position``."""

    scope: str
    key: str
    fingerprint: str
    answer: dict[str, Any]


IDEMPOTENCY_KEY_TAKEN = "idempotency_keys_pkey"


@dataclass(frozen=True, slots=True)
class LatestOf:
    """The latest event of one type in another stream, read in the same round trip as the
    aggregate a command loads: a setting the command only reads (a unit's deadlines), without
    folding that stream and without a query of its own. ``load_with`` answers it beside the
    stream's events; the command's decision takes it as an argument."""

    stream_id: str
    event_type: str

    def __post_init__(self) -> None:
        _type_literal(self.event_type)


@dataclass(frozen=True, slots=True)
class Assumed:
    """The setting a store last read for a ``LatestOf`` (``None``: there was none), which a first
    append may assume and its statement then checks."""

    event: RecordedEvent | None


def _type_literal(event_type: str) -> str:
    """An event type name as an SQL literal. Written into the statement, not passed as a parameter,
    so that a partial index on that type (``WHERE type = 'DeadlinesConfigured'``) serves even the
    statement's generic plan; type names are identifiers, checked here."""
    if not event_type.isidentifier() or not event_type.isascii():
        raise ValueError(f"not an event type name: {event_type!r}")
    return f"'{event_type}'"


@dataclass(frozen=True, slots=True, order=True)
class StorePosition:
    tx_id: int = 0
    position: int = 0

    @classmethod
    def parse(cls, token: str) -> StorePosition:
        tx, _, pos = token.partition(".")
        return cls(int(tx), int(pos))

    def __str__(self) -> str:
        return f"{self.tx_id}.{self.position}"


_INSERT = """
INSERT INTO events (event_id, stream_id, stream_type, version, type, schema_version, data, metadata, occurred_at)
SELECT e.event_id, $1, $2, $3 + e.ord, e.type, e.schema_version, e.data::jsonb, $8, e.occurred_at
FROM unnest($4::uuid[], $5::text[], $6::int[], $7::text[], $9::timestamptz[])
     WITH ORDINALITY AS e(event_id, type, schema_version, data, occurred_at, ord)
"""
# A new stream needs no check: a concurrent writer's version 1 violates the unique key. An
# existing stream must be exactly at the expected version (ahead of it would leave a gap).
_APPEND_NEW = _INSERT + "RETURNING version, position, tx_id"
# One event (most commands): plain VALUES, no arrays to encode and unnest.
_ONE = """
INSERT INTO events (event_id, stream_id, stream_type, version, type, schema_version, data, metadata, occurred_at)
SELECT $4, $1, $2, $3 + 1, $5, $6, $7::text::jsonb, $8, $9
"""
_APPEND_ONE_NEW = _ONE + "RETURNING version, position, tx_id"


def _first_unless_newer(latest: LatestOf, first: int) -> str:
    """A new stream's first event, only if ``latest`` is still the latest of its type (parameters
    ``$first``: its stream, ``$first + 1``: its version, 0 for none) and the stream is still new;
    otherwise no row, and no error."""
    return (
        _ONE
        + f"""WHERE NOT EXISTS (SELECT 1 FROM events WHERE stream_id = ${first}
                  AND type = {_type_literal(latest.event_type)} AND version > ${first + 1})
ON CONFLICT (stream_id, version) DO NOTHING
RETURNING version, position, tx_id"""
    )


_APPEND_ONE_NEXT = (
    _ONE
    + "WHERE EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $3) RETURNING version, position, tx_id"
)
_APPEND_NEXT = (
    _INSERT
    + "WHERE EXISTS (SELECT 1 FROM events WHERE stream_id = $1 AND version = $3) RETURNING version, position, tx_id"
)


def _one(
    stream_id: str,
    stream_type: str,
    expected_version: int,
    e: NewEvent,
    text: str,
    metadata: dict[str, Any],
    now: dt.datetime,
) -> tuple[Any, ...]:
    """The parameters ``$1`` to ``$9`` of ``_ONE``."""
    return (
        stream_id,
        stream_type,
        expected_version,
        e.event_id,
        e.event.type_name(),
        e.event.schema_version,
        text,
        metadata,
        e.occurred_at or now,
    )


async def _as_stored(events: Sequence[NewEvent], metadata: Metadata) -> tuple[list[str], dict[str, Any]]:
    """The events' JSON and the metadata as appended: checked to load back (``stored_json``), and
    with the persons they name sealed when a keystore is attached (``grassroots_common.personal``)."""
    texts = [stored_json(e.event) for e in events]
    stored = metadata.stored()
    held = keystore.current()
    if held is None:
        return texts, stored
    actor = metadata.actor_id
    await held.ensure(personal.subjects_of((e.event for e in events), actor, bool(metadata.actor_name)))
    return [
        personal.sealed_json(e.event, t, actor) for e, t in zip(events, texts, strict=True)
    ], personal.seal_metadata(stored)


def _remembering(append: str, args: tuple[Any, ...], remember: Remember | None) -> tuple[str, tuple[Any, ...]]:
    """``append`` (an INSERT … RETURNING) and its ``args``; with ``remember``, a statement that also
    stores the idempotency record (the record names the last appended event's version and position)."""
    if remember is None:
        return append, args
    first = len(args) + 1
    sql = f"""WITH appended AS ({append}),
remembered AS (
    INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, response)
    SELECT ${first}, ${first + 1}, ${first + 2}, 200,
           ${first + 3}::jsonb || jsonb_build_object('version', version, 'position', tx_id || '.' || position)
    FROM appended ORDER BY position DESC LIMIT 1
)
SELECT version, position, tx_id FROM appended ORDER BY position"""
    return sql, (*args, remember.scope, remember.key, remember.fingerprint, remember.answer)


_COLUMNS = (
    "position, tx_id, event_id::text AS event_id, stream_id, stream_type, version, type, "
    "schema_version, data, metadata, occurred_at, recorded_at"
)


def _record(row: asyncpg.Record) -> RecordedEvent:
    """The row of ``_COLUMNS`` (by position: read for every event loaded), upcast if it is older
    than its registered class."""
    position, tx_id, event_id, stream_id, stream_type, version, type_name, schema_version, data, metadata = row[:10]
    personal.open_stored(data, event_class(type_name), schema_version)
    personal.open_metadata(metadata)
    current = current_schema_version(type_name)
    if current is not None and current != schema_version:
        schema_version, data = upcast(type_name, schema_version, data)
    return RecordedEvent(
        event_id,
        stream_id,
        stream_type,
        version,
        type_name,
        schema_version,
        data,
        metadata,
        row[10],
        row[11],
        position,
        tx_id,
    )


async def _records(rows: Sequence[asyncpg.Record]) -> list[RecordedEvent]:
    """The rows as events, the persons they name opened: keys this process lacks are fetched first."""
    try:
        return [_record(r) for r in rows]
    except personal.KeyMissing:
        held = keystore.current()
        if held is None:
            raise
        await held.fetch(
            {s for r in rows for s in personal.subjects_in(r["data"]) | personal.subjects_in(r["metadata"])}
        )
        return [_record(r) for r in rows]


@dataclass(frozen=True, slots=True)
class UnloadableStream:
    """A stream holding events that do not load: the first such event and how many there are."""

    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    error: str
    events: int = 1


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False)[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return f"{type(exc).__name__}: {exc}"


class EventStore:
    def __init__(self, pool: asyncpg.Pool, clock: Callable[[], dt.datetime] = real_now) -> None:
        self.pool = pool
        # When an event occurred, unless the command says: the service's clock (moved in training).
        self.clock = clock
        # The settings LatestOf last read, by (stream, type): what a command may assume before it
        # reads (``append_first``), never what it trusts without the store's confirmation.
        self._settings: dict[tuple[str, str], RecordedEvent | None] = {}

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int,
        events: Sequence[NewEvent],
        metadata: Metadata,
        *,
        conn: asyncpg.Connection | None = None,
        remember: Remember | None = None,
    ) -> AppendResult:
        """Append ``events`` after ``expected_version`` in one statement (so one transaction); with
        ``remember``, the idempotency record is written by the same statement. A key another
        request took first raises ``IdempotencyKeyTaken``; a lost race for the stream raises ``ConcurrencyError``; an
        event that would not load back as itself raises ``UnloadableEvent`` and nothing is written."""
        if not events:
            raise ValueError("nothing to append")
        now = self.clock()
        texts, stored = await _as_stored(events, metadata)
        if len(events) == 1:
            sql = _APPEND_ONE_NEW if expected_version == 0 else _APPEND_ONE_NEXT
            args: tuple[Any, ...] = _one(stream_id, stream_type, expected_version, events[0], texts[0], stored, now)
        else:
            sql = _APPEND_NEW if expected_version == 0 else _APPEND_NEXT
            args = (
                stream_id,
                stream_type,
                expected_version,
                [e.event_id for e in events],
                [e.event.type_name() for e in events],
                [e.event.schema_version for e in events],
                texts,
                stored,
                [e.occurred_at or now for e in events],
            )
        sql, args = _remembering(sql, args, remember)
        try:
            rows = await (conn or self.pool).fetch(sql, *args)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == IDEMPOTENCY_KEY_TAKEN:
                raise IdempotencyKeyTaken(remember.key if remember else "") from exc
            raise ConcurrencyError(stream_id, expected_version) from exc
        if not rows:
            raise ConcurrencyError(stream_id, expected_version)
        _appended(stream_type).inc(len(rows))
        last = rows[-1]
        return AppendResult(stream_id, last["version"], last["position"], last["tx_id"])

    def connection(self) -> AbstractAsyncContextManager[asyncpg.Connection]:
        """One connection for a command's load and append (pass it as ``conn``)."""
        return self.pool.acquire()

    def _remember_setting(self, latest: LatestOf, event: RecordedEvent | None) -> None:
        if len(self._settings) >= 10_000:
            self._settings.pop(next(iter(self._settings)))
        self._settings[(latest.stream_id, latest.event_type)] = event

    def assumed(self, latest: LatestOf) -> Assumed | None:
        """The setting ``load_with`` last read for ``latest``, if it read one: what a first append
        may assume (``append_first`` checks it)."""
        key = (latest.stream_id, latest.event_type)
        if key not in self._settings:
            return None
        return Assumed(self._settings[key])

    async def append_first(
        self,
        stream_id: str,
        stream_type: str,
        event: NewEvent,
        metadata: Metadata,
        latest: LatestOf,
        assumed: Assumed,
        *,
        conn: asyncpg.Connection | None = None,
        remember: Remember | None = None,
    ) -> AppendResult | None:
        """Append the first event of a stream decided without reading it: only if the stream is
        still empty and the setting ``assumed`` is still the latest, in one statement. ``None`` if
        either was not so (the setting is then forgotten): load and decide again. A command on a
        stream that is usually new saves the load's round trip. A key another request took first
        raises ``IdempotencyKeyTaken``."""
        guard = (latest.stream_id, assumed.event.version if assumed.event is not None else 0)
        texts, stored = await _as_stored((event,), metadata)
        args = (*_one(stream_id, stream_type, 0, event, texts[0], stored, self.clock()), *guard)
        sql, args = _remembering(_first_unless_newer(latest, 10), args, remember)
        try:
            rows = await (conn or self.pool).fetch(sql, *args)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == IDEMPOTENCY_KEY_TAKEN:
                raise IdempotencyKeyTaken(remember.key if remember else "") from exc
            raise
        if not rows:
            self._settings.pop((latest.stream_id, latest.event_type), None)
            return None
        _appended(stream_type).inc(1)
        return AppendResult(stream_id, rows[-1]["version"], rows[-1]["position"], rows[-1]["tx_id"])

    async def load(self, stream_id: str, conn: asyncpg.Connection | None = None) -> list[RecordedEvent]:
        """The stream's events in order."""
        sql = f"SELECT {_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY version"
        return await _records(await (conn or self.pool).fetch(sql, stream_id))

    async def load_with(
        self, stream_id: str, latest: LatestOf, conn: asyncpg.Connection | None = None
    ) -> tuple[list[RecordedEvent], RecordedEvent | None]:
        """The stream's events in order and the setting ``latest`` names (``None``: none), in one query."""
        rows = await (conn or self.pool).fetch(
            f"""SELECT * FROM (
                    SELECT {_COLUMNS}, false AS latest FROM events WHERE stream_id = $1
                    UNION ALL
                    (SELECT {_COLUMNS}, true FROM events
                     WHERE stream_id = $2 AND type = {_type_literal(latest.event_type)}
                     ORDER BY version DESC LIMIT 1)
                ) AS loaded ORDER BY latest, version""",
            stream_id,
            latest.stream_id,
        )
        records = await _records(rows)
        setting = records[-1] if rows and rows[-1]["latest"] else None
        self._remember_setting(latest, setting)
        return [e for e, r in zip(records, rows, strict=True) if not r["latest"]], setting

    async def remembered(
        self, scope: str, key: str, conn: asyncpg.Connection | None = None
    ) -> tuple[str, dict[str, Any]] | None:
        """The fingerprint and answer stored under an idempotency key, if any."""
        row = await (conn or self.pool).fetchrow(
            "SELECT fingerprint, response FROM idempotency_keys WHERE scope=$1 AND key=$2", scope, key
        )
        return (row["fingerprint"], row["response"]) if row is not None else None

    async def read_all(self, after: StorePosition, limit: int = 1000) -> list[RecordedEvent]:
        """Committed events after ``after`` in commit-safe order, at most ``limit``."""
        return await _records(await self._committed_after(_COLUMNS, after, limit))

    async def _committed_after(self, columns: str, after: StorePosition, limit: int) -> list[asyncpg.Record]:
        """``columns`` of the events committed after ``after``, in commit order, at most ``limit``:
        only below the oldest transaction still open, which may yet commit lower positions."""
        return await self.pool.fetch(
            f"""SELECT {columns} FROM events
                WHERE (tx_id, position) > ($1, $2)
                  AND tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
                ORDER BY tx_id, position LIMIT $3""",
            after.tx_id,
            after.position,
            limit,
        )

    async def recorded_until(
        self,
        at: dt.datetime,
        after: StorePosition,
        *,
        types: Sequence[str] | None = None,
        limit: int = 1000,
        conn: asyncpg.Connection | None = None,
    ) -> list[RecordedEvent]:
        """Events recorded at or before ``at`` (of ``types``, if given) after ``after``, in commit
        order: what the store held at that time, for folding a read model as it stood then."""
        rows = await (conn or self.pool).fetch(
            f"""SELECT {_COLUMNS} FROM public.events
                WHERE recorded_at <= $1 AND ($2::text[] IS NULL OR type = ANY($2))
                  AND (tx_id, position) > ($3, $4)
                ORDER BY tx_id, position LIMIT $5""",
            at,
            list(types) if types is not None else None,
            after.tx_id,
            after.position,
            limit,
        )
        return await _records(rows)

    async def read_envelopes(self, after: StorePosition, limit: int = 1000) -> list[asyncpg.Record]:
        """Like ``read_all`` but with the JSON envelope built by PostgreSQL (for the relay: no
        decode and re-encode in Python). Rows: tx_id, position, event_id, stream_id, stream_type,
        version, type, correlation_id, traceparent, body."""
        return await self._committed_after(
            """tx_id, position, event_id::text AS event_id, stream_id, stream_type, version, type,
               metadata->>'correlation_id' AS correlation_id, metadata->>'traceparent' AS traceparent,
               json_build_object(
                   'event_id', event_id, 'stream_id', stream_id, 'stream_type', stream_type,
                   'version', version, 'type', type, 'schema_version', schema_version,
                   'data', data, 'metadata', metadata, 'occurred_at', occurred_at,
                   'recorded_at', recorded_at, 'position', position, 'tx_id', tx_id)::text AS body""",
            after,
            limit,
        )

    async def last_of_type(self, stream_id: str, event_type: str) -> RecordedEvent | None:
        """The latest event of one type in a stream, without folding the whole stream (for a
        setting that a command only reads, e.g. a unit's deadlines)."""
        row = await self.pool.fetchrow(
            f"""SELECT {_COLUMNS} FROM events WHERE stream_id = $1 AND type = {_type_literal(event_type)}
                ORDER BY version DESC LIMIT 1""",
            stream_id,
        )
        return (await _records([row]))[0] if row else None

    async def events_of_type(self, stream_type: str, event_type: str) -> list[RecordedEvent]:
        """Every event of one type in the streams of one type, in the order they were written (by
        the stream type's index): e.g. each village's registration, to act on every village."""
        rows = await self.pool.fetch(
            f"""SELECT {_COLUMNS} FROM events WHERE stream_type = $1 AND type = {_type_literal(event_type)}
                ORDER BY position""",
            stream_type,
        )
        return await _records(rows)

    async def existing(self, stream_ids: Sequence[str]) -> set[str]:
        """Which of ``stream_ids`` hold events (one query, by the stream's index)."""
        rows = await self.pool.fetch(
            """SELECT s.stream_id FROM unnest($1::text[]) AS s(stream_id)
               WHERE EXISTS (SELECT 1 FROM events e WHERE e.stream_id = s.stream_id)""",
            list(stream_ids),
        )
        return {r["stream_id"] for r in rows}

    async def unloadable(self, batch: int = 2000) -> list[UnloadableStream]:
        """Every stream with an event that does not load as a command or a projection would load
        it (upcast, then validated by its registered contract), in the order they were written:
        what an older version appended before its contract was bounded, waiting for an upcaster
        (``register_upcaster``). Reads the whole store, a batch at a time."""
        found: dict[str, UnloadableStream] = {}
        after = 0
        while rows := await self.pool.fetch(
            f"SELECT {_COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2", after, batch
        ):
            held = keystore.current()
            if held is not None:
                await held.fetch({s for r in rows for s in personal.subjects_in(r["data"])})
            for row in rows:
                try:
                    data = personal.open_data(row["data"])
                    load_event(row["type"], upcast(row["type"], row["schema_version"], data)[1])
                except Exception as exc:  # an upcaster is any code: its own failure is one too
                    seen = found.get(row["stream_id"])
                    if seen is not None:
                        found[row["stream_id"]] = replace(seen, events=seen.events + 1)
                        continue
                    found[row["stream_id"]] = UnloadableStream(
                        row["stream_id"],
                        row["stream_type"],
                        row["version"],
                        row["type"],
                        row["schema_version"],
                        _why(exc),
                    )
            after = rows[-1]["position"]
        return list(found.values())

    async def expire_idempotency(self, older_than: dt.timedelta, batch: int = 5_000) -> int:
        """Delete the Idempotency-Key records written more than ``older_than`` ago (a retry after
        that is a new request), a batch a transaction so no lock is held long; answers how many."""
        expired = 0
        while True:
            deleted = await self.pool.fetchval(
                """WITH old AS (
                       DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
                           SELECT ctid FROM idempotency_keys WHERE created_at < now() - $1::interval LIMIT $2))
                       RETURNING 1)
                   SELECT count(*) FROM old""",
                older_than,
                batch,
            )
            expired += deleted
            if deleted < batch:
                return expired

    async def position_of(self, event_id: str) -> StorePosition | None:
        row = await self.pool.fetchrow("SELECT tx_id, position FROM events WHERE event_id = $1::uuid", event_id)
        return StorePosition(row["tx_id"], row["position"]) if row else None

    async def head(self) -> StorePosition:
        row = await self.pool.fetchrow("SELECT tx_id, position FROM events ORDER BY tx_id DESC, position DESC LIMIT 1")
        return StorePosition(row["tx_id"], row["position"]) if row else StorePosition()

    async def count(self) -> int:
        return await self.pool.fetchval("SELECT count(*) FROM events")
