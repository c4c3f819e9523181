"""Aggregate base: decide (a domain method checks the rules and raises events) and evolve (``when``).

Domain methods never touch I/O. ``_raise`` records a new event and applies it at once, so a method
that raises two events sees the state after the first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar, Self

from grassroots_common.events import Event, NewEvent, RecordedEvent


class Aggregate(ABC):
    stream_type: ClassVar[str] = ""

    def __init__(self, stream_id: str) -> None:
        self.id = stream_id
        self.version = 0
        self.pending: list[NewEvent] = []

    @abstractmethod
    def when(self, event: Event) -> None:
        """Evolve the state by one event; subclasses ``match`` on the event type."""

    def _raise(self, event: Event) -> None:
        self.when(event)
        self.pending.append(NewEvent(event))

    @property
    def exists(self) -> bool:
        return self.version > 0 or bool(self.pending)

    @classmethod
    def replay(cls, stream_id: str, events: Iterable[Event]) -> Self:
        """Rebuild from typed events (unit tests: given events → command → events)."""
        agg = cls(stream_id)
        for event in events:
            agg.when(event)
            agg.version += 1
        return agg

    @classmethod
    def from_recorded(cls, stream_id: str, events: Iterable[RecordedEvent]) -> Self:
        agg = cls(stream_id)
        for recorded in events:
            agg.when(recorded.to_event())
            agg.version = recorded.version
        return agg

    def take_pending(self) -> list[NewEvent]:
        pending, self.pending = self.pending, []
        return pending
