"""A pulled batch of events that decodes each envelope when it is read.

A rebuild hands projections ten thousand events at a time. Decoded all at once, their envelopes
(dicts, lists, strings: tens of thousands of objects) outgrow the CPU caches, and decoding costs
about twice what it costs when each envelope is read, folded and freed in turn; measured on the
reporting projection, 8.8 µs against 4.1 µs per event. So the batch keeps the raw payloads and
decodes on access. What the runner needs without decoding comes from the message itself: the
stream sequence from the reply subject and the event type from the subject.

Reading the same event twice decodes it twice: a projection that walks its batch twice (collect
keys, load rows, fold) pays about what a decoded list would have cost it, never more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import overload

from grassroots_common.events import RecordedEvent
from grassroots_common.jetstream import Delivery


class EventBatch(Sequence[RecordedEvent]):
    __slots__ = ("_deliveries", "_source")

    def __init__(self, deliveries: Sequence[Delivery], source: str) -> None:
        self._deliveries = deliveries
        self._source = source

    def __len__(self) -> int:
        return len(self._deliveries)

    @overload
    def __getitem__(self, index: int) -> RecordedEvent: ...

    @overload
    def __getitem__(self, index: slice) -> EventBatch: ...

    def __getitem__(self, index: int | slice) -> RecordedEvent | EventBatch:
        if isinstance(index, slice):
            return EventBatch(self._deliveries[index], self._source)
        d = self._deliveries[index]
        return RecordedEvent.from_json(d.data, d.sequence, self._source)

    def __iter__(self) -> Iterator[RecordedEvent]:
        source, decode = self._source, RecordedEvent.from_json
        for d in self._deliveries:
            yield decode(d.data, d.sequence, source)

    @property
    def deliveries(self) -> Sequence[Delivery]:
        return self._deliveries

    def after(self, sequence: int) -> EventBatch:
        """The events past ``sequence`` (what a checkpoint at ``sequence`` does not cover)."""
        return EventBatch([d for d in self._deliveries if d.sequence > sequence], self._source)

    def up_to(self, sequence: int) -> EventBatch:
        return EventBatch([d for d in self._deliveries if d.sequence <= sequence], self._source)

    def of_types(self, wanted: Callable[[str], bool]) -> EventBatch:
        """The events whose type ``wanted`` accepts; the type comes from the subject when it can."""
        verdicts: dict[str, bool] = {}  # by subject: a batch holds a handful of distinct ones
        kept = []
        for d in self._deliveries:
            verdict = verdicts.get(d.subject)
            if verdict is None:
                verdict = wanted(d.event_type or RecordedEvent.from_json(d.data).type)
                if d.subject:
                    verdicts[d.subject] = verdict
            if verdict:
                kept.append(d)
        if len(kept) == len(self._deliveries):
            return self
        return EventBatch(kept, self._source)
