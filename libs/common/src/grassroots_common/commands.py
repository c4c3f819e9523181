"""The one write path: load the aggregate, call a domain method, append with the expected version.

A lost race is retried on fresh state a few times, then answered 409. With an ``Idempotency-Key``
the answer is stored in the same transaction as the events, so a retried request gets the first
answer back and appends nothing.

Authorization comes before any idempotency work: a key costs nothing until the command runs (the
body's fingerprint is taken when first needed), and the first answer is looked up only after the
action has decided, so a principal the action refuses (403) is refused even on a retry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from grassroots_common.aggregate import Aggregate
from grassroots_common.errors import Conflict, DomainError, Forbidden, Invalid
from grassroots_common.events import Metadata, NewEvent, RecordedEvent, UnloadableEvent
from grassroots_common.store import AppendResult, Assumed, ConcurrencyError, IdempotencyKeyTaken, LatestOf, Remember

if TYPE_CHECKING:
    import datetime as dt

    from grassroots_common.auth import Principal
    from grassroots_common.workdays import WorkCalendar

A = TypeVar("A", bound=Aggregate)

# A decision: the aggregate (and, with ``latest=``, the setting it names) -> extra answer data.
Action = Callable[..., dict[str, Any] | None]


class CommandStore(Protocol):
    """What the write path needs of an event store: ``store.EventStore`` (PostgreSQL) and
    ``memory_store.InMemoryEventStore`` (specifications without a database) both are one, and
    ``libs/common/tests/test_store_contract.py`` holds them to the same behaviour. ``conn`` is
    whatever ``connection()`` yields: the load and the append of one command share it."""

    def connection(self) -> AbstractAsyncContextManager[Any]: ...

    async def load(self, stream_id: str, conn: Any = None) -> list[RecordedEvent]: ...

    async def load_with(
        self, stream_id: str, latest: LatestOf, conn: Any = None
    ) -> tuple[list[RecordedEvent], RecordedEvent | None]: ...

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
    ) -> AppendResult: ...

    def assumed(self, latest: LatestOf) -> Assumed | None: ...

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
    ) -> AppendResult | None: ...

    async def remembered(self, scope: str, key: str, conn: Any = None) -> tuple[str, dict[str, Any]] | None: ...

    async def last_of_type(self, stream_id: str, event_type: str) -> RecordedEvent | None: ...

    async def existing(self, stream_ids: Sequence[str]) -> set[str]: ...

    async def events_of_type(self, stream_type: str, event_type: str) -> list[RecordedEvent]: ...


class CommandRuntime(Protocol):
    """What a handler reaches through ``ctx.runtime``: the service's ``Runtime``, or a
    specification's stand-in (``grassroots_common.specification``). No database pool: a handler
    decides on what the store holds (``CommandStore``), never on a read model."""

    store: CommandStore
    clock: Callable[[], dt.datetime]

    def wake_relay(self) -> None: ...

    async def calendar(self) -> WorkCalendar: ...

    async def missing_uploads(self, upload_ids: list[str]) -> list[str]: ...


MAX_ATTEMPTS = 4


class CommandResult(BaseModel):
    """What every command answers: the stream, its new version and a read-your-writes token."""

    stream_id: str
    version: int
    position: str
    events: list[str]
    data: dict[str, Any] = {}

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "stream_id": "log-p_0192-2026-W47",
                    "version": 2,
                    "position": "48213.1822",
                    "events": ["LogSubmitted"],
                    "data": {},
                }
            ]
        }
    }


@dataclass(frozen=True)
class Idempotency:
    """A request's ``Idempotency-Key``, scoped to its actor and route, and the body it came with."""

    key: str
    scope: str
    route: str
    body: Any = field(repr=False)

    @classmethod
    def of(cls, key: str | None, actor: str, route: str, body: Any) -> Idempotency | None:
        if not key:
            return None
        if len(key) > 200:
            raise Invalid("idempotency_key_too_long", "Idempotency-Key 不能超过 200 个字符", field="Idempotency-Key")
        return cls(key=key, scope=f"{actor}:{route}", route=route, body=body)

    @cached_property
    def fingerprint(self) -> str:
        """The route and body, hashed; taken only when the command gets that far. A JSON body is
        hashed as its canonical form (keys sorted, no spaces), so a retry that serializes the same
        body again with other spacing or key order is the same request."""
        return hashlib.sha256(self.route.encode() + _canonical(self.body)).hexdigest()

    def matches(self, fingerprint: str) -> bool:
        """Whether a stored record's fingerprint is of this request. Records written before JSON
        bodies were hashed canonically (2026-12-03) hashed the raw bytes; they match those bytes
        until they expire (``idempotency_days``)."""
        if fingerprint == self.fingerprint:
            return True
        return (
            isinstance(self.body, bytes) and fingerprint == hashlib.sha256(self.route.encode() + self.body).hexdigest()
        )


