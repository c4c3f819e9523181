"""What a projection is: a read model fed from event streams, its schema, the events it handles,
and where it reads each source."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import asyncpg

from grassroots_common.event_batch import EventBatch
from grassroots_common.events import Event, RecordedEvent
from grassroots_common.jetstream import StreamSpec

F = TypeVar("F")
V = TypeVar("V")


def types_of(*events: type[Event]) -> frozenset[str]:
    """The type names of contract classes, for ``Projection.event_types`` and a projection's own
    groups of events: projections name the events they handle by class, so the usages of an event
    class reach every read model that consumes it."""
    return frozenset(e.type_name() for e in events)


def keyed_by_type(by_class: Mapping[type[Event], V]) -> dict[str, V]:
    """A table keyed by contract classes, keyed by their type names (what a recorded event carries)."""
    return {e.type_name(): value for e, value in by_class.items()}


class Projection(ABC):
    """Subclass and set the class attributes; implement ``apply`` for a batch of events.

    ``apply`` runs inside a transaction whose ``search_path`` is the projection's schema, so it
    writes unqualified table names; queries name ``<schema>.<table>``. It should fold the batch
    and write with set-based statements: a batch can hold thousands of events during a rebuild.
    """

    name: str = ""
    schema: str = ""
    sources: tuple[str, ...] = ()
    event_types: frozenset[str] | None = None  # ``types_of(LogSubmitted, ...)``; None: every event
    ddl: str = ""
    on_failure: str = "continue"  # or "stop"

    @abstractmethod
    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        """Fold the batch and write it (inside the runner's transaction)."""

    def handles(self, event_type: str) -> bool:
        return self.event_types is None or event_type in self.event_types


class PureFoldProjection(Projection, Generic[F]):
    """A projection whose fold reads nothing from the database.

    ``fold`` turns a batch into what to write and ``write`` stores it, so a rebuild folds the next
    batch in Python while PostgreSQL writes this one, and builds the non-unique indexes of its
    tables once at the end, so ``write`` should address rows by their unique keys. A projection
    that must load rows before it can fold (``tables.Rows``) implements ``apply`` instead.
    During a rebuild ``fold`` runs on a worker thread: it must touch nothing but its events.
    """

    @abstractmethod
    def fold(self, events: Sequence[RecordedEvent]) -> F:
        """What the batch changes, computed from the events alone."""

    @abstractmethod
    async def write(self, conn: asyncpg.Connection, folded: F) -> None:
        """Store a fold (inside the runner's transaction)."""

    async def apply(self, conn: asyncpg.Connection, events: Sequence[RecordedEvent]) -> None:
        await self.write(conn, self.fold(events))


@dataclass(frozen=True, slots=True)
class Folded:
    """A batch folded ahead of its transaction (``PureFoldProjection``): the events it covers, those
    of them the projection handles, and the fold."""

    events: Sequence[RecordedEvent]
    known: Sequence[RecordedEvent]
    value: object


def handled(projection: Projection, events: Sequence[RecordedEvent]) -> Sequence[RecordedEvent]:
    if isinstance(events, EventBatch):
        return events.of_types(projection.handles)
    return [e for e in events if projection.handles(e.type)]


def fold_ahead(projection: Projection, events: Sequence[RecordedEvent]) -> Folded | None:
    """Fold a batch before its transaction, where the projection allows it."""
    if not isinstance(projection, PureFoldProjection):
        return None
    known = handled(projection, events)
    return Folded(events, known, projection.fold(known))


@dataclass(slots=True)
class SourceBinding:
    """Where a projection reads one source: the stream, and the durable consumer's name."""

    source: str
    spec: StreamSpec
    consumer: str


def binding(projection: Projection, spec: StreamSpec, owner: str) -> SourceBinding:
    return SourceBinding(spec.service, spec, f"{owner}-{projection.name}")
