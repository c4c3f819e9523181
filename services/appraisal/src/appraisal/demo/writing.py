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
from grassroots_common.workdays import CHINA

# Reviews, grades and reminders are office work: they happen between 08:30 and 18:00, China time.
_OFFICE = (dt.time(8, 30), dt.time(18))


def _office_windows(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The office hours between ``start`` and ``end``, day by day."""
    windows = []
    day = start.astimezone(CHINA).date()
    while (opens := dt.datetime.combine(day, _OFFICE[0], tzinfo=CHINA)) < end:
        closes = dt.datetime.combine(day, _OFFICE[1], tzinfo=CHINA)
        if (a := max(opens, start)) < (b := min(closes, end)):
            windows.append((a, b))
        day += dt.timedelta(days=1)
    return windows


def _spread(events: list[NewEvent], start: dt.datetime, end: dt.datetime, rng: random.Random) -> list[NewEvent]:
    """Give decided events realistic times, in order, between ``start`` and ``end``: in office
    hours where the span holds any (one draw an event, as a point along those hours)."""
    windows = _office_windows(start, end) or [(start, end)]
    total = sum((b - a).total_seconds() for a, b in windows)
    times = sorted(_along(windows, rng.random() * total) for _ in events)
    return [dataclasses.replace(e, occurred_at=t) for e, t in zip(events, times, strict=True)]


def _along(windows: list[tuple[dt.datetime, dt.datetime]], seconds: float) -> dt.datetime:
    """The moment ``seconds`` into the windows laid end to end."""
    for a, b in windows:
        if seconds < (length := (b - a).total_seconds()):
            return a + dt.timedelta(seconds=seconds)
        seconds -= length
    return windows[-1][1]


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