def _canonical(body: Any) -> bytes:
    if isinstance(body, bytes):  # the request's raw body, as it came: JSON in its canonical form
        try:
            body = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            return body  # not JSON (the route refuses it before any key is stored)
    try:
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits: the standard encoder takes any
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True, slots=True)
class CommandContext:
    """What every command handler gets: the service's runtime, who asks, the request's metadata and
    its idempotency (from the ``Idempotency-Key`` and the raw body), made by one HTTP dependency
    (``http.dependencies.CommandDep``) or by a test or a scheduler directly.

    ``ctx.execute(Aggregate, stream_id, action)`` is the one write path of a handler."""

    runtime: CommandRuntime
    principal: Principal
    meta: Metadata
    idempotency: Idempotency | None = None

    def now(self) -> dt.datetime:
        return self.runtime.clock()

    async def calendar(self) -> WorkCalendar:
        """The platform's working-day calendar (deadlines count working days)."""
        return await self.runtime.calendar()

    async def require_uploads(self, upload_ids: list[str], *, field: str) -> None:
        """Refuse a command that names files never uploaded (422 ``upload_not_found``)."""
        missing = await self.runtime.missing_uploads(upload_ids) if upload_ids else []
        if missing:
            raise Invalid("upload_not_found", f"找不到上传的文件：{'、'.join(missing)}，请重新上传", field=field)

    async def existing(self, stream_ids: Sequence[str]) -> set[str]:
        """Which of these streams hold events, as the store has them now (not a read model)."""
        return await self.runtime.store.existing(stream_ids)

    async def events_of_type(self, stream_type: str, event_type: str) -> list[RecordedEvent]:
        """Every event of one type in the streams of one type, as the store has them now (not a
        read model): what a command acting on every stream of a kind starts from."""
        return await self.runtime.store.events_of_type(stream_type, event_type)

    async def load(self, aggregate_type: type[A], stream_id: str) -> A:
        """The aggregate as its events have it now (to check a rule before deciding elsewhere)."""
        return aggregate_type.from_recorded(stream_id, await self.runtime.store.load(stream_id))

    async def execute(
        self,
        aggregate_type: type[A],
        stream_id: str,
        action: Action,
        *,
        latest: LatestOf | None = None,
        usually_new: bool = False,
    ) -> CommandResult:
        """``execute`` with this request's metadata and idempotency; the relay is woken after an append.
        With ``latest``, ``action(aggregate, setting)`` gets the setting read with the aggregate."""
        return await execute(
            self.runtime.store,
            aggregate_type,
            stream_id,
            action,
            self.meta,
            idempotency=self.idempotency,
            on_appended=self.runtime.wake_relay,
            latest=latest,
            usually_new=usually_new,
        )


async def _remembered(store: CommandStore, idem: Idempotency, conn: Any = None) -> CommandResult | None:
    found = await store.remembered(idem.scope, idem.key, conn)
    if found is None:
        return None
    fingerprint, response = found
    if not idem.matches(fingerprint):
        raise Invalid(
            "idempotency_key_reused",
            "同一个 Idempotency-Key 已用于另一个不同的请求，请为新请求生成新的键",
            field="Idempotency-Key",
        )
    return CommandResult.model_validate(response)


