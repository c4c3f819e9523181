"""How a step appends: through the aggregate's stream at its version, with realistic event times and
the person who did it as the actor; many appends gathered in batches.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
from collections.abc import Sequence

from appraisal.demo.cast import Person
from grassroots_common.aggregate import Aggregate
from grassroots_common.events import Metadata, NewEvent
from grassroots_common.runtime import Runtime


def _spread(events: list[NewEvent], start: dt.datetime, end: dt.datetime, rng: random.Random) -> list[NewEvent]:
    """Give decided events realistic times, in order, between ``start`` and ``end``."""
    span = (end - start).total_seconds()
    times = sorted(start + dt.timedelta(seconds=rng.random() * span) for _ in events)
    return [dataclasses.replace(e, occurred_at=t) for e, t in zip(events, times, strict=True)]


def _at(events: list[NewEvent], moment: dt.datetime) -> list[NewEvent]:
    """Give decided events the one time they happened at."""
    return [dataclasses.replace(e, occurred_at=moment) for e in events]


async def _append(runtime: Runtime, agg: Aggregate, events: list[NewEvent], meta: Metadata) -> None:
    if events:
        await runtime.store.append(agg.id, agg.stream_type, agg.version, events, meta)
        agg.version += len(events)


async def _each(runtime: Runtime, agg: Aggregate, events: list[NewEvent], people: dict, actor_field: str) -> None:
    """Append one by one, each with the person who did it as the actor."""
    for event in events:
        await _append(runtime, agg, [event], _meta(people[getattr(event.event, actor_field)]))


def _meta(person: Person) -> Metadata:
    return Metadata(actor_id=person.person_id, actor_name=person.name, actor_roles=(person.role,))


async def _gather(jobs: Sequence, size: int = 200) -> None:
    jobs = list(jobs)
    for start in range(0, len(jobs), size):
        await asyncio.gather(*jobs[start : start + size])
