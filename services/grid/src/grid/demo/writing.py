"""How a step appends: the actors' metadata, and ``Writer``, which runs a domain method and appends
what it raised at the simulated time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from grassroots_common.aggregate import Aggregate
from grassroots_common.events import Metadata, NewEvent
from grassroots_common.store import EventStore
from grid.demo.cast import DISPATCHER


def _meta(actor: str, name: str, role: str) -> Metadata:
    return Metadata(actor_id=actor, actor_name=name, actor_roles=(role,), correlation_id="demo-seed")


DISPATCH_META = _meta(*DISPATCHER, "community_admin")
DISTRICT_META = _meta("da_grid", "区委政法委 网格办", "district_admin")


class Writer:
    """Runs a domain method and appends what it raised, stamped with the simulated time."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    async def step(self, agg: Aggregate, meta: Metadata, at: dt.datetime, fn: Callable[[], object]) -> None:
        fn()
        pending = [NewEvent(p.event, p.event_id, at) for p in agg.take_pending()]
        if pending:
            appended = await self.store.append(agg.id, agg.stream_type, agg.version, pending, meta)
            agg.version = appended.version