async def execute(
    store: CommandStore,
    aggregate_type: type[A],
    stream_id: str,
    action: Action,
    meta: Metadata,
    *,
    idempotency: Idempotency | None = None,
    on_appended: Callable[[], None] | None = None,
    latest: LatestOf | None = None,
    usually_new: bool = False,
) -> CommandResult:
    """Run ``action`` on the current aggregate and store the events it raises.

    ``action`` may return extra data for the answer (e.g. a new id). It must raise a
    ``DomainError`` to refuse; raising no event is allowed and appends nothing. With ``latest``,
    the setting it names is read with the aggregate on every attempt and passed to the decision:
    ``action(aggregate, setting)`` (``setting`` is ``None`` when there is none).

    ``usually_new`` is the one switch of the first-submission shortcut (a stream per person and
    period, mostly written once; ``grassroots bench`` measures it on and off): first decide on an
    empty aggregate with the setting the store last read, and append only if the stream is still
    empty and the setting still the latest, in one statement (``append_first``). Otherwise, or if
    ``action`` refuses the empty aggregate, load and decide as usual.
    """
    if usually_new and latest is not None and (assumed := store.assumed(latest)) is not None:
        answered = await _first(store, aggregate_type, stream_id, action, meta, idempotency, latest, assumed)
        if answered is not None:
            if on_appended is not None:
                on_appended()
            return answered
    for attempt in range(MAX_ATTEMPTS):
        try:
            # One connection for the load and the append: a command costs two round trips (three
            # with an idempotency key, whose record the append's statement writes).
            async with store.connection() as conn:
                if latest is None:
                    aggregate = aggregate_type.from_recorded(stream_id, await store.load(stream_id, conn))
                    decide: Callable[[A], dict[str, Any] | None] = action
                else:
                    events, setting = await store.load_with(stream_id, latest, conn)
                    aggregate = aggregate_type.from_recorded(stream_id, events)
                    decide = _with_setting(action, setting)
                try:
                    data = _decide(decide, aggregate)
                except Forbidden:
                    raise
                except DomainError:
                    # A retry may be refused because its first attempt already happened: answer that.
                    first = (
                        await _remembered(store, idempotency, conn)
                        if idempotency is not None and attempt == 0
                        else None
                    )
                    if first is None:
                        raise
                    return first
                if idempotency is not None and attempt == 0:
                    first = await _remembered(store, idempotency, conn)
                    if first is not None:
                        return first
                pending = aggregate.take_pending()
                if not pending:
                    return CommandResult(
                        stream_id=stream_id, version=aggregate.version, position="0.0", events=[], data=data
                    )
                result = await _append(store, conn, aggregate, pending, data, meta, idempotency)
        except ConcurrencyError:
            if attempt == MAX_ATTEMPTS - 1:
                raise Conflict("concurrent_update", "该记录刚被其他人修改，请刷新后重试", stream_id=stream_id) from None
            continue
        except IdempotencyKeyTaken:
            # A concurrent request with the same Idempotency-Key won: answer what it answered.
            assert idempotency is not None
            first = await _remembered(store, idempotency)
            if first is None:
                raise
            return first
        if on_appended is not None:
            on_appended()
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _with_setting(action: Action, setting: RecordedEvent | None) -> Callable[[Any], dict[str, Any] | None]:
    return lambda aggregate: action(aggregate, setting)


async def _first(
    store: CommandStore,
    aggregate_type: type[A],
    stream_id: str,
    action: Action,
    meta: Metadata,
    idempotency: Idempotency | None,
    latest: LatestOf,
    assumed: Assumed,
) -> CommandResult | None:
    """The command decided on an empty stream and appended in one statement, or ``None``."""
    aggregate = aggregate_type.from_recorded(stream_id, [])
    try:
        data = _decide(_with_setting(action, assumed.event), aggregate)
    except DomainError:
        return None  # perhaps refused only because the stream is not in fact empty: decide on it
    pending = aggregate.take_pending()
    if len(pending) != 1:
        return None
    names = [pending[0].event.type_name()]
    try:
        appended = await store.append_first(
            stream_id,
            aggregate.stream_type,
            pending[0],
            meta,
            latest,
            assumed,
            remember=_remember(idempotency, stream_id, names, data),
        )
    except IdempotencyKeyTaken:
        assert idempotency is not None  # the key was taken by an earlier request: answer as it was
        return await _remembered(store, idempotency)
    if appended is None:
        return None
    return CommandResult(
        stream_id=stream_id, version=appended.version, position=appended.checkpoint, events=names, data=data
    )


def _decide(action: Callable[[A], dict[str, Any] | None], aggregate: A) -> dict[str, Any]:
    """``action`` on the aggregate; an event it builds from a value its contract refuses (a value
    no route checked) is ``UnloadableEvent``, answered 422 like the store's own guard."""
    try:
        return action(aggregate) or {}
    except ValidationError as exc:
        raise UnloadableEvent.of(exc.title, exc) from None


def _remember(
    idempotency: Idempotency | None, stream_id: str, names: list[str], data: dict[str, Any]
) -> Remember | None:
    if idempotency is None:
        return None
    # What ``CommandResult(...).model_dump(mode="json", exclude={"version", "position"})`` gives,
    # without building and dumping a model per command (the statement adds version and position).
    answer = {"stream_id": stream_id, "events": list(names), "data": to_jsonable_python(data)}
    return Remember(idempotency.scope, idempotency.key, idempotency.fingerprint, answer)


async def _append(
    store: CommandStore,
    conn: Any,
    aggregate: Aggregate,
    pending: list[NewEvent],
    data: dict[str, Any],
    meta: Metadata,
    idempotency: Idempotency | None,
) -> CommandResult:
    """Append the decided events; with an idempotency key, its answer is stored by the same statement."""
    names = [p.event.type_name() for p in pending]
    remember = _remember(idempotency, aggregate.id, names, data)
    appended = await store.append(
        aggregate.id, aggregate.stream_type, aggregate.version, pending, meta, conn=conn, remember=remember
    )
    return CommandResult(
        stream_id=aggregate.id, version=appended.version, position=appended.checkpoint, events=names, data=data
    )
