"""Event contracts: the envelope every event travels in, the registry, and upcasting.

An event class is a pydantic model with a class-level ``schema_version``. Older shapes stored in the
event store are upcast on read (``register_upcaster``), never rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import orjson
from pydantic import BaseModel, ConfigDict, ValidationError

from grassroots_common import personal
from grassroots_common.fields import STORED
from grassroots_common.ids import new_event_id


class Event(BaseModel):
    """Base of every domain event. Subclasses are named in the past tense (``LogSubmitted``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: ClassVar[int] = 1
    stream_type: ClassVar[str] = ""

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__


E = TypeVar("E", bound=type[Event])

_REGISTRY: dict[str, type[Event]] = {}
_UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}


def event(cls: E) -> E:
    """Class decorator: register an event type under its class name."""
    name = cls.type_name()
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls:
        raise ValueError(f"event type {name} registered twice")
    _REGISTRY[name] = cls
    return cls


def register_upcaster(type_name: str, from_version: int) -> Callable[[Callable], Callable]:
    """Register a function that turns data of ``from_version`` into ``from_version + 1``.

    This is also how a stream holding an event that no longer loads (written by an older version,
    before its contract bounded a value) is repaired: raise the class's ``schema_version`` and
    register an upcaster from the old version that passes good data through and mends the bad;
    ``grassroots events unloadable`` lists the streams that need one. Nothing is rewritten."""

    def decorate(fn: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
        _UPCASTERS[(type_name, from_version)] = fn
        return fn

    return decorate


def event_class(type_name: str) -> type[Event] | None:
    return _REGISTRY.get(type_name)


_READ_BACK = {STORED: True}
"""Validation context of an event read from the store (``grassroots_common.fields``)."""


class UnloadableEvent(ValueError):
    """An event that would not load as the same event once stored: refused before it is appended.

    ``errors`` are pydantic's error dicts (``loc`` names the event's field), so the HTTP layer
    answers it like any invalid request (422)."""

    def __init__(self, type_name: str, errors: list[dict[str, Any]]) -> None:
        first = errors[0] if errors else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        super().__init__(f"{type_name} would not load back: {where} {first.get('msg', '')}".strip())
        self.type_name = type_name
        self.errors = errors

    @classmethod
    def of(cls, type_name: str, exc: ValidationError) -> UnloadableEvent:
        return cls(type_name, exc.errors(include_url=False))


# NUL, escaped as JSON writes it (and not preceded by an escaped backslash): jsonb refuses it.
_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def load_event(type_name: str, data: dict[str, Any]) -> Event:
    """The typed event from stored (upcast) data; LookupError for a type this process does not know."""
    cls = _REGISTRY.get(type_name)
    if cls is None:
        raise LookupError(f"unknown event type {type_name}")
    # what ``model_validate`` does, without its wrapper's cost (this runs for every event loaded)
    return cls.__pydantic_validator__.validate_python(data, context=_READ_BACK)


def current_schema_version(type_name: str) -> int | None:
    """The schema version of the registered class of ``type_name``; None for a type this process does not know."""
    cls = _REGISTRY.get(type_name)
    return None if cls is None else cls.schema_version


def stored_json(event: Event) -> str:
    """The event as the store keeps it (its JSON), after checking that it loads back as the same
    event exactly as a reader will load it (JSON decoded, then validated by its registered
    contract with the reader's context). ``UnloadableEvent`` otherwise: what cannot be loaded is
    never appended, so no decision can break a stream."""
    name = event.type_name()
    text = event.model_dump_json()
    if "\\u0000" in text and _NUL.search(text):
        raise UnloadableEvent(name, [_nul_error()])
    cls = _REGISTRY.get(name, type(event))
    try:
        back = cls.model_validate(orjson.loads(text), context=_READ_BACK)
    except ValidationError as exc:
        raise UnloadableEvent.of(name, exc) from None
    if back != event:
        changed = [k for k in type(event).model_fields if getattr(back, k, None) != getattr(event, k)]
        raise UnloadableEvent(
            name, [{"loc": (changed[0] if changed else "",), "type": "value_not_kept", "msg": "读回的值与写入的不同"}]
        )
    return text


def _nul_error() -> dict[str, Any]:
    return {
        "loc": (),
        "type": "text_control_character",
        "msg": "含有不可见的控制字符 U+0000（常见于从 Word 或表格粘贴的内容），请删除后重新输入",
    }


def upcast(type_name: str, schema_version: int, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Apply registered upcasters until the data has the current schema version of its class."""
    cls = _REGISTRY.get(type_name)
    target = cls.schema_version if cls else schema_version
    version = schema_version
    while version < target:
        step = _UPCASTERS.get((type_name, version))
        if step is None:
            raise LookupError(f"no upcaster for {type_name} v{version} -> v{version + 1}")
        data = step(data)
        version += 1
    return version, data


@dataclass(frozen=True, slots=True)
class Metadata:
    """Who did it and why: carried on every event and into NATS headers."""

    actor_id: str
    actor_name: str = ""
    actor_roles: tuple[str, ...] = ()
    correlation_id: str = ""
    causation_id: str = ""
    request_id: str = ""
    traceparent: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "actor_roles": list(self.actor_roles),
            "correlation_id": self.correlation_id,
            "causation_id": self.causation_id,
            "request_id": self.request_id,
            "traceparent": self.traceparent,
        }

    def stored(self) -> dict[str, Any]:
        """As stored with an event: the fields that are set (readers default the others)."""
        return {k: v for k, v in self.as_dict().items() if v or k == "actor_id"}


SYSTEM = Metadata(actor_id="system", actor_name="系统", actor_roles=("system",))


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event decided by an aggregate, not yet stored."""

    event: Event
    event_id: str = field(default_factory=new_event_id)
    occurred_at: dt.datetime | None = None


@dataclass(slots=True)
class RecordedEvent:
    """An event as stored and as it travels on NATS (the JSON envelope)."""

    event_id: str
    stream_id: str
    stream_type: str
    version: int
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: dict[str, Any]
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    position: int = 0
    tx_id: int = 0
    # Sequence in the JetStream stream it arrived from; 0 when read from the store.
    sequence: int = 0
    source: str = ""

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "event_id": self.event_id,
                "stream_id": self.stream_id,
                "stream_type": self.stream_type,
                "version": self.version,
                "type": self.type,
                "schema_version": self.schema_version,
                "data": self.data,
                "metadata": self.metadata,
                "occurred_at": self.occurred_at,
                "recorded_at": self.recorded_at,
                "position": self.position,
                "tx_id": self.tx_id,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes, sequence: int = 0, source: str = "") -> RecordedEvent:
        body = orjson.loads(raw)
        type_name, schema_version, data = body["type"], body["schema_version"], body["data"]
        if personal.sealed_in_json(raw):  # the persons it names, opened (their keys fetched before)
            data = personal.open_data(data)
            personal.open_metadata(body["metadata"])
        registered = _REGISTRY.get(type_name)
        if registered is not None and registered.schema_version != schema_version:
            schema_version, data = upcast(type_name, schema_version, data)
        return cls(
            body["event_id"],
            body["stream_id"],
            body["stream_type"],
            body["version"],
            type_name,
            schema_version,
            data,
            body["metadata"],
            _from_iso(body["occurred_at"]),  # JSON carries times as ISO strings
            _from_iso(body["recorded_at"]),
            body.get("position", 0),
            body.get("tx_id", 0),
            sequence,
            source,
        )

    def to_event(self) -> Event:
        """The typed event; raises LookupError for a type this process does not know."""
        return load_event(self.type, self.data)

    @property
    def actor_id(self) -> str:
        return self.metadata.get("actor_id", "")


_from_iso = dt.datetime.fromisoformat
